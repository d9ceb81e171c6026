package mediawiz

import (
	"errors"
	"github.com/refimage/refimage/wizard"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
)

type fakeDisks struct {
	list []Disk
	err  error
}

func (f *fakeDisks) List() ([]Disk, error) { return f.list, f.err }

var disks = []Disk{
	{Path: "/dev/sda", Model: "ATA Samsung SSD", Size: 512e9, Partitions: []string{"/dev/sda1", "/dev/sda2"}, Mounted: []string{"/"}, Refusal: "/dev/sda holds the running system; refimage will not overwrite it"},
	{Path: "/dev/sdb", Model: "SanDisk Ultra", Size: 16e9, Partitions: []string{"/dev/sdb1"}},
	{Path: "/dev/sdc", Model: "Kingston", Size: 8e9, Mounted: []string{"/media/k"}, Refusal: "/dev/sdc is mounted (/media/k); unmount it first"},
}

const pw = "Media-Secret-93"

// testSeq is a custom capture sequence whose capture password is sec.
func testSeq(sec secret.Value) *sequence.Sequence {
	s := sequence.CustomCaptureTemplate(false)
	s.Name = "Capture"
	s.BootImage = sequence.BootImage{Path: "boot.wim", Arch: "x64"}
	c := s.FindStep(sequence.StepCustomCapture).Props.(*sequence.CaptureOSImage)
	c.Destination = `\\srv\captures\ref.wim`
	c.Account = `CORP\capture`
	c.Password = sec
	return s
}

func testEnv(env map[string]string) *Env {
	return &Env{
		Disks: &fakeDisks{list: disks},
		Source: func(winpe, fw string) (string, error) {
			switch winpe {
			case "/pe/amd64":
				return "x64", nil
			case "/pe/arm64":
				return "arm64", nil
			}
			return "", errors.New("the WinPE source is incomplete; missing:\n  " + winpe + "/media/sources/boot.wim")
		},
		Exe: func(given, arch string) (string, error) {
			if given == "" {
				return "/opt/refimage-windows-amd64.exe", nil
			}
			if given == "/bin/arm.exe" {
				return "", errors.New(given + " is built for arm64, but the boot image is " + arch)
			}
			return given, nil
		},
		Prestart: func(c string) error {
			if len(c) > 215 {
				return errors.New("the prestart command is too long for winpeshl.ini")
			}
			return nil
		},
		// The wizard checks folders with the host's filepath (\out on
		// Windows): the fake answers for both spellings.
		Exists:    func(p string) bool { p = filepath.ToSlash(p); return p == "/out/old.iso" || p == "/out" },
		IsDir:     func(p string) bool { p = filepath.ToSlash(p); return p == "/out" || p == "." || p == "/" },
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		GOOS:      "linux",
	}
}

// valid returns a wizard with every page answered.
func valid(t *testing.T) *Wizard {
	t.Helper()
	w := New(testSeq(secret.PromptRef()), "/seq/ref.toml", testEnv(nil), wizard.English)
	w.A.ISO = "/out/ref.iso"
	w.A.Password, w.A.Confirm = pw, pw
	w.A.WinPE = "/pe/amd64"
	return w
}

