//go:build !windows

package wine

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/media/wim"
)

// link makes a Wine dosdevices entry (a drive letter, or unc/SERVER/SHARE)
// point at a Linux folder for the test.
func (l *lane) link(t *testing.T, name, target string) {
	t.Helper()
	p := filepath.Join(l.prefix, "dosdevices", filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(p)
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(p) })
}

// waitVolumes waits until the engine's live Volumes lists every letter
// (after restartServer, Wine's system processes start with the first
// program).
func (l *lane) waitVolumes(t *testing.T, letters ...string) {
	t.Helper()
	exe := filepath.Join(l.dir, "bin", "volumes.exe")
	if _, err := os.Stat(exe); err != nil {
		if err := goBuild(exe, "windows", "github.com/refimage/refimage/internal/wine/testdata/volumes"); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := l.winProgram(t, "", nil, exe)
		have := strings.Fields(r.stdout)
		missing := 0
		for _, want := range letters {
			if !slices.Contains(have, want) {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			ents, _ := os.ReadDir(filepath.Join(l.prefix, "dosdevices"))
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Fatalf("Wine's volumes are %q after a minute, want %q among them (dosdevices: %q)\n%s", have, letters, names, r)
		}
		time.Sleep(3 * time.Second)
	}
}

// treeFiles lists a folder's files (slash paths) with their content,
// leaving out the names skip says.
func treeFiles(t *testing.T, root string, skip func(rel string) bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if rel != "." && skip != nil && skip(rel) {
			if fi.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameFiles(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	var g, w []string
	for k, v := range got {
		g = append(g, k+" = "+v)
	}
	for k, v := range want {
		w = append(w, k+" = "+v)
	}
	sort.Strings(g)
	sort.Strings(w)
	if strings.Join(g, "\n") != strings.Join(w, "\n") {
		t.Errorf("%s:\n--- got\n%s\n--- want\n%s", what, strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
}

// TestDiskStepsUnderWine runs Format and Partition Disk, Apply Operating
// System and Capture Operating System Image live under Wine, in a prefix
// made to look like Windows PE, with the volumes made of Wine drive
// letters: W: (a folder standing for the new Windows volume), D: (the
// install media with a three-image install.wim and an answer file) and
// the share \\deploy01\captures$. dism.exe is the stand-in doing what it
// is asked with media/wim, and only on W:, D: and the share.
//
// Partitioning disk 0 is refused live: the only disk Wine shows holds
// the prefix's own C:\windows and refimage.exe, which the engine protects
// (no diskpart is started). The apply and capture command lines equal the
// steps' goldens (the apply's target letter W: for the golden's C:, and
// one appended image per further volume Wine reports); the image lands on
// W: (old files deleted, the state folder kept, the answer file in
// Panther), bcdboot is started from the applied image, and the captured
// WIM, verified by the engine and renamed on the share, holds W:'s tree.
func TestDiskStepsUnderWine(t *testing.T) {
	l := getLane(t)
	installStandins(t, l)
	sd := t.TempDir()
	wDrive, dDrive, share := t.TempDir(), t.TempDir(), t.TempDir()

	// Image 3 of install.wim: a small Windows whose System32 holds the
	// stand-in as bcdboot.exe (the engine starts W:\Windows\System32\
	// bcdboot.exe from the applied image).
	src := t.TempDir()
	standin, err := os.ReadFile(filepath.Join(l.dir, "bin", "standin.exe"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(src, "Windows", "System32", "bcdboot.exe"), standin)
	writeFile(t, filepath.Join(src, "Windows", "System32", "ntoskrnl.exe"), []byte("kernel"))
	writeFile(t, filepath.Join(src, "Program Files", "Ref App", "app.ini"), []byte("[app]\r\nname=Ref App\r\n"))
	writeFile(t, filepath.Join(src, "Users", "Public", "readme.txt"), []byte("reference"))
	img := filepath.Join(dDrive, "My Images", "install.wim")
	if err := os.MkdirAll(filepath.Dir(img), 0o755); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"Windows 11 Home", "Windows 11 Pro", "Windows 11 Enterprise"} {
		if i == 2 {
			writeFile(t, filepath.Join(src, "image3.txt"), []byte("the third image"))
		}
		if _, err := wim.Capture(src, img, wim.CaptureOptions{Name: name, Append: i > 0, Compression: wim.CompressXPRESS}); err != nil {
			t.Fatal(err)
		}
	}
	want := treeFiles(t, src, nil)
	writeFile(t, filepath.Join(dDrive, "answers", "unattend.xml"), []byte("<unattend/>"))
	writeFile(t, filepath.Join(dDrive, ".windows-label"), []byte("Data"))
	// The old content of W: goes, the state folder stays.
	writeFile(t, filepath.Join(wDrive, "old.txt"), []byte("old"))
	writeFile(t, filepath.Join(wDrive, "_SMSTaskSequence", "keep.txt"), []byte("kept"))
	// The prefix's C: is labelled as the golden's Windows volume.
	cLabel := filepath.Join(l.prefix, "drive_c", ".windows-label")
	writeFile(t, cLabel, []byte("Windows"))
	t.Cleanup(func() { os.Remove(cLabel) })

	x := t.TempDir()
	l.link(t, "w:", wDrive)
	l.link(t, "d:", dDrive)
	l.link(t, "unc/deploy01/captures$", share)
	l.winPE(t, x)
	t.Cleanup(func() { l.fullOS(t) })
	// A running mount manager does not take up the new drive letters.
	l.restartServer(t)
	l.waitVolumes(t, "C:", "D:", "W:", "Z:")
	_, stateWin := l.cdrive(t, "disk state")

	rules := []rule{{Tool: "dism", DISM: true, Roots: []string{`W:\`, `D:\`, `\\deploy01\captures$\`}, Stdout: []string{"The operation completed successfully."}}}
	b, _ := json.Marshal(rules)
	writeFile(t, filepath.Join(sd, "script.json"), b)
	const canary = "Capture-Canary-7f3"
	env := []string{"REFIMAGE_STANDIN_DIR=" + zpath(sd), "REFIMAGE_TEST_CAPTURE_PW=" + canary, "NO_COLOR=1",
		"WINEDLLOVERRIDES=mscoree,mshtml=;" + strings.Join(nativeTools(), ",") + "=n"}
	r := l.win(t, "", env, "run", zpath(repo("internal/wine/testdata/disk.toml")), "--plain", "--state", stateWin)
	t.Logf("%s", r)
	calls := readCalls(t, sd)
	if r.code != 0 {
		t.Fatalf("want exit 0 (the refused partitioning continues on error):\n%s", r)
	}

	// Format and Partition Disk: refused, nothing started.
	if !strings.Contains(r.stderr, "disk 0 holds the media or the state refimage runs from") {
		t.Errorf("partitioning Wine's only disk was not refused as the disk refimage runs from:\n%s", r.stderr)
	}
	if d := lines(calls, "diskpart"); len(d) != 0 {
		t.Errorf("diskpart was started: %q", d)
	}

	// Apply Operating System: the golden's DISM line with W: for C:.
	dism := lines(calls, "dism")
	apply := goldenRuns(t, "engine/testdata/apply-os-image/live-uefi.golden")[0]
	apply = strings.Replace(apply, `/ApplyDir:C:\`, `/ApplyDir:W:\`, 1)
	if len(dism) == 0 || dism[0] != apply {
		t.Fatalf("apply: recorded %q, want %q", dism, apply)
	}
	got := treeFiles(t, wDrive, func(rel string) bool { return rel == "_SMSTaskSequence" || rel == "Windows/Panther" })
	sameFiles(t, "W: after Apply Operating System (image 3)", got, want)
	if b, _ := os.ReadFile(filepath.Join(wDrive, "Windows", "Panther", "unattend.xml")); string(b) != "<unattend/>" {
		t.Errorf("W:\\Windows\\Panther\\unattend.xml = %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(wDrive, "_SMSTaskSequence", "keep.txt")); string(b) != "kept" {
		t.Error("the apply deleted the state folder")
	}
	// BIOS (Wine reports BIOS firmware): the boot files go to the first
	// partition of the target's disk, Wine's C:.
	sameLines(t, "bcdboot", lines(calls, "bcdboot"), []string{`W:\Windows\System32\bcdboot.exe W:\Windows /s C: /f BIOS`})

	// Capture: net use and one DISM line per volume, as the golden has
	// them: C: holds a Windows (Wine's ntoskrnl.exe) and comes first, then
	// D: as the golden's D:, then W: and Z: appended the same way.
	var cg []string // the golden's command lines (not its file contents)
	for _, g := range goldenRuns(t, "engine/testdata/capture-os-image/live.golden") {
		if strings.HasPrefix(g, "net.exe ") || strings.HasPrefix(g, "dism.exe ") {
			cg = append(cg, g)
		}
	}
	if len(cg) != 4 {
		t.Fatalf("capture-os-image/live.golden: %d command lines, want net use, capture, append, net use /delete", len(cg))
	}
	sameLines(t, "net use", lines(calls, "net"), []string{strings.Replace(cg[0], "<CANARY>", canary, 1), cg[len(cg)-1]})
	first, appended := cg[1], cg[2]
	wantCapture := []string{first, appended}
	for _, v := range []string{"W:", "Z:"} {
		wantCapture = append(wantCapture, strings.NewReplacer(`/CaptureDir:D:\`, `/CaptureDir:`+v+`\`, `"Data (D:)"`, `"Local Disk (`+v+`)"`).Replace(appended))
	}
	sameLines(t, "capture", dism[1:], wantCapture)

	// The captured WIM, renamed on the share, holds W: as image 3 (the
	// state folder excluded); C: and Z: were not read (empty images).
	out := filepath.Join(share, "win11-reference.wim")
	w, err := wim.Open(out)
	if err != nil {
		t.Fatalf("the captured WIM on the share: %v", err)
	}
	defer w.Close()
	if w.ImageCount() != 4 {
		t.Fatalf("%d images, want 4", w.ImageCount())
	}
	applied := t.TempDir()
	if _, err := w.Apply(3, applied, wim.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	wantW := treeFiles(t, wDrive, func(rel string) bool { return rel == "_SMSTaskSequence" })
	sameFiles(t, "image 3 of the captured WIM (W:)", treeFiles(t, applied, nil), wantW)
	if _, err := os.Stat(filepath.Join(share, "win11-reference.refimage-partial.wim")); err == nil {
		t.Error("the partial capture is still on the share")
	}
	if !bytes.Contains([]byte(r.stderr), []byte("Capture the Reference Computer: succeeded")) {
		t.Errorf("the capture did not succeed:\n%s", r.stderr)
	}
}
