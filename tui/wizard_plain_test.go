package tui

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/wizard"
)

// runPlain runs accessible mode on the answers, one per line.
func runPlain(t *testing.T, answers []string) (WizardResult, string, error) {
	t.Helper()
	return runPlainIn(t, wizard.English, answers)
}

// runPlainIn is runPlain with the wizard in a language.
func runPlainIn(t *testing.T, lang wizard.Lang, answers []string) (WizardResult, string, error) {
	t.Helper()
	var out bytes.Buffer
	w := wizard.New(testEnv(), lang)
	res, err := RunAccessible(w, AccessibleOptions{}, strings.NewReader(strings.Join(answers, "\n")+"\n"), &out)
	return res, out.String(), err
}

func buildAnswers(out string) []string {
	return []string{
		"1", // Build and capture
		// Task Sequence Information.
		"Build and capture Windows 11", "", `\\deploy01\boot$\x64\boot.wim`, "",
		// Install Windows: image, index (a list), product key, licensing, admin, time zone, user, organization.
		`D:\sources\install.wim`, "2", "", "", "", "", "", "",
		// Configure Network: join, workgroup.
		"", "",
		// Install ConfigMgr: package, properties.
		"", "",
		// Include Updates: none (so no folder).
		"3",
		// Install Applications: one application, then no more; continue on failure.
		"y", "7-Zip", "", "", "msiexec /i 7z.msi /qn", "0 3010", "n", "",
		// System Preparation: package, keep activation, shut down.
		"", "", "",
		// Image Properties: created by, version, description.
		"", "2026.11", "",
		// Capture Image: path, account, password, confirm.
		`\\deploy01\captures$\win11.wim`, `CONTOSO\svc`, "env:CAPPW",
		// Summary: output; write.
		out, "y",
		// Completion: quit.
		"",
	}
}

func TestAccessibleBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "build.toml")
	res, transcript, err := runPlain(t, buildAnswers(out))
	if err != nil || res.Written != out || res.Action != ActionQuit {
		t.Fatalf("%+v %v\n%s", res, err, transcript)
	}
	seq, probs := sequence.Load(out)
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	if seq.Name != "Build and capture Windows 11" || seq.FindGroup(sequence.GroupBuild) == nil || seq.FindStep(sequence.StepInstallApps) == nil {
		t.Errorf("sequence %+v\n%s", seq, transcript)
	}
	for _, want := range []string{"Page 2 of 13: Task Sequence Information", "Summary", "The task sequence was written to: " + out} {
		if !strings.Contains(transcript, want) {
			t.Errorf("no %q in\n%s", want, transcript)
		}
	}
}

// A wrong answer is explained and asked again.
func TestAccessibleRetries(t *testing.T) {
	out := filepath.Join(t.TempDir(), "build.toml")
	a := buildAnswers(out)
	// The index: 7 is not a choice, then 2.
	i := 1 + 4 + 1
	a = append(a[:i:i], append([]string{"7"}, a[i:]...)...)
	res, transcript, err := runPlain(t, a)
	if err != nil || res.Written != out {
		t.Fatalf("%v\n%s", err, transcript)
	}
	if !strings.Contains(transcript, "Error: Type the number of your choice (1 to 2)") {
		t.Errorf("no error shown:\n%s", transcript)
	}
}

func TestAccessibleCustom(t *testing.T) {
	out := filepath.Join(t.TempDir(), "custom.toml")
	answers := []string{
		"2", // custom
		"Capture the reference computer", "", "", "",
		// Capture Settings: client installed, keep activation, shut down, created by, version, description, destination, account, password.
		"y", "", "", "", "", "", `\\srv\captures\ref.wim`, `CORP\svc`, "prompt",
		out, "y", "",
	}
	res, transcript, err := runPlain(t, answers)
	if err != nil || res.Written != out {
		t.Fatalf("%+v %v\n%s", res, err, transcript)
	}
	seq, probs := sequence.Load(out)
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	if seq.Kind != sequence.KindCustom || seq.FindStep(sequence.StepCustomCapture) == nil {
		t.Errorf("sequence %+v\n%s", seq, transcript)
	}
}

