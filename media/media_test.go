package media

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/internal/testboot"
	"github.com/refimage/refimage/media/usb"
	"github.com/refimage/refimage/media/wim"
)

const (
	biosMarker = "REFIMAGE-MEDIA-BIOS-OK"
	uefiMarker = "REFIMAGE-MEDIA-UEFI-OK"
	canary     = "CANARY-media-4d1f"
	mediaPass  = "media password 1"
)

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeCopype makes what copype amd64 makes, with test boot programs and a
// boot.wim made here.
func fakeCopype(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	m := filepath.Join(root, "media")
	writeFile(t, filepath.Join(m, "bootmgr"), []byte("bootmgr"))
	writeFile(t, filepath.Join(m, "bootmgr.efi"), []byte("bootmgr.efi"))
	writeFile(t, filepath.Join(m, "Boot", "BCD"), []byte("bios bcd"))
	writeFile(t, filepath.Join(m, "Boot", "boot.sdi"), bytes.Repeat([]byte{1}, 4096))
	writeFile(t, filepath.Join(m, "EFI", "Boot", "bootx64.efi"), testboot.EFIApp(uefiMarker))
	writeFile(t, filepath.Join(m, "EFI", "Microsoft", "Boot", "BCD"), []byte("uefi bcd"))
	pe := filepath.Join(t.TempDir(), "pe")
	writeFile(t, filepath.Join(pe, "Windows", "System32", "startnet.cmd"), []byte("wpeinit\r\n"))
	writeFile(t, filepath.Join(pe, "Windows", "System32", "config", "SYSTEM"), bytes.Repeat([]byte("reg"), 5000))
	os.MkdirAll(filepath.Join(m, "sources"), 0o755)
	if _, err := wim.Capture(pe, filepath.Join(m, "sources", "boot.wim"), wim.CaptureOptions{Name: "Microsoft Windows PE (amd64)", Boot: true, Compression: wim.CompressXPRESS}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "fwfiles", "etfsboot.com"), testboot.BIOSBootSector(biosMarker))
	efisys, err := testboot.EFISysImage(map[string][]byte{"EFI/BOOT/BOOTX64.EFI": testboot.EFIApp(uefiMarker)})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "fwfiles", "efisys.bin"), efisys)
	return root
}

// exe is a stand-in refimage.exe: any x64 PE file will do.
func exe(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "refimage.exe")
	writeFile(t, p, testboot.EFIApp("not really refimage"))
	return p
}

// testSequence is the custom capture sequence with canary secrets and,
// for stand-alone media, content folders.
func testSequence(t *testing.T, content bool) (*sequence.Sequence, map[string]string) {
	t.Helper()
	s := sequence.CustomCaptureTemplate(false)
	s.Name = "Media test"
	s.BootImage = sequence.BootImage{Path: "boot.wim", Arch: "x64"}
	c := s.FindStep(sequence.StepCustomCapture).Props.(*sequence.CaptureOSImage)
	c.Destination = `\\srv\captures\ref.wim`
	c.Account = `CORP\capture`
	c.Password = secret.EnvRef("CAPTURE_PW")
	env := map[string]string{"CAPTURE_PW": canary}
	if content {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "images", "install.wim"), []byte("pretend wim "+strings.Repeat("x", 10000)))
		writeFile(t, filepath.Join(dir, "apps", "7zip", "7z.msi"), []byte("msi"))
		writeFile(t, filepath.Join(dir, "apps", "7zip", "sub", "readme.txt"), []byte("read me"))
		writeFile(t, filepath.Join(dir, "drivers", "nic", "e1d.inf"), []byte("[Version]\r\n"))
		apply := sequence.NewStep("apply-os-image")
		apply.Props.(*sequence.ApplyOSImage).Image = `%Images%\install.wim`
		drivers := sequence.NewStep("apply-driver-package")
		drivers.Props.(*sequence.ApplyDriverPackage).Package = filepath.Join(dir, "drivers", "nic")
		apps := sequence.NewStep("install-applications")
		apps.Props.(*sequence.InstallApplications).Applications = []sequence.Application{{Name: "7-Zip", Source: filepath.Join(dir, "apps", "7zip"), CommandLine: "msiexec /i 7z.msi /qn", SuccessCodes: []int{0}}}
		s.Steps = append([]*sequence.Item{apply, drivers, apps}, s.Steps...)
		s.Variables = []sequence.Variable{{Name: "Images", Value: filepath.Join(dir, "images")}}
	}
	return s, env
}

type envResolver map[string]string

