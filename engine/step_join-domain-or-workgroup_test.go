package engine_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/refimage/refimage/engine"
)

// decodePS returns the script of a powershell.exe -EncodedCommand line.
func decodePS(t *testing.T, line string) string {
	t.Helper()
	i := strings.Index(line, "-EncodedCommand ")
	if i < 0 {
		t.Fatalf("not an encoded PowerShell command: %s", line)
	}
	b, err := base64.StdEncoding.DecodeString(line[i+len("-EncodedCommand "):])
	if err != nil || len(b)%2 != 0 {
		t.Fatalf("bad encoding: %v", err)
	}
	u := make([]uint16, len(b)/2)
	for k := range u {
		u[k] = uint16(b[2*k]) | uint16(b[2*k+1])<<8
	}
	return line[:i] + "-EncodedCommand <" + string(utf16.Decode(u)) + ">"
}

// psAny matches any encoded PowerShell command: the fake compares lines
// exactly, so tests build the same line.
func psLine(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand " + base64.StdEncoding.EncodeToString(b)
}

const joinDomainScript = `$ErrorActionPreference = 'Stop'; $cs = Get-CimInstance Win32_ComputerSystem; if ($cs.PartOfDomain -and $cs.Domain -eq 'corp.example.test') { 'Already a member of the domain ' + $cs.Domain; exit 0 }; $pw = ConvertTo-SecureString $env:REFIMAGE_JOIN_PASSWORD -AsPlainText -Force; $cred = New-Object System.Management.Automation.PSCredential('CORP\joiner', $pw); Add-Computer -DomainName 'corp.example.test' -OUPath 'OU=Ref''s,DC=corp,DC=example,DC=test' -Credential $cred -Force -Verbose`

// A domain join: the password in the process environment only, masked in
// the log even when the command prints it; then a restart to the OS.
func TestJoinDomain(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "join-domain-or-workgroup"
name = "Join Domain"
join = "domain"
domain = "corp.example.test"
domain_ou = "LDAP://OU=Ref's,DC=corp,DC=example,DC=test"
account = 'CORP\joiner'
password = "env:B_JOIN"
`)
	f := fullOS(t)
	expectScrub(f, nil)
	c := f.ExpectRun(psLine(joinDomainScript)).Output("VERBOSE: joining with " + bJoinCanary).Exit(0)
	f.ExpectReboot("HD")
	r := newRun(t)
	o := r.opts(f)
	o.Resolver = envResolver{"B_JOIN": bJoinCanary}
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusRestarting {
		t.Fatal(res.Status, res.Message)
	}
	if len(c.Got.Env) != 1 || c.Got.Env[0] != "REFIMAGE_JOIN_PASSWORD="+bJoinCanary || strings.Contains(c.Got.Line, bJoinCanary) {
		t.Errorf("the password must travel in the environment only: %q", c.Got.Env)
	}
	golden(t, "join-domain-or-workgroup/domain.txt", decodePS(t, c.Got.Line)+"\n")
	log := r.log(t)
	if !strings.Contains(log, "VERBOSE: joining with ********") {
		t.Errorf("the password is not masked in the output:\n%s", log)
	}
	checkRunClean(t, r)
}

// A workgroup join with skip_reboot; a failed join fails with its code.
func TestJoinWorkgroup(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "join-domain-or-workgroup"
name = "Join Workgroup"
join = "workgroup"
workgroup = "BUILDLAB"
skip_reboot = true
`)
	script := `$ErrorActionPreference = 'Stop'; $cs = Get-CimInstance Win32_ComputerSystem; if ($cs.PartOfDomain) { Remove-Computer -WorkgroupName 'BUILDLAB' -Force -Verbose } else { Add-Computer -WorkgroupName 'BUILDLAB' -Force -Verbose }`
	f := fullOS(t)
	expectScrub(f, nil)
	c := f.ExpectRun(psLine(script)).Exit(0)
	r := newRun(t)
	if res := r.go_(t, context.Background(), seq, r.opts(f)); res.Status != engine.StatusSucceeded {
		t.Fatal(res.Status, res.Message)
	}
	golden(t, "join-domain-or-workgroup/workgroup.txt", decodePS(t, c.Got.Line)+"\n")

	f = fullOS(t)
	expectScrub(f, nil)
	f.ExpectRun(psLine(script)).Stderr("Add-Computer : Computer 'REF01' failed to join").Exit(1)
	r = newRun(t)
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status != engine.StatusFailed || res.Steps[0].ExitCode != 1 {
		t.Fatal(res.Status, res.Message)
	}
}
