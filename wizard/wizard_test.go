package wizard

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

func keys(ps []*Page) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Key)
	}
	return strings.Join(s, " ")
}

func TestPageOrder(t *testing.T) {
	for _, tc := range []struct {
		flow Flow
		want string
	}{
		{FlowBuild, "start info windows network client updates applications sysprep image capture summary progress completion"},
		{FlowCustom, "start info capture_settings summary progress completion"},
		{FlowOpen, "start info windows network client updates applications sysprep image capture summary progress completion"},
	} {
		w := newTest(t)
		w.A.Flow = tc.flow
		if got := keys(w.Pages()); got != tc.want {
			t.Errorf("%s: pages %s, want %s", tc.flow, got, tc.want)
		}
	}
}

func TestEveryMessageExists(t *testing.T) {
	for _, p := range pages.All() {
		for _, id := range []string{"page." + p.Key + ".title", "page." + p.Key + ".nav", "page." + p.Key + ".help"} {
			if !catalogs.Has(English, id) {
				t.Errorf("missing message %s", id)
			}
		}
		for _, f := range p.Fields {
			if !catalogs.Has(English, f.ID+".label") {
				t.Errorf("missing message %s.label", f.ID)
			}
			if f.Editable() && !catalogs.Has(English, f.ID+".help") && !strings.HasSuffix(f.Key, "_confirm") {
				t.Errorf("missing message %s.help", f.ID)
			}
			w := newTest(t)
			for _, o := range f.Options(w) {
				if o.Label == f.ID+"."+o.Value {
					t.Errorf("missing message %s.%s", f.ID, o.Value)
				}
			}
		}
	}
}

func visibleKeys(w *Wizard, id PageID) string {
	var s []string
	for _, f := range PageByID(id).VisibleFields(w) {
		s = append(s, f.Key)
	}
	return strings.Join(s, " ")
}