func (e envResolver) Getenv(n string) (string, bool) { v, ok := e[n]; return v, ok }
func (e envResolver) Prompt(string) (string, error)  { return "", secret.ErrNoPrompt }
func (e envResolver) Passphrase() (string, error)    { return "", errors.New("no passphrase") }

func build(t *testing.T, kind Kind, iso bool, mods ...func(*Options)) (string, *Result, *sequence.Sequence) {
	t.Helper()
	src, err := FindSource(fakeCopype(t), "")
	if err != nil {
		t.Fatal(err)
	}
	seq, env := testSequence(t, kind == Standalone)
	out := filepath.Join(t.TempDir(), "media.img")
	opt := Options{Sequence: seq, Source: src, Kind: kind, Label: "REFIMAGE", Password: mediaPass, Exe: exe(t), Resolver: envResolver(env),
		Variables: map[string]string{"OSDComputerName": "REF01"}}
	if iso {
		out = filepath.Join(t.TempDir(), "media.iso")
		opt.ISO = out
	} else {
		opt.USBImage = out
	}
	for _, m := range mods {
		m(&opt)
	}
	var phases []string
	opt.Progress = func(p Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
	}
	res, err := Build(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(phases, ",") != "boot image,write" {
		t.Errorf("progress phases %v", phases)
	}
	return out, res, seq
}

func TestFindSourceNamesEveryMissingPiece(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "media", "EFI", "Boot"), 0o755)
	writeFile(t, filepath.Join(root, "media", "EFI", "Boot", "BOOTX64.EFI"), []byte("x")) // case is ignored
	_, err := FindSource(root, "")
	var me *MissingError
	if !errors.As(err, &me) {
		t.Fatalf("got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"Boot/BCD", "boot.sdi", "EFI/Microsoft/Boot/BCD", "bootmgr.efi", "sources/boot.wim", "bootmgr", "fwfiles"} {
		if !strings.Contains(filepath.ToSlash(msg), want) {
			t.Errorf("missing piece %s not named:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "bootx64.efi") {
		t.Errorf("the loader was found case-insensitively, yet reported:\n%s", msg)
	}
	src, err := FindSource(fakeCopype(t), "")
	if err != nil || src.Arch != "x64" || src.EtfsBoot == "" || src.EFISys == "" {
		t.Fatalf("%+v %v", src, err)
	}
}

func TestWinpeshl(t *testing.T) {
	got, _ := Winpeshl("")
	want := "[LaunchApps]\r\n%SYSTEMROOT%\\System32\\wpeinit.exe\r\n%SYSTEMROOT%\\System32\\refimage.exe, run --media\r\n"
	if got != want {
		t.Errorf("got %q", got)
	}
	got, _ = Winpeshl(`X:\prestart.cmd`)
	if !strings.Contains(got, "cmd.exe, /c X:\\prestart.cmd\r\n%SYSTEMROOT%") {
		t.Errorf("prestart not before refimage: %q", got)
	}
	if _, err := Winpeshl(strings.Repeat("x", 300)); err == nil {
		t.Error("an over-long prestart was accepted")
	}
}

func TestExeArchRefused(t *testing.T) {
	p := exe(t)
	if _, err := FindExe(p, "arm64"); err == nil || !strings.Contains(err.Error(), "built for x64, but the boot image is arm64") {
		t.Fatalf("got %v", err)
	}
	if _, err := FindExe(p, "x64"); err != nil {
		t.Fatal(err)
	}
	notPE := filepath.Join(t.TempDir(), "x.exe")
	writeFile(t, notPE, []byte("#!/bin/sh"))
	if _, err := FindExe(notPE, "x64"); err == nil || !strings.Contains(err.Error(), "not a Windows executable") {
		t.Fatal(err)
	}
}

// bootWIMFiles applies the boot.wim found in dir and returns its files.
func applyWIM(t *testing.T, wimPath string) string {
	t.Helper()
	w, err := wim.Open(wimPath)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	dest := t.TempDir()
	if _, err := w.Apply(int(w.Header.BootIndex), dest, wim.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	return dest
}

func checkBootWIM(t *testing.T, bootWIM string) string {
	t.Helper()
	wimlib := oracle.Require(t, "wimlib-imagex")
	if out, err := exec.Command(wimlib, "verify", bootWIM).CombinedOutput(); err != nil {
		t.Fatalf("wimlib-imagex verify: %v\n%s", err, out)
	}
	tree := applyWIM(t, bootWIM)
	ini, err := os.ReadFile(filepath.Join(tree, filepath.FromSlash(WinpeshlPath)))
	if err != nil || !strings.Contains(string(ini), "refimage.exe, run --media") {
		t.Fatalf("winpeshl.ini: %q %v", ini, err)
	}
	for _, p := range []string{ExePath, SequencePath, IdentityPath, "Windows/System32/startnet.cmd"} {
		if _, err := os.Stat(filepath.Join(tree, filepath.FromSlash(p))); err != nil {
			t.Errorf("boot image lacks %s", p)
		}
	}
	seq, probs := sequence.Load(filepath.Join(tree, filepath.FromSlash(SequencePath)))
	if seq == nil || len(probs.Errors()) > 0 {
		t.Fatalf("the sequence on the medium: %v", probs)
	}
	pw := seq.FindStep(sequence.StepCustomCapture).Props.(*sequence.CaptureOSImage).Password
	if pw.Kind() != secret.Encrypted {
		t.Fatalf("capture password on the medium is %v, want encrypted", pw.Kind())
	}
	clear, err := pw.Reveal("password", staticPass(mediaPass))
	if err != nil || clear != canary {
		t.Fatalf("the media password does not unlock the secret: %v", err)
	}
	id, err := ReadIdentity(filepath.Join(tree, filepath.FromSlash(IdentityPath)))
	if err != nil {
		t.Fatal(err)
	}
	if err := id.Unlock("wrong"); err == nil {
		t.Error("a wrong media password unlocked the medium")
	}
	if err := id.Unlock(mediaPass); err != nil {
		t.Error(err)
	}
	if id.Variables["OSDComputerName"] != "REF01" {
		t.Errorf("media variables: %v", id.Variables)
	}
	return tree
}

// noCanary scans every byte of data (and its UTF-16 form) for the canary.
func noCanary(t *testing.T, what string, data []byte) {
	t.Helper()
	u16 := make([]byte, 0, 2*len(canary))
	for _, c := range canary {
		u16 = append(u16, byte(c), 0)
	}
	if bytes.Contains(data, []byte(canary)) || bytes.Contains(data, u16) {
		t.Errorf("%s holds the canary secret in clear", what)
	}
}

func noCanaryInTree(t *testing.T, root string) {
	t.Helper()
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			data, _ := os.ReadFile(p)
			noCanary(t, p, data)
		}
		return nil
	})
}

