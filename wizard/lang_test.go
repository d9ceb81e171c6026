package wizard

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/refimage/refimage/engine/sequence"
)

// Every key is in every catalog, with the same format verbs.
func TestCatalogsComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*[sdqvx%]`)
	for _, l := range Langs() {
		for _, other := range Langs() {
			for _, k := range CatalogKeys(l) {
				v, ok := catalogs[other][k]
				if !ok {
					t.Errorf("%s: key %q is missing (it is in %s)", other, k, l)
					continue
				}
				a, b := verbs.FindAllString(catalogs[l][k], -1), verbs.FindAllString(v, -1)
				if strings.Join(a, " ") != strings.Join(b, " ") {
					t.Errorf("%s: %q has verbs %v, %s has %v", other, k, b, l, a)
				}
			}
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"ko": Korean, "ko_KR.UTF-8": Korean, "ko-KR": Korean, "en_US.UTF-8": English, "C": English, "C.UTF-8": English, "de_DE": English} {
		if got, _ := ParseLang(in); got != want {
			t.Errorf("ParseLang(%q) = %s", in, got)
		}
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if l := LangFromEnv(env(map[string]string{"LANG": "ko_KR.UTF-8"})); l != Korean {
		t.Error(l)
	}
	if l := LangFromEnv(env(map[string]string{"LC_ALL": "C", "LANG": "ko_KR.UTF-8"})); l != English {
		t.Error(l)
	}
	if l := LangFromEnv(env(map[string]string{"LC_MESSAGES": "ko_KR"})); l != Korean {
		t.Error(l)
	}
}

// The Korean wizard writes the seed document's Korean group and step
// names, and the sequence validates.
func TestKoreanNames(t *testing.T) {
	for _, c := range []struct {
		file string
		want []string
	}{
		{"build.answers.toml", []string{"참조 컴퓨터 빌드", "Windows PE에서 다시 시작", "디스크 0 파티션 - BIOS", "디스크 0 파티션 - UEFI", "운영 체제 적용",
			"Windows 설정 적용", "네트워크 설정 적용", "Windows 및 ConfigMgr 설치", "참조 컴퓨터 캡처", "작업 그룹에 가입", "운영 체제 준비"}},
		{"custom.answers.toml", []string{"Windows 캡처 준비", "운영 체제 이미지 캡처"}},
	} {
		w := fromAnswersIn(t, c.file, Korean)
		seq, err := w.Sequence()
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
			names = append(names, it.Name)
			if utf8.RuneCountInString(it.Name) > 50 {
				t.Errorf("%q is longer than 50 characters", it.Name)
			}
			return true
		})
		all := strings.Join(names, "|")
		for _, n := range c.want {
			if !strings.Contains(all, n) {
				t.Errorf("%s: no %q in %s", c.file, n, all)
			}
		}
		if probs := sequence.Validate(seq); len(probs.Errors()) > 0 {
			t.Errorf("%s: %v", c.file, probs)
		}
	}
	if got := LocalName(Korean, sequence.GroupBuild); got != "참조 컴퓨터 빌드" {
		t.Error(got)
	}
	ko := New(testEnv(), Korean)
	ko.A.Name = ""
	ko.Goto(PageInfo)
	if err := ko.Next(); ko.Msg("page.info.title") != "작업 순서 정보" || PageByID(PageInfo).Title(ko) != "작업 순서 정보" ||
		!errors.Is(err, ErrInvalid) || err.Error() != catalogKO["nav.invalid"] {
		t.Errorf("Korean messages not used: %v", err)
	}
	if o := PageByID(PageStart).Field("flow").Options(ko); o[0].Label != "참조 운영 체제 이미지 만들기 및 캡처" {
		t.Error(o[0].Label)
	}
}

// The engine's checks and the answers file speak Korean too; English
// keeps the engine's own words.
func TestKoreanValidation(t *testing.T) {
	w := newTest(t)
	f := PageByID(PageCapture).Field("destination")
	w.A.CaptureDest = "x"
	en := msgOf(f.Error(w))
	if en != sequence.ValidateCapturePath("x") {
		t.Errorf("English: %q", en)
	}
	w = New(testEnv(), Korean)
	for _, c := range []struct{ dest, want string }{
		{"", "캡처 대상이 필요합니다"}, {"x", ".wim 파일입니다"}, {`\\srv\x.wim`, "네트워크 대상은"}, {"x.wim", "UNC 경로"},
	} {
		w.A.CaptureDest = c.dest
		if got := msgOf(f.Error(w)); !strings.Contains(got, c.want) {
			t.Errorf("%q: %q", c.dest, got)
		}
	}
	w.A.CaptureAccount = "nobody"
	if got := msgOf(PageByID(PageCapture).Field("account").Error(w)); !strings.Contains(got, "계정이 아닙니다") {
		t.Errorf("account: %q", got)
	}
	errs := New(testEnv(), Korean).ApplyAnswers([]byte("[start]\nflow = \"build-and-capture\"\n[info]\nnmae = \"x\"\n"))
	if len(errs) == 0 || !strings.Contains(errs[0].Error(), "알 수 없는 키입니다") {
		t.Errorf("answers: %v", errs)
	}
}