func TestVisibility(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(w *Wizard)
		page PageID
		want string
	}{
		{"start build", func(w *Wizard) {}, PageStart, "flow"},
		{"start open", func(w *Wizard) { w.A.Flow = FlowOpen }, PageStart, "flow open"},
		{"windows default", func(w *Wizard) {}, PageWindows, "image index arch product_key license admin time_zone registered_user registered_organization"},
		{"windows per-server", func(w *Wizard) { w.A.LicenseMode = "per-server" }, PageWindows, "image index arch product_key license max_connections admin time_zone registered_user registered_organization"},
		{"windows admin enabled", func(w *Wizard) { w.A.Admin = AdminEnable }, PageWindows, "image index arch product_key license admin admin_password time_zone registered_user registered_organization"},
		{"windows admin typed", func(w *Wizard) { w.A.Admin = AdminEnable; w.A.AdminPassword = "x" }, PageWindows, "image index arch product_key license admin admin_password admin_password_confirm time_zone registered_user registered_organization"},
		{"windows admin env", func(w *Wizard) { w.A.Admin = AdminEnable; w.A.AdminPassword = "env:P" }, PageWindows, "image index arch product_key license admin admin_password time_zone registered_user registered_organization"},
		{"network workgroup", func(w *Wizard) {}, PageNetwork, "join workgroup"},
		{"network domain", func(w *Wizard) { w.A.Join = "domain" }, PageNetwork, "join domain domain_ou account password"},
		{"updates none", func(w *Wizard) { w.A.Updates = UpdatesNone }, PageUpdates, "install"},
		{"updates all", func(w *Wizard) { w.A.Updates = UpdatesAll }, PageUpdates, "install source"},
		{"apps list", func(w *Wizard) {}, PageApps, "app continue_on_failure"},
		{"apps editing", func(w *Wizard) { w.AddApp() }, PageApps, "app name source command_line success_codes continue_on_failure"},
		{"capture local", func(w *Wizard) {}, PageCapture, "destination account password"},
		{"capture typed", func(w *Wizard) { w.A.CapturePassword = "x" }, PageCapture, "destination account password password_confirm"},
		{"custom", func(w *Wizard) { w.A.Flow = FlowCustom }, PageCaptureSettings, "client_installed keep_activation shutdown created_by version description destination account password"},
		{"summary", func(w *Wizard) {}, PageSummary, "output"},
		{"summary secrets", func(w *Wizard) { w.A.Admin = AdminEnable; w.A.AdminPassword = "x" }, PageSummary, "output passphrase passphrase_confirm"},
	} {
		w := newTest(t)
		tc.set(w)
		if got := visibleKeys(w, tc.page); got != tc.want {
			t.Errorf("%s: visible %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestDefaults(t *testing.T) {
	w := newTest(t)
	a := w.A
	if a.Flow != FlowBuild || a.BootArch != "x64" || a.ImageIndex != "1" || a.LicenseMode != "none" || a.Admin != AdminRandom ||
		a.Join != "workgroup" || a.Workgroup != "WORKGROUP" || a.Updates != UpdatesMandatory || !a.ContinueOnFailure ||
		a.CreatedBy != "tester" || a.RegisteredUser != "tester" || a.RegisteredOrg != "PC01" || a.TimeZone != "UTC" {
		t.Errorf("defaults: %+v", a)
	}
}

// fieldErr sets one field on a fresh wizard and returns its error.
func fieldErr(t *testing.T, id PageID, key, val string, set func(w *Wizard)) string {
	t.Helper()
	w := newTest(t)
	if set != nil {
		set(w)
	}
	f := PageByID(id).Field(key)
	if f == nil {
		t.Fatalf("no field %s.%s", id, key)
	}
	f.Set(w, val)
	return msgOf(f.Error(w))
}

func TestValidators(t *testing.T) {
	domain := func(w *Wizard) { w.A.Join = "domain" }
	enable := func(w *Wizard) { w.A.Admin = AdminEnable }
	perServer := func(w *Wizard) { w.A.LicenseMode = "per-server" }
	custom := func(w *Wizard) { w.A.Flow = FlowCustom }
	for _, tc := range []struct {
		page    PageID
		key     string
		val     string
		set     func(w *Wizard)
		wantErr string // "" = valid; else a substring of the error
	}{
		{PageStart, "flow", "custom", nil, ""},
		{PageStart, "flow", "upgrade", nil, "choose one of"},
		{PageStart, "open", "x.toml", func(w *Wizard) { w.A.Flow = FlowOpen }, ""},
		{PageStart, "open", "x.xml", func(w *Wizard) { w.A.Flow = FlowOpen }, ".toml"},
		{PageStart, "open", "", func(w *Wizard) { w.A.Flow = FlowOpen }, "required"},
		{PageInfo, "name", "Win11", nil, ""},
		{PageInfo, "name", "", nil, "required"},
		{PageInfo, "name", "   ", nil, "required"},
		{PageInfo, "name", strings.Repeat("n", 50), nil, ""},
		{PageInfo, "name", strings.Repeat("n", 51), nil, "at most 50 characters: this has 51, remove 1"},
		{PageInfo, "name", strings.Repeat("가", 50), nil, ""},
		{PageInfo, "description", strings.Repeat("d", 512), nil, ""},
		{PageInfo, "description", strings.Repeat("d", 513), nil, "at most 512"},
		{PageInfo, "boot_image", `\\s\boot$\boot.wim`, nil, ""},
		{PageInfo, "boot_image", "", nil, "restarts into Windows PE"},
		{PageInfo, "boot_image", "", custom, ""},
		{PageInfo, "boot_arch", "arm64", nil, ""},
		{PageInfo, "boot_arch", "ia64", nil, "choose one of"},
		{PageWindows, "image", `D:\install.wim`, nil, ""},
		{PageWindows, "image", "", nil, "required"},
		{PageWindows, "index", "1", nil, ""},
		{PageWindows, "index", "2147483647", nil, ""},
		{PageWindows, "index", "0", nil, "1 to 2147483647"},
		{PageWindows, "index", "2147483648", nil, "1 to 2147483647"},
		{PageWindows, "index", "x", nil, "1 to 2147483647"},
		{PageWindows, "index", "3", func(w *Wizard) { w.A.ImagePath = `D:\sources\install.wim` }, "no image 3: choose 1 to 2"},
		{PageWindows, "product_key", "", nil, ""},
		{PageWindows, "product_key", "NPPR9-FWDCX-D2C8J-H872K-2YT43", nil, ""},
		{PageWindows, "product_key", "nppr9-fwdcx-d2c8j-h872k-2yt43", nil, ""},
		{PageWindows, "product_key", "NPPR9FWDCXD2C8JH872K2YT43", nil, "five groups of five"},
		{PageWindows, "product_key", "NPPR9-FWDCX-D2C8J-H872K", nil, "five groups of five"},
		{PageWindows, "product_key", "env:PK", nil, ""},
		{PageWindows, "product_key", "env:1PK", nil, "environment variable"},
		{PageWindows, "license", "per-seat", nil, ""},
		{PageWindows, "license", "per-user", nil, "choose one of"},
		{PageWindows, "max_connections", "5", perServer, ""},
		{PageWindows, "max_connections", "9999", perServer, ""},
		{PageWindows, "max_connections", "4", perServer, "5 to 9999"},
		{PageWindows, "max_connections", "10000", perServer, "5 to 9999"},
		{PageWindows, "max_connections", "", perServer, "5 to 9999"},
		{PageWindows, "max_connections", "", nil, ""},
		{PageWindows, "admin", "enable", nil, ""},
		{PageWindows, "admin", "disable", nil, "choose one of"},
		{PageWindows, "admin_password", "", enable, "needs a password"},
		{PageWindows, "admin_password", "P@ss", enable, ""},
		{PageWindows, "admin_password", "prompt", enable, ""},
		{PageWindows, "admin_password", strings.Repeat("p", 256), enable, "at most 255"},
		{PageWindows, "admin_password_confirm", "other", func(w *Wizard) { enable(w); w.A.AdminPassword = "P@ss" }, "does not match"},
		{PageWindows, "admin_password_confirm", "", func(w *Wizard) { enable(w); w.A.AdminPassword = "P@ss" }, "type the password again"},
		{PageWindows, "admin_password_confirm", "P@ss", func(w *Wizard) { enable(w); w.A.AdminPassword = "P@ss" }, ""},
		{PageWindows, "time_zone", "", nil, "required"},
		{PageWindows, "registered_user", "", nil, "required"},
		{PageWindows, "registered_organization", strings.Repeat("o", 256), nil, "at most 255"},
		{PageNetwork, "join", "domain", nil, ""},
		{PageNetwork, "join", "ad", nil, "choose one of"},
		{PageNetwork, "workgroup", "REFLAB", nil, ""},
		{PageNetwork, "workgroup", "", nil, "required"},
		{PageNetwork, "workgroup", strings.Repeat("w", 33), nil, "at most 32"},
		{PageNetwork, "workgroup", "A/B", nil, "cannot contain"},
		{PageNetwork, "domain", "corp.example.com", domain, ""},
		{PageNetwork, "domain", "%DOMAIN%", domain, ""},
		{PageNetwork, "domain", "", domain, "required"},
		{PageNetwork, "domain", "corp..com", domain, "separated by dots"},
		{PageNetwork, "domain_ou", "", domain, ""},
		{PageNetwork, "domain_ou", "LDAP://OU=Ref,DC=corp,DC=example,DC=com", domain, ""},
		{PageNetwork, "domain_ou", "LDAP//OU=computers, DC=Fabricam.com, C=com", domain, "LDAP path"},
		{PageNetwork, "account", `CORP\join`, domain, ""},
		{PageNetwork, "account", "%JOINACCOUNT%", domain, ""},
		{PageNetwork, "account", "", domain, "needs an account"},
		{PageNetwork, "account", "join@corp", domain, "DOMAIN\\user"},
		{PageNetwork, "password", "", domain, "needs the account's password"},
		{PageNetwork, "password", "env:JOINPW", domain, ""},
		{PageClient, "properties", `/mp:mp01 SMSCACHESIZE="15000"`, nil, ""},
		{PageClient, "properties", `SMSSITECODE=ABC`, nil, "SMSSITECODE"},
		{PageClient, "properties", `SMSCACHEDIR="C:\x`, nil, "quote"},
		{PageUpdates, "install", "none", nil, ""},
		{PageUpdates, "install", "NoInstall", nil, "choose one of"},
		{PageApps, "name", "", func(w *Wizard) { w.AddApp() }, "needs a name"},
		{PageApps, "command_line", "", func(w *Wizard) { w.AddApp() }, "command line"},
		{PageApps, "success_codes", "0 3010", func(w *Wizard) { w.AddApp() }, ""},
		{PageApps, "success_codes", "0,3010,1641", func(w *Wizard) { w.AddApp() }, ""},
		{PageApps, "success_codes", "0 ok", func(w *Wizard) { w.AddApp() }, "not an exit code"},
		{PageApps, "success_codes", "", func(w *Wizard) { w.AddApp() }, "at least one"},
		{PageImage, "created_by", strings.Repeat("c", 255), nil, ""},
		{PageImage, "created_by", strings.Repeat("c", 256), nil, "at most 255"},
		{PageImage, "version", strings.Repeat("1", 32), nil, ""},
		{PageImage, "version", strings.Repeat("1", 33), nil, "at most 32"},
		{PageImage, "description", strings.Repeat("d", 256), nil, "at most 255"},
		{PageCapture, "destination", `\\srv\captures\ref.wim`, nil, ""},
		{PageCapture, "destination", `D:\captures\ref.wim`, nil, ""},
		{PageCapture, "destination", `D:\captures\ref.iso`, nil, ".wim"},
		{PageCapture, "destination", `captures\ref.wim`, nil, "UNC path"},
		{PageCapture, "destination", "", nil, "required"},
		{PageCapture, "destination", `\\srv\` + strings.Repeat("a", 250) + ".wim", nil, "at most 255"},
		{PageCapture, "account", "", func(w *Wizard) { w.A.CaptureDest = `\\srv\c\r.wim` }, "network destination needs an account"},
		{PageCapture, "account", "", func(w *Wizard) { w.A.CaptureDest = `D:\r.wim` }, ""},
		{PageCapture, "account", "svc", nil, "DOMAIN\\user"},
		{PageCapture, "password", "", func(w *Wizard) { w.A.CaptureAccount = `C\svc` }, "needs its password"},
		{PageCapture, "password", "", nil, ""},
		{PageSummary, "output", "out.toml", nil, ""},
		{PageSummary, "output", "out.txt", nil, ".toml"},
		{PageSummary, "output", "/no/such/folder/out.toml", nil, "does not exist"},
	} {
		got := fieldErr(t, tc.page, tc.key, tc.val, tc.set)
		switch {
		case tc.wantErr == "" && got != "":
			t.Errorf("%s.%s = %q: unexpected error %q", tc.page, tc.key, tc.val, got)
		case tc.wantErr != "" && !strings.Contains(got, tc.wantErr):
			t.Errorf("%s.%s = %q: error %q, want it to contain %q", tc.page, tc.key, tc.val, got, tc.wantErr)
		}
	}
}

func TestWarnings(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "ref.wim")
	os.WriteFile(existing, nil, 0o644)
	for _, tc := range []struct {
		name string
		set  func(w *Wizard)
		page PageID
		key  string
		want string
	}{
		{"domain join warns about capture", func(w *Wizard) { w.A.Join = "domain" }, PageNetwork, "join", "fails on a domain-joined computer"},
		{"existing capture file", func(w *Wizard) { w.A.CaptureDest = existing }, PageCapture, "destination", "will overwrite"},
		{"boot arch vs image arch", func(w *Wizard) {
			w.A.BootArch = "x86"
			w.A.ImagePath = `D:\sources\install.wim`
		}, PageWindows, "index", "boot image is x86 but the image is x64"},
		{"detected boot arch", func(w *Wizard) { w.A.BootPath = `D:\sources\boot.wim` }, PageInfo, "boot_image", "the boot image is x86, not x64"},
		{"shutdown", func(w *Wizard) { w.A.Shutdown = true }, PageSysprep, "shutdown", "shuts down"},
	} {
		w := newTest(t)
		tc.set(w)
		got := msgOf(PageByID(tc.page).Field(tc.key).Warning(w))
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: warning %q, want %q", tc.name, got, tc.want)
		}
	}
	w := newTest(t)
	w.A.ImagePath = `D:\sources\install.wim`
	if got := w.Display(PageByID(PageWindows).Field("arch")); !strings.Contains(got, "boot image x64, image x64") {
		t.Errorf("arch note %q", got)
	}
}

func TestNextRefusedPreviousKeeps(t *testing.T) {
	w := newTest(t)
	if err := w.Next(); err != nil {
		t.Fatal(err)
	}
	if w.CurrentID() != PageInfo {
		t.Fatalf("on %s", w.CurrentID())
	}
	w.A.Name = strings.Repeat("x", 60) // invalid
	if err := w.Next(); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Next with an invalid page: %v", err)
	}
	if err := w.ToSummary(); err == nil {
		t.Fatal("ctrl+s with an invalid page worked")
	}
	if err := w.Prev(); err != nil {
		t.Fatal(err)
	}
	if w.CurrentID() != PageStart || len(w.A.Name) != 60 {
		t.Fatalf("Previous lost the value: on %s, name %q", w.CurrentID(), w.A.Name)
	}
	if err := w.Prev(); err == nil {
		t.Fatal("Previous on the first page worked")
	}
	w.Next()
	if !w.Done(PageStart) || w.Done(PageInfo) {
		t.Errorf("ticks: start %v info %v", w.Done(PageStart), w.Done(PageInfo))
	}
}

func TestToSummaryFillsOutput(t *testing.T) {
	w := fromAnswers(t, "build.answers.toml")
	if err := w.ToSummary(); err != nil {
		t.Fatal(err)
	}
	if w.A.Output != "build-and-capture-windows-11.toml" {
		t.Errorf("output %q", w.A.Output)
	}
	for _, p := range w.Pages()[:10] {
		if !w.Done(p.ID) {
			t.Errorf("%s not ticked", p.Key)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Build and capture Windows 11": "build-and-capture-windows-11",
		"  --Ref (x64)!! ":             "ref-x64",
		"참조":                           "task-sequence",
		"":                             "task-sequence",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSequenceBuild(t *testing.T) {
	w := fromAnswers(t, "build.answers.toml")
	seq, err := w.Sequence()
	if err != nil {
		t.Fatal(err)
	}
	if probs := sequence.Validate(seq); len(probs.Errors()) > 0 {
		t.Fatalf("invalid: %v", probs)
	}
	ws := seq.FindStep(sequence.StepApplySettings).Props.(*sequence.ApplyWindowsSettings)
	if ws.RandomAdminPassword || ws.AdminPassword.String() != "env:REFIMAGE_ADMIN_PASSWORD" || ws.TimeZone != "Korea Standard Time" {
		t.Errorf("windows settings %+v", ws)
	}
	ns := seq.FindStep(sequence.StepApplyNetwork).Props.(*sequence.ApplyNetworkSettings)
	jw := seq.FindStep(sequence.StepJoinWorkgroup).Props.(*sequence.JoinDomainOrWorkgroup)
	if ns.Join != "workgroup" || ns.Workgroup != "REFLAB" || jw.Workgroup != "REFLAB" {
		t.Errorf("network %+v join %+v", ns, jw)
	}
	ia := seq.FindStep(sequence.StepInstallApps).Props.(*sequence.InstallApplications)
	if len(ia.Applications) != 2 || ia.Applications[1].SuccessCodes[2] != 1641 {
		t.Errorf("apps %+v", ia)
	}
	if up := seq.FindStep(sequence.StepInstallUpdates).Props.(*sequence.InstallSoftwareUpdates); up.Target != "all" {
		t.Errorf("updates %+v", up)
	}
	c := seq.FindStep(sequence.StepCaptureReference).Props.(*sequence.CaptureOSImage)
	if c.Destination != `\\deploy01\captures$\win11.wim` || c.Version != "2026.11" || c.CreatedBy != "IT Department" {
		t.Errorf("capture %+v", c)
	}
	if po := seq.FindStep(sequence.StepPrepareOS).Props.(*sequence.PrepareWindowsForCapture); !po.KeepActivation {
		t.Errorf("prepare os %+v", po)
	}
}

func TestSequenceRules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		set   func(w *Wizard)
		check func(t *testing.T, seq *sequence.Sequence)
	}{
		{"updates none drops Install Updates", func(w *Wizard) { w.A.Updates = UpdatesNone }, func(t *testing.T, s *sequence.Sequence) {
			if s.FindStep(sequence.StepInstallUpdates) != nil {
				t.Error("Install Updates kept")
			}
		}},
		{"no applications drops Install Applications", func(w *Wizard) { w.A.Apps = nil }, func(t *testing.T, s *sequence.Sequence) {
			if s.FindStep(sequence.StepInstallApps) != nil {
				t.Error("Install Applications kept")
			}
		}},
		{"domain join", func(w *Wizard) {
			w.A.Join, w.A.Domain, w.A.DomainOU, w.A.JoinAccount, w.A.JoinPassword = "domain", "corp.example.com", "LDAP://OU=Ref,DC=corp,DC=example,DC=com", `CORP\join`, "env:JOINPW"
		}, func(t *testing.T, s *sequence.Sequence) {
			ns := s.FindStep(sequence.StepApplyNetwork).Props.(*sequence.ApplyNetworkSettings)
			jw := s.FindStep(sequence.StepJoinWorkgroup).Props.(*sequence.JoinDomainOrWorkgroup)
			if ns.Join != "domain" || ns.Domain != "corp.example.com" || ns.Account != `CORP\join` || ns.Password.String() != "env:JOINPW" || ns.Workgroup != "" {
				t.Errorf("network %+v", ns)
			}
			if jw.Join != "workgroup" || jw.Workgroup != "WORKGROUP" {
				t.Errorf("join workgroup before capture %+v", jw)
			}
		}},
		{"random admin", func(w *Wizard) { w.A.Admin = AdminRandom }, func(t *testing.T, s *sequence.Sequence) {
			ws := s.FindStep(sequence.StepApplySettings).Props.(*sequence.ApplyWindowsSettings)
			if !ws.RandomAdminPassword || ws.AdminPassword.IsSet() {
				t.Errorf("%+v", ws)
			}
		}},
		{"per server", func(w *Wizard) { w.A.LicenseMode, w.A.MaxConnections = "per-server", "25" }, func(t *testing.T, s *sequence.Sequence) {
			ws := s.FindStep(sequence.StepApplySettings).Props.(*sequence.ApplyWindowsSettings)
			if ws.LicenseMode != "per-server" || ws.MaxConnections != 25 {
				t.Errorf("%+v", ws)
			}
		}},
		{"no client package drops Prepare ConfigMgr Client", func(w *Wizard) { w.A.ClientPackage, w.A.InstallProperties = "", "" }, func(t *testing.T, s *sequence.Sequence) {
			if s.FindStep(sequence.StepPrepareClient) != nil {
				t.Error("kept")
			}
		}},
		{"updates back after none", func(w *Wizard) {
			w.A.Updates = UpdatesNone
			w.Sequence()
			w.A.Updates = UpdatesMandatory
		}, func(t *testing.T, s *sequence.Sequence) {
			g := s.FindGroup(sequence.GroupBuild)
			var names []string
			for _, it := range g.Steps {
				names = append(names, it.Name)
			}
			if got := strings.Join(names, "|"); !strings.Contains(got, "Setup Windows and ConfigMgr|Install Updates|Install Applications") {
				t.Errorf("order %s", got)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := fromAnswers(t, "build.answers.toml")
			tc.set(w)
			seq, err := w.Sequence()
			if err != nil {
				t.Fatal(err)
			}
			if probs := sequence.Validate(seq); len(probs.Errors()) > 0 {
				t.Fatalf("invalid: %v", probs)
			}
			tc.check(t, seq)
		})
	}
}

func TestSequenceCustom(t *testing.T) {
	for _, client := range []bool{true, false} {
		w := fromAnswers(t, "custom.answers.toml")
		w.A.ClientInstalled = client
		seq, err := w.Sequence()
		if err != nil {
			t.Fatal(err)
		}
		if probs := sequence.Validate(seq); len(probs.Errors()) > 0 {
			t.Fatalf("invalid: %v", probs)
		}
		want := 2
		if client {
			want = 3
		}
		if len(seq.Steps) != want || seq.Kind != "custom" {
			t.Errorf("client %v: %d steps", client, len(seq.Steps))
		}
	}
}

func TestWriteSealsSecrets(t *testing.T) {
	w := fromAnswers(t, "build.answers.toml")
	w.A.AdminPassword, w.A.AdminConfirm = "Sup3rSecret!", "Sup3rSecret!"
	path := filepath.Join(t.TempDir(), "out.toml")
	if _, err := Write(w, path, WriteOptions{}); err == nil {
		t.Fatal("wrote a clear secret without a passphrase")
	}
	if _, err := Write(w, path, WriteOptions{Passphrase: "pass phrase"}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "Sup3rSecret!") || !strings.Contains(string(data), "enc:v1:") {
		t.Errorf("secret not sealed:\n%s", data)
	}
	if _, err := Write(w, path, WriteOptions{Passphrase: "p"}); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("overwrote without asking: %v", err)
	}
	if _, probs := sequence.Load(path); len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
}

func TestOpenKeepsWhatTheWizardDoesNotShow(t *testing.T) {
	w := newTest(t)
	w.A.Flow = FlowOpen
	w.A.OpenPath = filepath.Join("..", "docs", "examples", "build-and-capture.toml")
	if err := w.Next(); err != nil {
		t.Fatalf("open: %v (%v)", err, w.openErr)
	}
	if w.A.Name != "Build and capture Windows 11 Enterprise" || w.A.ImageIndex != "3" || len(w.A.Apps) != 2 || w.A.ProductKey != "env:REFIMAGE_PRODUCT_KEY" {
		t.Fatalf("prefill: %+v", w.A)
	}
	w.A.Name = "Renamed"
	w.A.Updates = UpdatesNone
	seq, err := w.Sequence()
	if err != nil {
		t.Fatal(err)
	}
	data, err := sequence.Marshal(seq, sequence.SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, want := range []string{`name = "Renamed"`, `source = '\\deploy01\drivers$'`, `install_properties = '/mp:mp01.contoso.com SMSCACHESIZE="15000"'`} {
		if !strings.Contains(s, want) {
			t.Errorf("lost %s", want)
		}
	}
	if strings.Contains(s, "Install Updates") {
		t.Error("updates none kept Install Updates")
	}
	// A custom sequence opens into the custom flow.
	w = newTest(t)
	w.A.Flow = FlowOpen
	w.A.OpenPath = filepath.Join("..", "docs", "examples", "custom-capture.toml")
	if err := w.Next(); err != nil {
		t.Fatal(err)
	}
	if keys(w.Pages()) != "start info capture_settings summary progress completion" || !w.A.ClientInstalled {
		t.Errorf("custom open: %s %+v", keys(w.Pages()), w.A)
	}
	// A broken file is refused with its problem.
	w = newTest(t)
	w.A.Flow = FlowOpen
	w.A.OpenPath = filepath.Join("..", "engine", "sequence", "testdata", "invalid", "bad-product-key.toml")
	if err := w.Next(); err == nil {
		t.Fatal("opened an invalid file")
	}
	if m := msgOf(PageByID(PageStart).Field("open").Error(w)); !strings.Contains(m, "product") {
		t.Errorf("open error %q", m)
	}
}

func TestApps(t *testing.T) {
	w := newTest(t)
	w.AddApp()
	if err := w.FinishApp(); err == nil {
		t.Fatal("finished an empty application")
	}
	w.A.Apps[0].Name, w.A.Apps[0].CommandLine = "A", "a.exe"
	if err := w.FinishApp(); err != nil {
		t.Fatal(err)
	}
	w.AddApp()
	w.A.Apps[1].Name, w.A.Apps[1].CommandLine = "B", "b.exe"
	w.FinishApp()
	w.MoveApp(1, -1)
	if w.A.Apps[0].Name != "B" || w.AppCursor != 0 {
		t.Errorf("move: %+v", w.A.Apps)
	}
	w.RemoveApp(0)
	if len(w.A.Apps) != 1 || w.A.Apps[0].Name != "A" {
		t.Errorf("remove: %+v", w.A.Apps)
	}
	w.A.Apps[0].CommandLine = ""
	if errs := w.PageErrors(PageApps); len(errs) != 1 || !strings.Contains(errs[0].Msg, "application 1 (A)") {
		t.Errorf("page errors %v", errs)
	}
}

func TestSummaryMasksSecrets(t *testing.T) {
	w := fromAnswers(t, "build.answers.toml")
	w.A.ProductKey = "NPPR9-FWDCX-D2C8J-H872K-2YT43"
	w.A.AdminPassword, w.A.AdminConfirm = "Sup3rSecret!", "Sup3rSecret!"
	var all []string
	for _, g := range w.Summary() {
		for _, it := range g.Items {
			all = append(all, it.Label+"="+it.Value)
		}
	}
	s := strings.Join(all, "\n")
	if strings.Contains(s, "Sup3rSecret") || strings.Contains(s, "NPPR9") || !strings.Contains(s, "*****-*****-*****-*****-2YT43") {
		t.Errorf("summary:\n%s", s)
	}
}

func TestDefaultOutputFollowsName(t *testing.T) {
	w := fromAnswers(t, "build.answers.toml")
	w.ToSummary()
	w.Prev()
	w.Prev()
	w.A.Name = "Other name"
	w.ToSummary()
	if w.A.Output != "other-name.toml" {
		t.Errorf("output %q", w.A.Output)
	}
	w.A.Output = "mine.toml"
	w.Prev()
	w.A.Name = "Third"
	w.ToSummary()
	if w.A.Output != "mine.toml" {
		t.Errorf("a chosen output was replaced: %q", w.A.Output)
	}
}

func TestOpenedPlaintextIsSealed(t *testing.T) {
	src := `version = 1
name = "Plain"
kind = "custom"

[[steps]]
type = "prepare-windows-for-capture"
name = "Prepare Windows for Capture"

[[steps]]
type = "capture-os-image"
name = "Capture Operating System Image"
destination = '\\srv\c\ref.wim'
account = 'CORP\svc'
password = "plain:Clear-Text-9"
`
	dir := t.TempDir()
	in := filepath.Join(dir, "in.toml")
	os.WriteFile(in, []byte(src), 0o644)
	w := newTest(t)
	w.A.Flow, w.A.OpenPath = FlowOpen, in
	if err := w.Next(); err != nil {
		t.Fatal(err, w.openErr)
	}
	if !w.NeedsPassphrase() {
		t.Fatal("a plain: password does not ask for a passphrase")
	}
	out := filepath.Join(dir, "out.toml")
	if _, err := Write(w, out, WriteOptions{Passphrase: "p w"}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	if strings.Contains(string(data), "Clear-Text-9") {
		t.Errorf("kept in clear:\n%s", data)
	}
}

func TestToSummaryOpensFirst(t *testing.T) {
	w := newTest(t)
	w.A.Flow = FlowOpen
	w.A.OpenPath = filepath.Join("..", "docs", "examples", "custom-capture.toml")
	if err := w.ToSummary(); err != nil {
		t.Fatal(err)
	}
	if w.CurrentID() != PageSummary || w.EffectiveFlow() != FlowCustom {
		t.Errorf("on %s, flow %s", w.CurrentID(), w.EffectiveFlow())
	}
}