func TestBootableISO(t *testing.T) {
	xorriso := oracle.Require(t, "xorriso")
	out, res, _ := build(t, Bootable, true)
	data, _ := os.ReadFile(out)
	noCanary(t, "the ISO", data)
	rep, err := exec.Command(xorriso, "-indev", out, "-report_el_torito", "plain").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, rep)
	}
	if !strings.Contains(string(rep), "BIOS") || !strings.Contains(string(rep), "UEFI") {
		t.Errorf("El Torito entries:\n%s", rep)
	}
	ex := t.TempDir()
	if o, err := exec.Command(xorriso, "-osirrox", "on", "-indev", out, "-extract", "/", ex).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, o)
	}
	tree := checkBootWIM(t, filepath.Join(ex, "sources", "boot.wim"))
	noCanaryInTree(t, tree)
	noCanaryInTree(t, ex)
	for _, p := range []string{"EFI/Microsoft/Boot/BCD", "MediaLabel.txt", IdentityPath} {
		if _, err := os.Stat(filepath.Join(ex, filepath.FromSlash(p))); err != nil {
			t.Errorf("the ISO lacks %s", p)
		}
	}
	// The El Torito images are hidden, as oscdimg writes them.
	for _, p := range []string{"Boot/etfsboot.com", "EFI/Microsoft/Boot/efisys.bin", "boot-image"} {
		if _, err := os.Stat(filepath.Join(ex, filepath.FromSlash(p))); err == nil {
			t.Errorf("the ISO's tree shows %s", p)
		}
	}
	if len(res.ElTorito) != 2 || res.ElTorito[0].Platform != "BIOS" || filepath.Base(res.ElTorito[0].Source) != "etfsboot.com" ||
		res.ElTorito[1].Platform != "UEFI" || filepath.Base(res.ElTorito[1].Source) != "efisys.bin" {
		t.Errorf("El Torito entries %+v", res.ElTorito)
	}
	if _, err := os.Stat(filepath.Join(ex, "Content")); err == nil {
		t.Error("bootable media carry no content")
	}
	if res.ID == "" || res.Size == 0 {
		t.Errorf("result %+v", res)
	}
}

