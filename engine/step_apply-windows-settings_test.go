package engine_test

import (
	"context"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/engine/unattend"
)

// Canaries of the part-B step tests: obvious fakes that must never reach
// a log, an event or a golden file, and must not survive unattend.Scrub.
const (
	bAdminCanary = "CANARY-admin-B61"
	bJoinCanary  = "CANARY-join-B62"
	bKeyCanary   = "CANRY-BKEY0-BBBBB-CCCCC-QQQ42"
)

// peHeader is the start of a PE file for the machine type.
func peHeader(machine uint16) []byte {
	b := make([]byte, 0x48)
	b[0], b[1] = 'M', 'Z'
	binary.LittleEndian.PutUint32(b[0x3c:], 0x40)
	copy(b[0x40:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(b[0x44:], machine)
	return b
}

var adminValue = regexp.MustCompile(`(<AdministratorPassword>\s*<Value>)[^<]*(</Value>)`)

// maskAnswer replaces the secrets of an answer file by placeholders for a
// golden file (after checking they are there): the random administrator
// password, the canaries.
func maskAnswer(t *testing.T, b []byte) string {
	t.Helper()
	if err := xml.Unmarshal(b, new(struct{})); err != nil {
		t.Fatalf("the answer file does not parse as XML: %v\n%s", err, b)
	}
	d := xml.NewDecoder(strings.NewReader(string(b)))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("the answer file does not parse as XML: %v", err)
		}
	}
	s := string(b)
	enc := unattend.EncodePassword(bAdminCanary, "AdministratorPassword")
	s = adminValue.ReplaceAllStringFunc(s, func(m string) string {
		if strings.Contains(m, enc) {
			return strings.Replace(m, enc, "(encoded admin canary)", 1)
		}
		return adminValue.ReplaceAllString(m, "${1}(random)${2}")
	})
	s = strings.ReplaceAll(s, bJoinCanary, "(join canary)")
	s = strings.ReplaceAll(s, bKeyCanary, "(product key canary)")
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// noCanary fails when a canary appears in text.
func noCanary(t *testing.T, what, text string) {
	t.Helper()
	for _, c := range []string{bAdminCanary, bJoinCanary, bKeyCanary, "BKEY0-BBBBB", unattend.EncodePassword(bAdminCanary, "AdministratorPassword")} {
		if strings.Contains(text, c) {
			t.Errorf("canary %s in %s", c, what)
		}
	}
}

// checkRunClean checks a finished run left no canary in its logs, state
// or events.
func checkRunClean(t *testing.T, r *run) {
	t.Helper()
	filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			noCanary(t, p, string(b))
		}
		return nil
	})
	for _, e := range r.events {
		noCanary(t, "events", fmt.Sprintf("%+v", e))
	}
}

// engineVar reads a variable from the run's saved state.
func engineVar(r *run, name string) (string, bool) {
	st, err := engine.LoadState(filepath.Join(r.dir, "state"))
	if err != nil {
		return "", false
	}
	for _, v := range st.Vars {
		if strings.EqualFold(v.Name, name) {
			return v.Value, true
		}
	}
	return "", false
}

func windowsSettingsSeq(t *testing.T, extra string) string {
	return `
[[steps]]
type = "apply-windows-settings"
name = "Apply Windows Settings"
registered_user = "Reference Builder"
registered_organization = "Contoso"
product_key = "env:B_PK"
random_admin_password = false
admin_password = "env:B_ADMIN"
time_zone = "Korea Standard Time"
ui_language = "ko-KR"
system_locale = "ko-KR"
user_locale = "ko-KR"
input_locale = "0412:{A028AE76-01B1-46C2-99C4-ACD9858AE02F}{B5FE1F02-D5F2-4445-9C03-C568F23C99A1}"
` + extra
}

