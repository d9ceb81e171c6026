package iso

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// bootQEMU boots QEMU with args and waits until marker appears on the
// serial console. QEMU runs under TCG (no KVM needed), without network,
// and is killed once the marker is seen or after the timeout.
func bootQEMU(t *testing.T, marker string, args ...string) {
	t.Helper()
	qemu := oracle.Require(t, "qemu-system-x86_64")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	base := []string{"-accel", "tcg", "-m", "256", "-display", "none", "-serial", "stdio",
		"-monitor", "none", "-no-reboot", "-nic", "none",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"}
	cmd := exec.CommandContext(ctx, qemu, append(base, args...)...)
	cmd.WaitDelay = 5 * time.Second
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if !strings.Contains(out.String(), marker) {
				t.Fatalf("QEMU ended (%v) after %s without printing %s:\n%s", err, time.Since(start).Round(time.Millisecond), marker, tail(out.String(), 3000))
			}
			t.Logf("%s seen on the serial console after %s", marker, time.Since(start).Round(time.Millisecond))
			return
		case <-tick.C:
			if strings.Contains(out.String(), marker) {
				t.Logf("%s seen on the serial console after %s", marker, time.Since(start).Round(time.Millisecond))
				cmd.Process.Kill()
				<-done
				return
			}
		case <-ctx.Done():
			<-done
			t.Fatalf("QEMU did not print %s within the timeout:\n%s", marker, tail(out.String(), 3000))
		}
	}
}

func writeWinPEISO(t *testing.T) string {
	t.Helper()
	_, list := writeTree(t, winpeTree(t))
	out := filepath.Join(t.TempDir(), "winpe.iso")
	opt := Options{Label: "WINPE_X64", BIOSBoot: "Boot/etfsboot.com", UEFIBoot: "EFI/Microsoft/Boot/efisys.bin", ModTime: testTime}
	if err := Write(context.Background(), out, list, opt); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestQEMUBootsBIOSEntry boots the image with SeaBIOS (QEMU's default
// firmware), which reads the boot record at sector 17 only, and checks
// that the test etfsboot.com ran.
func TestQEMUBootsBIOSEntry(t *testing.T) {
	oracle.Require(t, "qemu-system-x86_64")
	iso := writeWinPEISO(t)
	bootQEMU(t, biosMarker, "-cdrom", iso, "-boot", "d")
}

// TestQEMUBootsUEFIEntry boots the image with OVMF, which mounts the FAT
// image of the 0xEF entry and starts its \EFI\BOOT\BOOTX64.EFI.
func TestQEMUBootsUEFIEntry(t *testing.T) {
	oracle.Require(t, "qemu-system-x86_64")
	code := oracle.RequireFile(t, "/usr/share/OVMF/OVMF_CODE.fd", "ovmf")
	varsSrc := oracle.RequireFile(t, "/usr/share/OVMF/OVMF_VARS.fd", "ovmf")
	vars, err := os.ReadFile(varsSrc)
	if err != nil {
		t.Fatal(err)
	}
	varsCopy := filepath.Join(t.TempDir(), "vars.fd")
	if err := os.WriteFile(varsCopy, vars, 0o644); err != nil {
		t.Fatal(err)
	}
	iso := writeWinPEISO(t)
	bootQEMU(t, uefiMarker,
		"-drive", "if=pflash,format=raw,readonly=on,file="+code,
		"-drive", "if=pflash,format=raw,file="+varsCopy,
		"-cdrom", iso, "-boot", "d")
}