// espOf copies the FAT32 partition out of a USB image (MBR or GPT).
func espOf(t *testing.T, img string) string {
	t.Helper()
	data, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	le := func(b []byte) uint64 {
		var v uint64
		for i := 7; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		return v
	}
	var first, last uint64
	if data[446+4] == 0xEE { // GPT
		ent := data[le(data[512+72:])*512:]
		first, last = le(ent[32:]), le(ent[40:])
	} else { // MBR
		first = le(append(append([]byte{}, data[446+8:446+12]...), 0, 0, 0, 0))
		last = first + le(append(append([]byte{}, data[446+12:446+16]...), 0, 0, 0, 0)) - 1
	}
	p := filepath.Join(t.TempDir(), "esp")
	writeFile(t, p, data[first*512:(last+1)*512])
	return p
}

func TestStandaloneUSB(t *testing.T) {
	mcopy := oracle.Require(t, "mcopy")
	fsck := oracle.Require(t, "fsck.fat")
	out, res, orig := build(t, Standalone, false)
	data, _ := os.ReadFile(out)
	noCanary(t, "the USB image", data)
	esp := espOf(t, out)
	if o, err := exec.Command(fsck, "-n", esp).CombinedOutput(); err != nil {
		t.Fatalf("fsck.fat: %v\n%s", err, o)
	}
	ex := t.TempDir()
	cmd := exec.Command(mcopy, "-s", "-n", "-i", esp, "::/", ex)
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1")
	if o, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mcopy: %v\n%s", err, o)
	}
	tree := checkBootWIM(t, filepath.Join(ex, "sources", "boot.wim"))
	noCanaryInTree(t, tree)
	// Manifest: every content file with its size and SHA-256.
	var manifest []ManifestEntry
	mdata, err := os.ReadFile(filepath.Join(ex, filepath.FromSlash(ManifestPath)))
	if err != nil || json.Unmarshal(mdata, &manifest) != nil {
		t.Fatalf("manifest: %v", err)
	}
	if len(manifest) != 4 || len(res.Manifest) != 4 {
		t.Fatalf("manifest has %d entries, want 4:\n%s", len(manifest), mdata)
	}
	for _, e := range manifest {
		p := filepath.Join(ex, filepath.FromSlash(e.Path))
		sum, err := sha256File(p)
		info, _ := os.Stat(p)
		if err != nil || sum != e.SHA256 || info.Size() != e.Size {
			t.Errorf("%s: on the medium %v/%d, manifest %s/%d", e.Path, sum, info.Size(), e.SHA256, e.Size)
		}
	}
	// The sequence on the medium points at the medium; the original is unchanged.
	seq, _ := sequence.Load(filepath.Join(tree, filepath.FromSlash(SequencePath)))
	img := seq.Steps[0].Props.(*sequence.ApplyOSImage).Image
	if img != `%_RefimageMediaRoot%\Content\01-Apply Operating System Image\install.wim` {
		t.Errorf("image reference on the medium: %s", img)
	}
	app := seq.Steps[2].Props.(*sequence.InstallApplications).Applications[0].Source
	if !strings.HasPrefix(app, `%_RefimageMediaRoot%\Content\`) {
		t.Errorf("application source on the medium: %s", app)
	}
	if orig.Steps[0].Props.(*sequence.ApplyOSImage).Image != `%Images%\install.wim` {
		t.Error("Build changed the caller's sequence")
	}
	id, _ := ReadIdentity(filepath.Join(ex, filepath.FromSlash(IdentityPath)))
	if id == nil || id.MediaType != "FullMedia" || id.Kind != Standalone {
		t.Errorf("identity %+v", id)
	}
}

func TestMissingContentBeforeWriting(t *testing.T) {
	src, _ := FindSource(fakeCopype(t), "")
	seq, env := testSequence(t, true)
	seq.Steps[1].Props.(*sequence.ApplyDriverPackage).Package = filepath.Join(t.TempDir(), "no-such-drivers")
	seq.Variables = nil // %Images% unresolved
	out := filepath.Join(t.TempDir(), "x.iso")
	_, err := Build(context.Background(), Options{Sequence: seq, Source: src, Kind: Standalone, ISO: out, Password: mediaPass, Exe: exe(t), Resolver: envResolver(env)})
	if err == nil || !strings.Contains(err.Error(), "%Images%") {
		t.Fatalf("unresolved variable not reported: %v", err)
	}
	seq, env = testSequence(t, true)
	seq.Steps[1].Props.(*sequence.ApplyDriverPackage).Package = filepath.Join(t.TempDir(), "no-such-drivers")
	_, err = Build(context.Background(), Options{Sequence: seq, Source: src, Kind: Standalone, ISO: out, Password: mediaPass, Exe: exe(t), Resolver: envResolver(env)})
	if err == nil || !strings.Contains(err.Error(), "no-such-drivers (not found)") {
		t.Fatalf("missing content not reported: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "*"))
	if len(left) != 0 {
		t.Errorf("a failed build left %v", left)
	}
}

func TestSecretsNeedAPassword(t *testing.T) {
	src, _ := FindSource(fakeCopype(t), "")
	seq, env := testSequence(t, false)
	_, err := Build(context.Background(), Options{Sequence: seq, Source: src, ISO: filepath.Join(t.TempDir(), "x.iso"), Exe: exe(t), Resolver: envResolver(env)})
	if err == nil || !strings.Contains(err.Error(), "without a media password") {
		t.Fatalf("got %v", err)
	}
	// A prompt secret needs none: it is asked for on the target.
	seq.FindStep(sequence.StepCustomCapture).Props.(*sequence.CaptureOSImage).Password = secret.PromptRef()
	if _, err := Build(context.Background(), Options{Sequence: seq, Source: src, ISO: filepath.Join(t.TempDir(), "x.iso"), Exe: exe(t)}); err != nil {
		t.Fatal(err)
	}
}

func runQEMU(t *testing.T, marker string, args ...string) {
	t.Helper()
	qemu := oracle.Require(t, "qemu-system-x86_64")
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var serial bytes.Buffer
	cmd := exec.CommandContext(ctx, qemu, append([]string{"-m", "256", "-display", "none", "-serial", "stdio", "-monitor", "none", "-nic", "none", "-no-reboot"}, args...)...)
	cmd.Stdout, cmd.Stderr = &serial, &serial
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for ctx.Err() == nil && !strings.Contains(serial.String(), marker) {
		time.Sleep(200 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !strings.Contains(serial.String(), marker) {
		s := serial.String()
		if len(s) > 1500 {
			s = s[len(s)-1500:]
		}
		t.Fatalf("no %s on the serial console:\n%s", marker, s)
	}
}

func TestMediaBoot(t *testing.T) {
	if testing.Short() {
		t.Skip("boots virtual machines")
	}
	ovmf := oracle.RequireFile(t, "/usr/share/OVMF/OVMF_CODE.fd", "ovmf")
	iso, _, _ := build(t, Bootable, true)
	usbImg, _, _ := build(t, Bootable, false)
	usbGPT, _, _ := build(t, Bootable, false, func(o *Options) { o.USBLayout = usb.LayoutGPT })
	t.Run("SeaBIOS boots the ISO's BIOS entry", func(t *testing.T) {
		runQEMU(t, biosMarker, "-cdrom", iso, "-boot", "d")
	})
	t.Run("OVMF boots the ISO's UEFI entry", func(t *testing.T) {
		runQEMU(t, uefiMarker, "-machine", "q35", "-drive", "if=pflash,format=raw,readonly=on,file="+ovmf, "-cdrom", iso)
	})
	// Both USB layouts, attached as a USB stick (xHCI mass storage).
	for name, img := range map[string]string{"MBR": usbImg, "GPT": usbGPT} {
		t.Run("OVMF boots the "+name+" USB image from a USB stick", func(t *testing.T) {
			runQEMU(t, uefiMarker, "-machine", "q35", "-drive", "if=pflash,format=raw,readonly=on,file="+ovmf,
				"-device", "qemu-xhci,id=xhci", "-drive", "if=none,id=stick,format=raw,file="+img,
				"-device", "usb-storage,bus=xhci.0,drive=stick,removable=on")
		})
	}
}

func TestLocate(t *testing.T) {
	out, res, _ := build(t, Standalone, false)
	esp := espOf(t, out)
	mcopy := oracle.Require(t, "mcopy")
	medium := t.TempDir()
	cmd := exec.Command(mcopy, "-s", "-n", "-i", esp, "::/", medium)
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1")
	if o, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, o)
	}
	boot := applyWIM(t, filepath.Join(medium, "sources", "boot.wim"))
	other := t.TempDir()
	st, err := Locate(boot, []string{other, medium}, func(string) string { return "removable" })
	if err != nil {
		t.Fatal(err)
	}
	if st.MediaRoot != medium || st.Identity.ID != res.ID || st.LaunchMode != "UFD" {
		t.Errorf("%+v", st)
	}
	v := st.Variables()
	if v["_SMSTSMediaType"] != "FullMedia" || v[MediaRootVar] != medium || v["OSDComputerName"] != "REF01" {
		t.Errorf("variables %v", v)
	}
	if _, err := Locate(boot, []string{other}, nil); err == nil || !strings.Contains(err.Error(), "was not found") {
		t.Errorf("a stand-alone medium that is gone: %v", err)
	}
	if _, err := Locate(other, nil, nil); err == nil || !strings.Contains(err.Error(), "not made by refimage media") {
		t.Errorf("not a refimage boot image: %v", err)
	}
}
