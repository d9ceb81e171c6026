package wizard

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

type fakeImages map[string][]ImageInfo

func (f fakeImages) Images(path string) ([]ImageInfo, error) {
	if l, ok := f[path]; ok {
		return l, nil
	}
	return nil, errors.New("not a wim")
}

var testImages = fakeImages{
	`D:\sources\install.wim`: {
		{Index: 1, Name: "Windows 11 Pro", Edition: "Professional", Arch: "x64", Size: 16 << 30},
		{Index: 2, Name: "Windows 11 Enterprise", Edition: "Enterprise", Arch: "x64", Size: 17 << 30},
	},
	`D:\sources\boot.wim`: {{Index: 1, Name: "Microsoft Windows PE (x86)", Arch: "x86"}},
}

func testEnv() *Env {
	return &Env{
		User: "tester", Organization: "PC01", Images: testImages,
		Exists: func(p string) bool { _, err := os.Stat(p); return err == nil },
		Getenv: func(string) string { return "" },
	}
}

func newTest(t *testing.T) *Wizard {
	t.Helper()
	return New(testEnv(), English)
}

func fromAnswers(t *testing.T, file string) *Wizard {
	t.Helper()
	return fromAnswersIn(t, file, English)
}

// fromAnswersIn is fromAnswers for a wizard in a language.
func fromAnswersIn(t *testing.T, file string, l Lang) *Wizard {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	w := New(testEnv(), l)
	if errs := w.ApplyAnswers(data); errs != nil {
		t.Fatalf("%s: %v", file, errs)
	}
	return w
}

// msgOf is a validation error's text ("" for none).
func msgOf(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// An .esd (install.esd of the Media Creation Tool) is an image package
// like a .wim: its images are listed, and no extension warning.
func TestESDImagePackage(t *testing.T) {
	env := testEnv()
	esd := `D:\sources\install.esd`
	env.Images = fakeImages{esd: {{Index: 6, Name: "Windows 11 Pro", Arch: "x64"}}}
	w := New(env, English)
	if got := w.Images(esd); len(got) != 1 || got[0].Index != 6 {
		t.Fatalf("images of an .esd: %+v", got)
	}
	for p, want := range map[string]bool{esd: true, `D:\X\INSTALL.ESD`: true, "a.wim": true, "a.swm": true, "a.iso": false, `\\server\share\`: false} {
		if isImageFile(p) != want {
			t.Errorf("isImageFile(%q) = %v", p, !want)
		}
	}
}
