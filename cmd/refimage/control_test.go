package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Control characters in names and descriptions are refused by
// validation (with the position), and text from files is never printed
// raw: ESC, BEL, CR, C1 and stray bytes become visible escapes.
func TestControlCharacters(t *testing.T) {
	b, err := os.ReadFile("../../docs/examples/custom-capture.toml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(b), `name = "Prepare Windows for Capture"`, `name = "Prepare\u001b[2J\rFORGED LINE"`, 1)
	src = strings.Replace(src, `description = "Sysprep`, `description = "ring\u0007 a bell\u009b; Sysprep`, 1)
	f := filepath.Join(t.TempDir(), "evil.toml")
	os.WriteFile(f, []byte(src), 0o644)
	for _, args := range [][]string{{"validate", f}, {"plan", f}} {
		code, out, errs := run(t, args...)
		all := out + errs
		if code != exitUsage || !strings.Contains(all, "steps[1].name: a step or group name has a control character (U+001B) at character 8") ||
			!strings.Contains(all, "description: the description has a control character (U+0007) at character 5") {
			t.Errorf("%s: exit %d\n%s", args[0], code, all)
		}
		if strings.ContainsAny(all, "\x1b\x07\r\u009b") {
			t.Errorf("%s printed a control character raw: %q", args[0], all)
		}
	}

	// Error messages name the user's thing without acting on it.
	code, _, errs := run(t, "wim", "info", "evil\x1b[2J\rFORGED.wim")
	want := `evil\x1b[2J\rFORGED.wim does not exist`
	if runtime.GOOS == "windows" {
		// Windows refuses control characters in names (ERROR_INVALID_NAME).
		want = `evil\x1b[2J\rFORGED.wim cannot be read: `
	}
	if code != exitUsage || strings.ContainsAny(errs, "\x1b\r") || !strings.Contains(errs, want) {
		t.Errorf("exit %d: %q", code, errs)
	}

	var w bytes.Buffer
	s := safeText{&w}
	in := "ok\tline\nname \x1b[2J\rFORGED \x07 \u009b \x7f \xff é 한\n"
	if n, err := s.Write([]byte(in)); err != nil || n != len(in) {
		t.Fatalf("wrote %d, %v", n, err)
	}
	if got, want := w.String(), `ok`+"\t"+`line`+"\n"+`name \x1b[2J\rFORGED \x07 \u009b \x7f \xff é 한`+"\n"; got != want {
		t.Errorf("safeText:\n got %q\nwant %q", got, want)
	}
}
