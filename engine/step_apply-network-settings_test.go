package engine_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/engine/unattend"
)

// Apply Network Settings merges its Identification into the file Apply
// Windows Settings wrote, keeping the administrator password and the
// computer name; the join password is in the file, in no log, and gone
// after the scrub.
func TestApplyNetworkSettingsAfterWindowsSettings(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "Windows", "Panther", "unattend.xml")

	// 1. Apply Windows Settings (enabled administrator, canary password).
	f := enginetest.New(t)
	f.ExpectReadFile(target).Err(fs.ErrNotExist)
	f.ExpectMkdirAll(filepath.Join(dir, "Windows", "Panther"))
	first := f.ExpectWriteFile(target)
	r := newRun(t)
	o := r.opts(f)
	o.Offline = dir
	o.Resolver = envResolver{"B_PK": bKeyCanary, "B_ADMIN": bAdminCanary}
	o.Vars = append(o.Vars, varKV("OSDComputerName", "REF01"), varKV("OSDTargetArchitecture", "x64"))
	if res := r.go_(t, context.Background(), load(t, windowsSettingsSeq(t, "")), o); res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message)
	}

	// 2. Apply Network Settings (domain join) on the file from 1.
	seq := load(t, `
[[steps]]
type = "apply-network-settings"
name = "Apply Network Settings"
join = "domain"
domain = "corp.example.test"
domain_ou = "LDAP://OU=Reference,DC=corp,DC=example,DC=test"
account = 'CORP\joiner'
password = "env:B_JOIN"
dns_domain = "corp.example.test"
`)
	f = enginetest.New(t)
	f.ExpectReadFile(target).Returns(first.Written)
	f.ExpectMkdirAll(filepath.Join(dir, "Windows", "Panther"))
	second := f.ExpectWriteFile(target)
	r = newRun(t)
	o = r.opts(f)
	o.Offline = dir
	o.Resolver = envResolver{"B_JOIN": bJoinCanary}
	o.Vars = append(o.Vars, varKV("OSDTargetArchitecture", "amd64"))
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, outcomes(res))
	}
	got := string(second.Written)
	for _, want := range []string{"<ComputerName>REF01</ComputerName>", unattend.EncodePassword(bAdminCanary, "AdministratorPassword"), "<Password>" + bJoinCanary + "</Password>", "<Domain>CORP</Domain>", "<MachineObjectOU>OU=Reference,DC=corp,DC=example,DC=test</MachineObjectOU>"} {
		if !strings.Contains(got, want) {
			t.Errorf("the merged answer file lacks %s", want)
		}
	}
	if strings.Contains(got, "JoinWorkgroup") {
		t.Error("the workgroup must be replaced by the domain join")
	}
	golden(t, "apply-network-settings/domain-merged.xml", maskAnswer(t, second.Written))
	checkRunClean(t, r)
	if log := r.log(t); !strings.Contains(log, `joins the domain corp.example.test as CORP\joiner`) {
		t.Errorf("log:\n%s", log)
	}
	scrubbed, err := unattend.Scrub(second.Written)
	if err != nil {
		t.Fatal(err)
	}
	noCanary(t, "the scrubbed answer file", string(scrubbed))

	// 3. Merging the same settings again changes nothing.
	f = enginetest.New(t)
	f.ExpectReadFile(target).Returns(second.Written)
	f.ExpectMkdirAll(filepath.Join(dir, "Windows", "Panther"))
	third := f.ExpectWriteFile(target)
	r = newRun(t)
	o = r.opts(f)
	o.Offline = dir
	o.Resolver = envResolver{"B_JOIN": bJoinCanary}
	o.Vars = append(o.Vars, varKV("OSDTargetArchitecture", "amd64"))
	r.go_(t, context.Background(), seq, o)
	if string(third.Written) != string(second.Written) {
		t.Error("a second merge of the same settings changed the file")
	}
}

// A workgroup join in Windows PE, into the user's answer file; a broken
// answer file is refused with 0x80220005.
func TestApplyNetworkSettingsWorkgroupWinPE(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "apply-network-settings"
name = "Apply Network Settings"
join = "workgroup"
workgroup = "BUILDLAB"
`)
	user, err := os.ReadFile(filepath.Join("testdata", "apply-windows-settings", "user-answer.xml"))
	if err != nil {
		t.Fatal(err)
	}
	f := enginetest.New(t)
	f.ExpectReadFile(`C:\Windows\System32\smss.exe`).Returns(peHeader(0x8664))
	f.ExpectReadFile(`C:\Windows\Panther\unattend.xml`).Returns(user)
	f.ExpectMkdirAll(`C:\Windows\Panther`)
	w := f.ExpectWriteFile(`C:\Windows\Panther\unattend.xml`)
	r := newRun(t)
	o := r.opts(f)
	o.Vars = append(o.Vars, varKV("OSDTargetSystemDrive", "C:"))
	if res := r.go_(t, context.Background(), seq, o); res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message)
	}
	golden(t, "apply-network-settings/workgroup-user.xml", maskAnswer(t, w.Written))

	f = enginetest.New(t)
	f.ExpectReadFile(`C:\Windows\System32\smss.exe`).Returns(peHeader(0x8664))
	f.ExpectReadFile(`C:\Windows\Panther\unattend.xml`).Returns([]byte("<unattend><settings"))
	r = newRun(t)
	o = r.opts(f)
	o.Vars = append(o.Vars, varKV("OSDTargetSystemDrive", "C:"))
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusFailed || !engine.SameCode(res.Steps[0].ExitCode, engine.CodeAnswerFile) {
		t.Fatalf("%s %x %s", res.Status, res.Steps[0].ExitCode, res.Steps[0].Message)
	}
}