func TestPageOrder(t *testing.T) {
	w := valid(t)
	var keys []string
	for _, p := range w.Pages() {
		keys = append(keys, p.Key)
		if !catalogs.Has(wizard.English, "page."+p.Key+".title") || !catalogs.Has(wizard.English, "page."+p.Key+".nav") || !catalogs.Has(wizard.English, "page."+p.Key+".help") {
			t.Errorf("page %s lacks texts", p.Key)
		}
		for _, f := range p.Fields {
			if !catalogs.Has(wizard.English, f.ID+".label") {
				t.Errorf("field %s has no label", f.ID)
			}
			for _, o := range f.Options(w) {
				if o.Label == "" || strings.HasPrefix(o.Label, f.ID) {
					t.Errorf("option %s of %s has no label", o.Value, f.ID)
				}
			}
		}
	}
	if got := strings.Join(keys, " "); got != "type target security boot custom summary progress completion" {
		t.Fatalf("pages %s", got)
	}
	var visited []string
	for w.CurrentID() != PageSummary {
		visited = append(visited, w.CurrentID().String())
		if err := w.Next(); err != nil {
			t.Fatalf("Next on %s: %v %v", w.CurrentID(), err, w.PageErrors(w.CurrentID()))
		}
	}
	if strings.Join(visited, " ") != "type target security boot custom" {
		t.Errorf("walked %v", visited)
	}
	if err := w.Next(); err == nil {
		t.Error("Next on the Summary must not write")
	}
	// Previous keeps everything, invalid values included.
	w.A.Label = "way too long for anything at all, really"
	for w.CurrentID() != PageType {
		if err := w.Prev(); err != nil {
			t.Fatal(err)
		}
	}
	if w.Prev() == nil {
		t.Error("Prev on the first page")
	}
	if w.A.Label != "way too long for anything at all, really" || w.A.Password != pw || w.A.WinPE != "/pe/amd64" {
		t.Errorf("answers lost: %+v", w.A)
	}
	if err := w.ToSummary(); err == nil || !strings.Contains(err.Error(), "Customization") {
		t.Errorf("ToSummary with a bad label: %v", err)
	}
	w.A.Label = "REF"
	if err := w.ToSummary(); err != nil || w.CurrentID() != PageSummary || !w.Done(PageBoot) {
		t.Errorf("ToSummary: %v on %s", err, w.CurrentID())
	}
	// While and after writing, Previous is refused.
	w.Goto(PageProgress)
	w.Writing = true
	if w.Prev() == nil {
		t.Error("Prev while writing")
	}
	w.Writing = false
	if w.Prev() != nil || w.CurrentID() != PageSummary {
		t.Error("Prev after a failed write goes back to the Summary")
	}
	w.Goto(PageProgress)
	w.Written = "/out/ref.iso"
	if w.Prev() == nil || w.Next() != nil || w.CurrentID() != PageCompletion {
		t.Error("after writing: Next to Completion, no Previous")
	}
}

func TestNextRefusedUntilValid(t *testing.T) {
	w := New(testSeq(secret.PromptRef()), "ref.toml", testEnv(nil), wizard.English)
	w.A.Kind = "cd"
	if w.Next() == nil {
		t.Fatal("an unknown media type")
	}
	w.A.Kind = Standalone
	w.Next()
	w.A.ISO = "/nowhere/x.iso"
	if w.Next() == nil || w.CurrentID() != PageTarget {
		t.Fatal("Next with errors")
	}
}

func fieldErr(w *Wizard, page PageID, key string) string {
	return msgOf(PageByID(page).Field(key).Error(w))
}