// The answers end before a required field: an error naming it, nothing
// written.
func TestAccessibleEarlyEnd(t *testing.T) {
	res, transcript, err := runPlain(t, []string{"1"})
	var ended *InputEndedError
	if !errors.As(err, &ended) || ended.Field != "info.name" {
		t.Fatalf("%v\n%s", err, transcript)
	}
	if res.Written != "" || !strings.Contains(err.Error(), "info.name") {
		t.Errorf("%+v %v", res, err)
	}
	// Ending at the last question (write?) is an error too.
	a := buildAnswers(filepath.Join(t.TempDir(), "x.toml"))
	_, _, err = runPlain(t, a[:len(a)-2])
	if !errors.As(err, &ended) || ended.Field != "summary.write" {
		t.Fatalf("%v", err)
	}
}

// Korean questions, and the Korean names in the sequence.
func TestAccessibleKorean(t *testing.T) {
	out := filepath.Join(t.TempDir(), "build.toml")
	res, transcript, err := runPlainIn(t, wizard.Korean, buildAnswers(out))
	if err != nil || res.Written != out {
		t.Fatalf("%v\n%s", err, transcript)
	}
	if !strings.Contains(transcript, "작업 순서 정보 페이지 (2/13)") {
		t.Errorf("not Korean:\n%s", transcript)
	}
	seq, probs := sequence.Load(out)
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	if seq.FindGroup("참조 컴퓨터 빌드") == nil || seq.FindStep("운영 체제 적용") == nil {
		t.Error("no Korean names")
	}
}

// A typed Administrator password is confirmed, and the Summary asks for
// the passphrase that encrypts it (twice); a mismatch is asked again.
func TestAccessibleSecrets(t *testing.T) {
	out := filepath.Join(t.TempDir(), "build.toml")
	a := buildAnswers(out)
	// Install Windows: after image and index, product key, licensing, then
	// the Administrator account: enable, password, confirm (wrong, then right).
	i := 1 + 4 + 2 + 2
	a = append(a[:i:i], append([]string{"2", "Secret-77", "Secret-78", "Secret-77"}, a[i+1:]...)...)
	// Summary: output, passphrase, confirm, write.
	n := len(a)
	a = append(a[:n-2:n-2], "pass phrase", "pass phrase", "y", "")
	res, transcript, err := runPlain(t, a)
	if err != nil || res.Written != out {
		t.Fatalf("%+v %v\n%s", res, err, transcript)
	}
	if !strings.Contains(transcript, "Error: does not match the password") || strings.Contains(transcript, "Secret-77") {
		t.Errorf("transcript:\n%s", transcript)
	}
	data, _ := os.ReadFile(out)
	if !strings.Contains(string(data), `admin_password = "enc:v1:`) {
		t.Errorf("not encrypted:\n%s", data)
	}
}

// "<" goes back a page and keeps the answers.
func TestAccessibleBack(t *testing.T) {
	out := filepath.Join(t.TempDir(), "build.toml")
	a := buildAnswers(out)
	b := append([]string{a[0], a[1], "<", "", "", "", a[3], ""}, a[5:]...)
	res, transcript, err := runPlain(t, b)
	if err != nil || res.Written != out {
		t.Fatalf("%v\n%s", err, transcript)
	}
	if strings.Count(transcript, "Page 1 of 13") != 2 || !strings.Contains(transcript, "[Build and capture Windows 11]") {
		t.Errorf("did not go back:\n%s", transcript)
	}
	// "<" on the first page says so and asks again.
	_, transcript, _ = runPlain(t, []string{"<"})
	if !strings.Contains(transcript, "Error: this is the first page") {
		t.Errorf("%s", transcript)
	}
}
