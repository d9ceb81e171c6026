package iso

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/internal/testboot"
)

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// bootQEMU boots QEMU with args and waits until marker appears on the
// serial console.
func bootQEMU(t *testing.T, marker string, args ...string) {
	t.Helper()
	if got, out := runQEMU(t, []string{marker}, args...); got != marker {
		t.Fatalf("QEMU did not print %s:\n%s", marker, tail(out, 3000))
	}
}

// runQEMU runs QEMU with args until one of stops appears on the serial
// console and returns it ("" if QEMU ended or timed out first) with the
// output. QEMU runs under TCG (no KVM needed), without network, and is
// killed once a stop string is seen or after the timeout.
func runQEMU(t *testing.T, stops []string, args ...string) (string, string) {
	t.Helper()
	qemu := oracle.Require(t, "qemu-system-x86_64")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// The serial port and the firmware debug port (0x402, where SeaBIOS
	// logs) share stdout.
	base := []string{"-accel", "tcg", "-m", "256", "-display", "none",
		"-chardev", "stdio,id=con,mux=on,signal=off", "-serial", "chardev:con",
		"-device", "isa-debugcon,iobase=0x402,chardev=con",
		"-monitor", "none", "-no-reboot", "-nic", "none",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"}
	cmd := exec.CommandContext(ctx, qemu, append(base, args...)...)
	cmd.WaitDelay = 5 * time.Second
	var out testboot.Serial
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	seen := func() string {
		o := out.String()
		for _, s := range stops {
			if strings.Contains(o, s) {
				t.Logf("%q seen on the serial console after %s", s, time.Since(start).Round(time.Millisecond))
				return s
			}
		}
		return ""
	}
	for {
		select {
		case err := <-done:
			s := seen()
			if s == "" {
				t.Logf("QEMU ended (%v) after %s", err, time.Since(start).Round(time.Millisecond))
			}
			return s, out.String()
		case <-tick.C:
			if s := seen(); s != "" {
				cmd.Process.Kill()
				<-done
				return s, out.String()
			}
		case <-ctx.Done():
			<-done
			t.Log("QEMU timed out")
			return seen(), out.String()
		}
	}
}

func writeWinPEISO(t *testing.T, bios bool) string {
	t.Helper()
	return writeISOOf(t, winpeTree(t), bios)
}

func writeISOOf(t *testing.T, files map[string][]byte, bios bool) string {
	t.Helper()
	_, list := writeTree(t, files)
	out := filepath.Join(t.TempDir(), "winpe.iso")
	opt := Options{Label: "WINPE_X64", BIOSBoot: "Boot/etfsboot.com", UEFIBoot: "EFI/Microsoft/Boot/efisys.bin", ModTime: testTime}
	if !bios {
		opt.BIOSBoot = "" // as MakeWinPEMedia does without etfsboot.com (ARM64)
	}
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
	iso := writeWinPEISO(t, true)
	bootQEMU(t, biosMarker, "-cdrom", iso, "-boot", "d")
}

// TestQEMUBIOSNeedsTheCatalogEntry is the control for the test above: the
// same tree without the BIOS entry does not boot under SeaBIOS, so the
// marker there came through the catalog.
func TestQEMUBIOSNeedsTheCatalogEntry(t *testing.T) {
	oracle.Require(t, "qemu-system-x86_64")
	iso := writeWinPEISO(t, false)
	got, out := runQEMU(t, []string{biosMarker, "Boot failed"}, "-cdrom", iso, "-boot", "d")
	if got != "Boot failed" {
		t.Fatalf("SeaBIOS did not report %q (saw %q):\n%s", "Boot failed", got, tail(out, 3000))
	}
	t.Logf("SeaBIOS: %s", strings.TrimSpace(out[strings.Index(out, "Boot failed"):min(len(out), strings.Index(out, "Boot failed")+60)]))
}

// TestQEMUBootsUEFIEntry boots the image with OVMF, which mounts the FAT
// image of the 0xEF entry and starts its \EFI\BOOT\BOOTX64.EFI: once as
// the section entry after the BIOS entry, once as the only (default) entry.
func TestQEMUBootsUEFIEntry(t *testing.T) {
	for _, bios := range []bool{true, false} {
		name := "with BIOS entry"
		if !bios {
			name = "UEFI only"
		}
		t.Run(name, func(t *testing.T) { bootUEFI(t, writeWinPEISO(t, bios)) })
	}
	// An image over 32 MiB does not fit the 16-bit load size, which is
	// then 0 (as xorriso writes it); the firmware must still boot it.
	t.Run("40 MiB image with load size 0", func(t *testing.T) {
		files := winpeTree(t)
		files["EFI/Microsoft/Boot/efisys.bin"] = bigEFIImage(t, 40<<20)
		iso := writeISOOf(t, files, true)
		rep := xorriso(t, "-indev", iso, "-report_el_torito", "plain")
		if !hasFields(rep, []string{"El Torito boot img", "2", "UEFI", "y", "none", "0x0000", "0x00", "0"}) {
			t.Fatalf("UEFI entry does not have load size 0:\n%s", rep)
		}
		bootUEFI(t, iso)
	})
}

// bigEFIImage makes a FAT image of size bytes holding the test
// \EFI\BOOT\BOOTX64.EFI, with mkfs.fat and mcopy.
func bigEFIImage(t *testing.T, size int) []byte {
	t.Helper()
	mkfs := oracle.Require(t, "mkfs.fat")
	mcopy := oracle.Require(t, "mcopy")
	dir := t.TempDir()
	boot := filepath.Join(dir, "tree", "EFI", "BOOT")
	if err := os.MkdirAll(boot, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(boot, "BOOTX64.EFI"), testboot.EFIApp(uefiMarker), 0o644); err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(dir, "efisys.bin")
	runTool(t, time.Minute, mkfs, "-C", img, strconv.Itoa(size/1024))
	runTool(t, time.Minute, mcopy, "-i", img, "-s", filepath.Join(dir, "tree", "EFI"), "::/")
	b, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func bootUEFI(t *testing.T, iso string) {
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
	bootQEMU(t, uefiMarker,
		"-drive", "if=pflash,format=raw,readonly=on,file="+qemuPath(code),
		"-drive", "if=pflash,format=raw,file="+qemuPath(varsCopy),
		"-cdrom", iso, "-boot", "d")
}

// qemuPath escapes a path for a QEMU option list, where ',' separates
// options.
func qemuPath(p string) string { return strings.ReplaceAll(p, ",", ",,") }