// Offline: the answer file goes to DIR/Windows/Panther; OSDComputerName
// overrides the computer name; the architecture comes from the image's
// smss.exe; an answer file already there (Apply Operating System's) is
// merged; the secrets are in the file but in no log.
func TestApplyWindowsSettingsOffline(t *testing.T) {
	dir := t.TempDir()
	seq := load(t, windowsSettingsSeq(t, ""))
	user, err := os.ReadFile(filepath.Join("testdata", "apply-windows-settings", "user-answer.xml"))
	if err != nil {
		t.Fatal(err)
	}
	f := enginetest.New(t)
	target := filepath.Join(dir, "Windows", "Panther", "unattend.xml")
	f.ExpectReadFile(filepath.Join(dir, "Windows", "System32", "smss.exe")).Returns(peHeader(0x8664))
	f.ExpectReadFile(target).Returns(user)
	f.ExpectMkdirAll(filepath.Join(dir, "Windows", "Panther"))
	w := f.ExpectWriteFile(target)
	r := newRun(t)
	o := r.opts(f)
	o.Offline = dir
	o.Resolver = envResolver{"B_PK": bKeyCanary, "B_ADMIN": bAdminCanary}
	o.Vars = append(o.Vars, varKV("OSDComputerName", "REF01"))
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, outcomes(res))
	}
	got := string(w.Written)
	for _, want := range []string{"<ComputerName>REF01</ComputerName>", bKeyCanary, unattend.EncodePassword(bAdminCanary, "AdministratorPassword"), `processorArchitecture="amd64"`, "<UILanguage>ko-KR</UILanguage>", "UserOnlyFromTheAnswerFile"} {
		if !strings.Contains(got, want) {
			t.Errorf("the answer file lacks %s", want)
		}
	}
	golden(t, "apply-windows-settings/offline-merged.xml", maskAnswer(t, w.Written))
	checkRunClean(t, r)
	scrubbed, err := unattend.Scrub(w.Written)
	if err != nil {
		t.Fatal(err)
	}
	noCanary(t, "the scrubbed answer file", string(scrubbed))
	if v, _ := engineVar(r, "RefimageAdminAccount"); v != "enable" {
		t.Errorf("RefimageAdminAccount = %q", v)
	}
}

// Windows PE: OSDTargetSystemDrive is the target; the architecture of an
// arm64 image is read from its smss.exe; a random administrator password
// is never the same twice and the account is to be disabled.
func TestApplyWindowsSettingsWinPE(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "apply-windows-settings"
name = "Apply Windows Settings"
registered_user = "IT"
registered_organization = "Contoso"
computer_name = "REF-%Site%"
`)
	f := enginetest.New(t)
	f.ExpectReadFile(`C:\Windows\System32\smss.exe`).Returns(peHeader(0xaa64))
	f.ExpectReadFile(`C:\Windows\Panther\unattend.xml`).Err(fs.ErrNotExist)
	f.ExpectMkdirAll(`C:\Windows\Panther`)
	w := f.ExpectWriteFile(`C:\Windows\Panther\unattend.xml`)
	r := newRun(t)
	o := r.opts(f)
	o.Vars = append(o.Vars, varKV("OSDTargetSystemDrive", "C:"), varKV("Site", "SEL"))
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, outcomes(res))
	}
	golden(t, "apply-windows-settings/winpe-random-arm64.xml", maskAnswer(t, w.Written))
	if v, _ := engineVar(r, "RefimageAdminAccount"); v != "disable" {
		t.Errorf("RefimageAdminAccount = %q", v)
	}
}

// Without OSDTargetSystemDrive in Windows PE the step fails before it
// touches anything, and says why; a bad computer name is an answer-file
// error (0x80220005) without the secrets in the message.
func TestApplyWindowsSettingsFailures(t *testing.T) {
	seq := load(t, windowsSettingsSeq(t, ""))
	f := enginetest.New(t)
	r := newRun(t)
	o := r.opts(f)
	o.Resolver = envResolver{"B_PK": bKeyCanary, "B_ADMIN": bAdminCanary}
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusFailed || !strings.Contains(res.Steps[0].Message, "OSDTargetSystemDrive is not set") {
		t.Fatalf("%s: %s", res.Status, res.Steps[0].Message)
	}

	f = enginetest.New(t)
	f.ExpectReadFile(`D:\Windows\System32\smss.exe`).Err(fs.ErrNotExist)
	f.ExpectReadFile(`D:\Windows\Panther\unattend.xml`).Err(fs.ErrNotExist)
	r = newRun(t)
	o = r.opts(f)
	o.Resolver = envResolver{"B_PK": bKeyCanary, "B_ADMIN": bAdminCanary}
	o.Vars = append(o.Vars, varKV("OSDTargetSystemDrive", "D:"), varKV("OSDComputerName", "not_valid!"))
	res = r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusFailed || !engine.SameCode(res.Steps[0].ExitCode, engine.CodeAnswerFile) || !strings.Contains(res.Steps[0].Message, "computer name") {
		t.Fatalf("%s: %x %s", res.Status, res.Steps[0].ExitCode, res.Steps[0].Message)
	}
	checkRunClean(t, r)
}
