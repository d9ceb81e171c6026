package mediawiz

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/refimage/refimage/wizard"
)

var verbRE = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*([a-zA-Z%])`)

// verbs maps argument number to verb letter (explicit indexes resolved),
// so "%[2]d ... %[1]s" matches "%s ... %d".
func verbs(s string) map[int]string {
	out := map[int]string{}
	n := 0
	for _, m := range verbRE.FindAllStringSubmatch(s, -1) {
		if m[3] == "%" {
			continue
		}
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		} else {
			n++
		}
		out[n] = m[3]
	}
	return out
}

// TestCatalogParity: every key of either catalog is in the other, with
// the same format verbs for the same arguments.
func TestCatalogParity(t *testing.T) {
	for _, l := range wizard.Langs() {
		for _, o := range wizard.Langs() {
			for _, k := range CatalogKeys(l) {
				v, ok := catalogs[o][k]
				if !ok {
					t.Errorf("%s: key %q is missing (it is in %s)", o, k, l)
					continue
				}
				a, b := verbs(catalogs[l][k]), verbs(v)
				if len(a) != len(b) {
					t.Errorf("%s %q: verbs %v, %s has %v", o, k, b, l, a)
					continue
				}
				for i, x := range a {
					if b[i] != x {
						t.Errorf("%s %q: verbs %v, %s has %v", o, k, b, l, a)
						break
					}
				}
			}
		}
	}
}

// TestKoreanTexts: with the Korean language every page, field, option,
// error and the Summary come from the Korean catalog.
func TestKoreanTexts(t *testing.T) {
	w := New(nil, "/work/capture.toml", &Env{}, wizard.Korean)
	for _, p := range w.Pages() {
		if p.Title(w) != catalogKO["page."+p.Key+".title"] || p.Help(w) == catalogEN["page."+p.Key+".help"] {
			t.Errorf("page %s: %q", p.Key, p.Title(w))
		}
		for _, f := range p.Fields {
			if l := f.Label(w); l == catalogEN[f.ID+".label"] && l != "refimage.exe" {
				t.Errorf("%s: English label %q", f.ID, l)
			}
			for _, o := range f.Options(w) {
				if strings.HasPrefix(o.Label, "ISO file") || strings.HasPrefix(o.Label, "Bootable") {
					t.Errorf("%s: English option %q", f.ID, o.Label)
				}
			}
		}
	}
	w.A.ISO = ""
	w.Goto(PageTarget)
	if err := w.Next(); !errors.Is(err, ErrInvalid) || err.Error() != catalogKO["nav.invalid"] {
		t.Errorf("invalid page: %v", err)
	}
	w.Goto(PageType)
	w.A.ISO = "capture.iso"
	w.A.Vars = []string{"A=1", "nope", "a=2"}
	if e := w.VarErrors(); len(e) != 2 || e[0] != "2행: NAME=value 형식으로 쓰십시오" || w.VarLineError(2) != "a이(가) 두 번 설정되었습니다(이름은 대/소문자를 구분하지 않음)" {
		t.Errorf("variables: %q %q", e, w.VarLineError(2))
	}
	w.A.Label = strings.Repeat("L", 40)
	if e := msgOf(PageByID(PageCustom).Field("label").Error(w)); !strings.HasPrefix(e, "최대 32자(ISO)") {
		t.Errorf("label: %q", e)
	}
	w.A.ISO = ""
	if e := msgOf(PageByID(PageTarget).Field("iso").Error(w)); e != "ISO 파일은(는) 필수입니다" {
		t.Errorf("required: %q", e)
	}
	sum := w.Summary()
	if sum[1].Label != "미디어 유형" || sum[1].Value != "부팅 가능한 미디어" || !strings.HasPrefix(sum[2].Value, "ISO 파일: ") {
		t.Errorf("summary: %+v", sum)
	}
	en := New(nil, "/work/capture.toml", &Env{}, wizard.English)
	en.A = w.A
	if sum := en.Summary(); sum[1].Value != "Bootable media" || !strings.HasPrefix(sum[2].Value, "ISO file: ") {
		t.Errorf("English summary: %+v", sum)
	}
}

func TestDeviceName(t *testing.T) {
	for in, want := range map[string]string{`/dev/sdb`: "sdb", `\\.\PhysicalDrive2`: "PhysicalDrive2", `PhysicalDrive2`: "PhysicalDrive2", `2`: "2"} {
		if got := DeviceName(in); got != want {
			t.Errorf("DeviceName(%q) = %q, want %q", in, got, want)
		}
	}
}
