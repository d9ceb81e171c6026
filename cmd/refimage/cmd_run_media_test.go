package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/media"
)

// runEnv runs the command line with environment variables.
func runEnv(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cmdEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return vars[k] }, isTerminal: func() bool { return false }}
	return runMain(env, args), out.String(), errb.String()
}

// run --media (what winpeshl.ini starts): the sequence and identity come
// from the boot image, the media password unlocks the secrets, the media
// variables are set.
func TestRunFromMedia(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh")
	}
	boot := t.TempDir()
	out := filepath.Join(t.TempDir(), "out")
	enc, err := secret.Encrypt("CANARY-media-88", "media-pw")
	if err != nil {
		t.Fatal(err)
	}
	encStr, _ := enc.Stored(false)
	seq := "version = 1\nname = \"From media\"\nkind = \"custom\"\n" +
		step("Where", "echo %_SMSTSMediaType% %_SMSTSLaunchMode% %Site% %_RefimageMediaRoot% > "+out) +
		"\n[[steps]]\ntype = \"capture-os-image\"\nname = \"Capture\"\ndestination = '/captures/ref.wim'\naccount = 'CORP\\cap'\npassword = \"" + encStr + "\"\ncontinue_on_error = true\n"
	os.MkdirAll(filepath.Join(boot, "refimage"), 0o755)
	os.WriteFile(filepath.Join(boot, filepath.FromSlash(media.SequencePath)), []byte(seq), 0o644)
	var b bytes.Buffer
	toml.NewEncoder(&b).Encode(&media.Identity{Format: 1, ID: "abc123", Label: "REF", Kind: media.Bootable, Arch: "x64",
		MediaType: "BootMedia", Variables: map[string]string{"Site": "HQ"}})
	os.WriteFile(filepath.Join(boot, filepath.FromSlash(media.IdentityPath)), b.Bytes(), 0o644)

	state := filepath.Join(t.TempDir(), "state")
	code, _, errs := runEnv(t, map[string]string{"REFIMAGE_MEDIA_BOOT": boot, "REFIMAGE_PASSPHRASE": "media-pw"}, "run", "--media", "--state", state)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	got, _ := os.ReadFile(out)
	if strings.TrimSpace(string(got)) != "BootMedia UFD HQ "+boot {
		t.Errorf("variables: %q", got)
	}
	if strings.Contains(errs, "CANARY-media") {
		t.Error("secret leaked")
	}
	// A wrong passphrase cannot reveal the secret: nothing runs.
	code, _, errs = runEnv(t, map[string]string{"REFIMAGE_MEDIA_BOOT": boot, "REFIMAGE_PASSPHRASE": "wrong"}, "run", "--media", "--state", state+"2")
	if code != exitUsage || !strings.Contains(errs, "wrong passphrase") {
		t.Fatalf("wrong passphrase: exit %d\n%s", code, errs)
	}
}

// A medium with the variable RefimageDebug=true starts its run in debug
// mode (the pre-flight check first; at the end of the input the run goes
// on).
func TestRunFromMediaDebug(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh")
	}
	boot := t.TempDir()
	seq := "version = 1\nname = \"From media\"\nkind = \"custom\"\n" + step("Where", "echo here")
	os.MkdirAll(filepath.Join(boot, "refimage"), 0o755)
	os.WriteFile(filepath.Join(boot, filepath.FromSlash(media.SequencePath)), []byte(seq), 0o644)
	var b bytes.Buffer
	toml.NewEncoder(&b).Encode(&media.Identity{Format: 1, ID: "abc123", Label: "REF", Kind: media.Bootable, Arch: "x64",
		MediaType: "BootMedia", Variables: map[string]string{"RefimageDebug": "true"}})
	os.WriteFile(filepath.Join(boot, filepath.FromSlash(media.IdentityPath)), b.Bytes(), 0o644)
	code, _, errs := runEnv(t, map[string]string{"REFIMAGE_MEDIA_BOOT": boot}, "run", "--media", "--state", filepath.Join(t.TempDir(), "state"))
	if code != 0 || !strings.Contains(errs, "Pre-flight check:") || !strings.Contains(errs, "debug: stopped before [0] Where (start)") || !strings.Contains(errs, "| here") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}