func TestValidators(t *testing.T) {
	for _, c := range []struct {
		name  string
		set   func(w *Wizard)
		page  PageID
		field string
		want  string // "" = no error
	}{
		{"iso ok", func(w *Wizard) {}, PageTarget, "iso", ""},
		{"iso default", func(w *Wizard) { w.A.ISO = New(nil, "/s/my seq.toml", nil, wizard.English).A.ISO }, PageTarget, "iso", ""},
		{"iso empty", func(w *Wizard) { w.A.ISO = "" }, PageTarget, "iso", "ISO file is required"},
		{"iso ext", func(w *Wizard) { w.A.ISO = "/out/ref.img" }, PageTarget, "iso", "ends in .iso"},
		{"iso ext case", func(w *Wizard) { w.A.ISO = "/out/REF.ISO" }, PageTarget, "iso", ""},
		{"iso dir missing", func(w *Wizard) { w.A.ISO = "/nowhere/ref.iso" }, PageTarget, "iso", filepath.FromSlash("/nowhere") + " does not exist"},
		{"iso is a dir", func(w *Wizard) { w.A.ISO = "/out" }, PageTarget, "iso", "ends in .iso"},
		{"exists needs overwrite", func(w *Wizard) { w.A.ISO = "/out/old.iso" }, PageTarget, "overwrite", "exists: tick Replace"},
		{"exists overwritten", func(w *Wizard) { w.A.ISO, w.A.Overwrite = "/out/old.iso", true }, PageTarget, "overwrite", ""},
		{"usb ok", func(w *Wizard) { w.A.Target, w.A.USB = TargetUSB, "/out/x.bin" }, PageTarget, "usb", ""},
		{"usb dir", func(w *Wizard) { w.A.Target, w.A.USB = TargetUSB, "/out" }, PageTarget, "usb", "is a folder"},
		{"usb ignores iso", func(w *Wizard) { w.A.Target, w.A.ISO = TargetUSB, "" }, PageTarget, "iso", ""},
		{"device default", func(w *Wizard) { w.A.Target = TargetDevice }, PageTarget, "device", ""},
		{"device system", func(w *Wizard) { w.A.Target, w.A.Device = TargetDevice, "/dev/sda" }, PageTarget, "device", "running system"},
		{"device mounted", func(w *Wizard) { w.A.Target, w.A.Device = TargetDevice, "/dev/sdc" }, PageTarget, "device", "is mounted"},
		{"device gone", func(w *Wizard) { w.A.Target, w.A.Device = TargetDevice, "/dev/sdz" }, PageTarget, "device", "no longer there"},
		{"no disks", func(w *Wizard) {
			w.env.Disks = &fakeDisks{}
			w.A.Target = TargetDevice
		}, PageTarget, "device", "no removable or USB disk"},
		{"disks unavailable", func(w *Wizard) {
			w.env.Disks, w.env.DisksErr = nil, "writing a device works on Linux for now"
			w.A.Target = TargetDevice
		}, PageTarget, "device", "Linux for now"},
		{"password empty", func(w *Wizard) { w.A.Password = "" }, PageSecurity, "password", "password is required"},
		{"confirm empty", func(w *Wizard) { w.A.Confirm = "" }, PageSecurity, "confirm", "type the password again"},
		{"confirm differs", func(w *Wizard) { w.A.Confirm = pw + "x" }, PageSecurity, "confirm", "does not match"},
		{"password env unset", func(w *Wizard) { w.A.Password = "env:NOPE" }, PageSecurity, "password", "NOPE is not set"},
		{"password env no confirm", func(w *Wizard) { w.A.Password, w.A.Confirm = "env:NOPE", "" }, PageSecurity, "confirm", ""},
		{"password env bad name", func(w *Wizard) { w.A.Password = "env:1 2" }, PageSecurity, "password", "variable name"},
		{"no password, prompt secrets", func(w *Wizard) { w.A.Protect = false }, PageSecurity, "protect", ""},
		{"no password, no confirm asked", func(w *Wizard) { w.A.Protect, w.A.Confirm = false, "" }, PageSecurity, "confirm", ""},
		{"winpe empty", func(w *Wizard) { w.A.WinPE = "" }, PageBoot, "winpe", "windows PE source is required"},
		{"winpe incomplete", func(w *Wizard) { w.A.WinPE = "/pe/empty" }, PageBoot, "winpe", "missing:"},
		{"winpe arch", func(w *Wizard) { w.A.WinPE = "/pe/arm64" }, PageBoot, "winpe", "boot image is x64, but this Windows PE is arm64"},
		{"exe default", func(w *Wizard) {}, PageBoot, "exe", ""},
		{"exe wrong arch", func(w *Wizard) { w.A.Exe = "/bin/arm.exe" }, PageBoot, "exe", "built for arm64"},
		{"vars ok", func(w *Wizard) { w.A.Vars = []string{"OSDComputerName=REF01", "", "Empty="} }, PageCustom, "variables", ""},
		{"vars no =", func(w *Wizard) { w.A.Vars = []string{"OSDComputerName"} }, PageCustom, "variables", "line 1: write NAME=value"},
		{"vars read-only", func(w *Wizard) { w.A.Vars = []string{"A=1", "_SMSTSMediaType=x"} }, PageCustom, "variables", "line 2: _SMSTSMediaType is read-only"},
		{"vars bad name", func(w *Wizard) { w.A.Vars = []string{"has space=1"} }, PageCustom, "variables", "not a variable name"},
		{"vars duplicate", func(w *Wizard) { w.A.Vars = []string{"Abc=1", "ABC=2"} }, PageCustom, "variables", "line 2: ABC is set twice"},
		{"prestart ok", func(w *Wizard) { w.A.Prestart = `cmd /c X:\check.cmd` }, PageCustom, "prestart", ""},
		{"prestart long", func(w *Wizard) { w.A.Prestart = strings.Repeat("x", 216) }, PageCustom, "prestart", "too long"},
		{"label iso 32", func(w *Wizard) { w.A.Label = strings.Repeat("L", 32) }, PageCustom, "label", ""},
		{"label iso 33", func(w *Wizard) { w.A.Label = strings.Repeat("L", 33) }, PageCustom, "label", "at most 32 characters on an ISO: this has 33, remove 1"},
		{"label usb 11", func(w *Wizard) { w.A.Target, w.A.Label = TargetUSB, "REFIMAGE_11" }, PageCustom, "label", ""},
		{"label usb 12", func(w *Wizard) { w.A.Target, w.A.Label = TargetUSB, "REFIMAGE_12X" }, PageCustom, "label", "at most 11 characters on USB"},
		{"label device 12", func(w *Wizard) { w.A.Target, w.A.Label = TargetDevice, "REFIMAGE_12X" }, PageCustom, "label", "at most 11"},
		{"label chars", func(w *Wizard) { w.A.Label = "REF IMAGE" }, PageCustom, "label", `not " "`},
		{"label empty", func(w *Wizard) { w.A.Label = "" }, PageCustom, "label", ""},
		{"confirm device missing", func(w *Wizard) { w.A.Target = TargetDevice }, PageSummary, "confirm", "type sdb to confirm"},
		{"confirm device name", func(w *Wizard) { w.A.Target, w.A.ConfirmDevice = TargetDevice, "sdb" }, PageSummary, "confirm", ""},
		{"confirm device path", func(w *Wizard) { w.A.Target, w.A.ConfirmDevice = TargetDevice, "/dev/sdb" }, PageSummary, "confirm", ""},
		{"confirm device other", func(w *Wizard) { w.A.Target, w.A.ConfirmDevice = TargetDevice, "sda" }, PageSummary, "confirm", "type sdb"},
		{"confirm not for files", func(w *Wizard) { w.A.ConfirmDevice = "" }, PageSummary, "confirm", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := valid(t)
			c.set(w)
			got := fieldErr(w, c.page, c.field)
			if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
				t.Errorf("%s.%s = %q, want %q", c.page, c.field, got, c.want)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	w := valid(t)
	w.A.Label = strings.Repeat("L", 20)
	if wn := msgOf(PageByID(PageCustom).Field("label").Warning(w)); !strings.Contains(wn, "16") {
		t.Errorf("joliet warning %q", wn)
	}
	w.A.Target, w.A.USB = TargetUSB, "/out/x.bin"
	if wn := msgOf(PageByID(PageTarget).Field("usb").Warning(w)); !strings.Contains(wn, ".img") {
		t.Errorf("usb warning %q", wn)
	}
}

func TestSecretsWithoutPassword(t *testing.T) {
	w := New(testSeq(secret.EnvRef("CAPTURE_PW")), "ref.toml", testEnv(map[string]string{"CAPTURE_PW": "x"}), wizard.English)
	w.A.Protect = false
	e := fieldErr(w, PageSecurity, "protect")
	if !strings.Contains(e, `not "prompt"`) || !strings.Contains(e, "Capture the Reference Computer") && !strings.Contains(e, "Capture") {
		t.Errorf("no-password error %q", e)
	}
	if !strings.Contains(MsgIn(wizard.English, "security.nopass.text"), `other than "prompt"`) {
		t.Error("the page does not say the rule")
	}
	// With a password, an env: secret must be readable now.
	w.A.Protect, w.A.Password, w.A.Confirm = true, pw, pw
	if e := fieldErr(w, PageSecurity, "secrets"); e != "" {
		t.Errorf("set env: %q", e)
	}
	w2 := New(testSeq(secret.EnvRef("UNSET_PW")), "ref.toml", testEnv(nil), wizard.English)
	w2.A.Password, w2.A.Confirm = pw, pw
	if e := fieldErr(w2, PageSecurity, "secrets"); !strings.Contains(e, "UNSET_PW is not set") {
		t.Errorf("unset env: %q", e)
	}
}

func TestSequencePassphrase(t *testing.T) {
	sealed, err := secret.Encrypt("capture secret", "right phrase")
	if err != nil {
		t.Fatal(err)
	}
	w := New(testSeq(sealed), "ref.toml", testEnv(nil), wizard.English)
	w.Next()
	w.Next()
	w.A.Password, w.A.Confirm = pw, pw
	f := PageByID(PageSecurity).Field("passphrase")
	if !f.Visible(w) || !strings.Contains(msgOf(f.Error(w)), "type the passphrase") {
		t.Fatalf("passphrase: visible %v, %q", f.Visible(w), msgOf(f.Error(w)))
	}
	w.A.Passphrase = "wrong phrase"
	if w.Next() == nil || !strings.Contains(msgOf(f.Error(w)), "does not decrypt") {
		t.Fatalf("a wrong passphrase: %q", msgOf(f.Error(w)))
	}
	w.A.Passphrase = "right phrase"
	if err := w.Next(); err != nil || w.CurrentID() != PageBoot {
		t.Fatalf("right passphrase: %v %v", err, w.PageErrors(PageSecurity))
	}
	// REFIMAGE_PASSPHRASE does it too; no password: nothing to decrypt.
	w3 := New(testSeq(sealed), "ref.toml", testEnv(map[string]string{secret.PassphraseEnv: "right phrase"}), wizard.English)
	if PageByID(PageSecurity).Field("passphrase").Visible(w3) || !w3.checkPassphrase() {
		t.Error("REFIMAGE_PASSPHRASE")
	}
}

func TestRefusedDevicesShown(t *testing.T) {
	w := valid(t)
	w.A.Target = TargetDevice
	f := PageByID(PageTarget).Field("device")
	opts := f.Options(w)
	if len(opts) != 3 {
		t.Fatalf("options %v", opts)
	}
	if w.A.Device != "/dev/sdb" {
		t.Errorf("default disk %q: the first one that may be written", w.A.Device)
	}
	want := []string{"/dev/sda  476.8 GiB  ATA Samsung SSD  sda1, sda2", "/dev/sdb  14.9 GiB  SanDisk Ultra  sdb1", "/dev/sdc  7.5 GiB  Kingston  no partitions"}
	for i, o := range opts {
		if o.Label != want[i] {
			t.Errorf("option %d = %q, want %q", i, o.Label, want[i])
		}
	}
	if n := f.OptionNote(w, "/dev/sda"); !strings.Contains(n, "refused: /dev/sda holds the running system") {
		t.Errorf("note %q", n)
	}
	if n := f.OptionNote(w, "/dev/sdb"); n != "" {
		t.Errorf("note %q", n)
	}
	// A rescan finds the new state.
	w.env.Disks = &fakeDisks{list: disks[:1]}
	w.Rescan()
	if e := msgOf(f.Error(w)); !strings.Contains(e, "no longer there") {
		t.Errorf("after rescan: %q", e)
	}
	w.env.Disks = &fakeDisks{err: errors.New("cannot read /sys/block")}
	w.Rescan()
	if e := msgOf(f.Error(w)); e != "cannot read /sys/block" {
		t.Errorf("list error: %q", e)
	}
}

func TestCommandLine(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(w *Wizard)
		want string
	}{
		{"iso typed password", func(w *Wizard) {}, "refimage media /seq/ref.toml --winpe /pe/amd64 --iso /out/ref.iso --password"},
		{"usb env password", func(w *Wizard) {
			w.A.Target, w.A.USB, w.A.Kind = TargetUSB, "/out/m.img", Standalone
			w.A.Password = "env:MEDIA_PW"
		}, "refimage media /seq/ref.toml --winpe /pe/amd64 --usb /out/m.img --standalone --password-env MEDIA_PW"},
		{"device, no password, everything", func(w *Wizard) {
			w.A.Target, w.A.Protect = TargetDevice, false
			w.A.FWFiles, w.A.Exe, w.A.Label = "/pe/fw", "/bin/x64.exe", "LAB_1"
			w.A.Vars = []string{"OSDComputerName=REF01", "", "Note=two words"}
			w.A.Prestart = `cmd /c X:\check.cmd`
		}, `refimage media /seq/ref.toml --winpe /pe/amd64 --fwfiles /pe/fw --device /dev/sdb --label LAB_1 --var OSDComputerName=REF01 --var 'Note=two words' --prestart 'cmd /c X:\check.cmd' --exe /bin/x64.exe`},
		{"quotes", func(w *Wizard) { w.seqPath, w.A.ISO = "/my seqs/it's.toml", "/out/a b.iso" },
			`refimage media '/my seqs/it'\''s.toml' --winpe /pe/amd64 --iso '/out/a b.iso' --password`},
		{"windows", func(w *Wizard) {
			w.env.GOOS = "windows"
			w.seqPath, w.A.WinPE, w.A.ISO = `C:\ts\ref.toml`, `C:\WinPE amd64`, `D:\out\ref.iso`
		}, `refimage media C:\ts\ref.toml --winpe "C:\WinPE amd64" --iso D:\out\ref.iso --password`},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := valid(t)
			w.env.Source = func(string, string) (string, error) { return "x64", nil }
			c.set(w)
			got := w.CommandLine()
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			if strings.Contains(got, pw) {
				t.Error("the password is in the command line")
			}
		})
	}
	// An env password is never expanded into the line.
	w := valid(t)
	w.env.LookupEnv = func(string) (string, bool) { return pw, true }
	w.A.Password = "env:MEDIA_PW"
	if p, env := w.Password(); p != pw || env != "MEDIA_PW" || strings.Contains(w.CommandLine(), pw) {
		t.Errorf("env password: %q %q %s", p, env, w.CommandLine())
	}
}

func TestSummaryHasNoSecret(t *testing.T) {
	w := valid(t)
	w.A.Vars = []string{"A=1"}
	var all []string
	for _, it := range w.Summary() {
		all = append(all, it.Label+": "+it.Value)
	}
	s := strings.Join(all, "\n")
	if strings.Contains(s, pw) || !strings.Contains(s, "Media password: typed (not shown)") || !strings.Contains(s, "ISO file: /out/ref.iso") {
		t.Errorf("summary:\n%s", s)
	}
}

func TestStandaloneContent(t *testing.T) {
	w := valid(t)
	calls := 0
	w.env.Content = func(_ *sequence.Sequence, vars map[string]string) (int, []string) {
		calls++
		if vars["Images"] == "/img" {
			return 2, nil
		}
		return 2, []string{"Apply Operating System: image: %Images%"}
	}
	f := PageByID(PageCustom).Field("content")
	if f.Visible(w) {
		t.Error("bootable media carry no content")
	}
	w.A.Kind = Standalone
	if e := msgOf(f.Error(w)); !strings.Contains(e, "%Images%") || !strings.Contains(f.Get(w), "2 references, 1 missing") {
		t.Errorf("missing content: %q %q", e, f.Get(w))
	}
	w.A.Vars = []string{"Images=/img"}
	if e := msgOf(f.Error(w)); e != "" || !strings.Contains(f.Get(w), "all found") {
		t.Errorf("with the variable: %q %q", e, f.Get(w))
	}
	f.Error(w)
	if calls != 2 {
		t.Errorf("%d content checks, want one per set of variables", calls)
	}
}

// msgOf is a validation error's text ("" for none).
func msgOf(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
