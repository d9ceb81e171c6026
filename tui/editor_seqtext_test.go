package tui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
	"github.com/refimage/refimage/wizard"
)

// sequenceFormats are the English formats of the messages produced below
// the editor: every literal format given to errAt, warnAt, warn or
// msg.New in engine/sequence (validation), engine/sequence/edit (the
// editor's warnings) and the condition language's descriptions (those
// put together from operator words are found by describing a condition
// of every kind with every operator).
func sequenceFormats(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, dir := range []string{"../engine/sequence", "../engine/sequence/edit", "../engine/sequence/condition"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			if filepath.Base(dir) == "condition" && filepath.Base(f) != "describe.go" || filepath.Base(f) == "decode.go" {
				// The syntax errors of conditions, and the problems of
				// reading a file (shown by refimage validate, in
				// English), are not messages of the editor.
				continue
			}
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				var name string
				var arg int
				switch fn := call.Fun.(type) {
				case *ast.SelectorExpr:
					name = fn.Sel.Name
					if id, ok := fn.X.(*ast.Ident); ok && id.Name == "msg" && name == "New" {
						name = "msg.New"
					}
				case *ast.Ident:
					name = fn.Name
				}
				switch name {
				case "errAt", "warnAt", "warn":
					arg = 1
				case "msg.New":
					arg = 0
				default:
					return true
				}
				if len(call.Args) <= arg {
					return true
				}
				if lit, ok := call.Args[arg].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					seen[s] = true
				}
				return true
			})
		}
	}
	for _, src := range describeSources() {
		x, err := condition.Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		for _, f := range condition.DescribeMessage(x).Formats() {
			seen[f] = true
		}
	}
	var out []string
	for f := range seen {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// describeSources are conditions of every kind with every operator.
func describeSources() []string {
	cmp := []string{"==", "!=", "<", "<=", ">", ">="}
	var out []string
	for _, op := range append(cmp, "like", "not like") {
		out = append(out, `X `+op+` "1"`)
	}
	out = append(out, `X exists`, `X not exists`, `not X exists`, `all(X exists, Y exists)`, `any(X exists, Y exists)`, `none(X exists, Y exists)`)
	for _, kind := range []string{"file", "folder"} {
		out = append(out, kind+`("C:\a") exists`, kind+`("C:\a") not exists`)
		for _, op := range cmp {
			out = append(out, kind+`("C:\a").date `+op+` "2024-01-31"`)
			if kind == "file" {
				out = append(out, kind+`("C:\a").version `+op+` "10.0"`)
			}
		}
	}
	for _, op := range cmp {
		out = append(out, `registry("HKLM\X", "V") `+op+` "a"`, `os.version `+op+` "10.0"`)
	}
	out = append(out, `registry("HKLM\X", "V") exists`, `registry("HKLM\X", "V") not exists`,
		`registry("HKLM\X", "V", REG_SZ) exists`, `registry("HKLM\X", "V", REG_SZ) not exists`, `registry("HKLM\X", "") exists`,
		`wmi("SELECT * FROM Win32_Battery")`, `wmi("SELECT * FROM X", "root\Y")`,
		`os.platform in ("Windows 11 x64")`, `os.platform in ("Windows 10 x64", "Windows 11 x64")`,
		`os.language == "ko-KR"`, `os.language != "ko-KR"`, `os.language in ("ko-KR", "en-US")`, `os.language not in ("ko-KR", "en-US")`,
		`software(product: "{90160000-008C-0000-1000-0000000FF1CE}", version: "16.0", name: "Office") installed`,
		`software(upgrade: "{23170F69-40C1-2702-0000-000004000000}") installed`)
	return out
}

var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0-9.]*[a-zA-Z%]`)

// verbs are the verbs of a format in argument order (%[2]s counts as
// the second argument's), without %%.
func verbs(format string) []string {
	var out []string
	next := 1
	byArg := map[int]string{}
	for _, v := range verbRE.FindAllString(format, -1) {
		if v == "%%" {
			continue
		}
		n := next
		if i := strings.IndexByte(v, '['); i >= 0 {
			n, _ = strconv.Atoi(v[i+1 : strings.IndexByte(v, ']')])
		}
		byArg[n] = v[len(v)-1:]
		next = n + 1
	}
	for i := 1; i <= len(byArg); i++ {
		out = append(out, byArg[i])
	}
	return out
}

// Issue 20.4: every message produced below the editor has a Korean
// translation with the same verbs, for the same arguments, and none is
// left over; the English the engine writes is unchanged (see
// engine/sequence's TestProblemMessages and condition's
// TestDescribeCorpus).
func TestSequenceTextParity(t *testing.T) {
	formats := sequenceFormats(t)
	if len(formats) < 100 {
		t.Fatalf("only %d formats found: the scan is broken", len(formats))
	}
	want := map[string]bool{}
	for _, f := range formats {
		want[f] = true
		ko, ok := sequenceTextKO[f]
		if !ok && strings.Trim(f, "%s; ()") == "" {
			continue // glue such as "%s; %s" and "(%s)" needs none
		}
		if !ok {
			t.Errorf("no Korean for %q", f)
			continue
		}
		if a, b := strings.Join(verbs(f), ","), strings.Join(verbs(ko), ","); a != b {
			t.Errorf("%q: verbs %s, the Korean has %s", f, a, b)
		}
		if regexp.MustCompile(`\b(the|is|a|an|of)\b`).MatchString(verbRE.ReplaceAllString(ko, "")) {
			t.Errorf("%q: the Korean %q looks English", f, ko)
		}
	}
	for f := range sequenceTextKO {
		if !want[f] {
			t.Errorf("Korean for %q, which nothing says", f)
		}
	}
}

// Issue 20.4: with --lang ko the field checks, the problems and the
// condition descriptions the engine's packages produce are Korean on
// the editor's screens (they were English: "✗ a variable name is
// required").
func TestEditorKoreanMessages(t *testing.T) {
	m := editorIn(t, "default", true, wizard.Korean)
	// A variable named _Bad: the field check and the problem.
	press(m, "s", tea.KeyUp, tea.KeyEnter, "a", tea.KeyCtrlU, "_Bad")
	out := edRender(m, 80, 25)
	for _, want := range []string{"_Bad은(는) 읽기 전용입니다", "문제: 오류 1개"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q:\n%s", want, out)
		}
	}
	press(m, tea.KeyCtrlU)
	out = edRender(m, 80, 25)
	if !strings.Contains(out, "변수 이름이 필요합니다") || strings.Contains(out, "a variable name is required") {
		t.Errorf("the empty name's message is not Korean:\n%s", out)
	}
	// A condition's description, in the Options tab and in the builder.
	m = editorIn(t, "default", true, wizard.Korean)
	press(m, "jj", "o")
	out = edRender(m, 80, 25)
	if !strings.Contains(out, "다음 모두: 변수 _SMSTSClientCache이(가)") {
		t.Errorf("the condition is not described in Korean:\n%s", out)
	}
	// A product key in the Properties of Apply Windows Settings.
	m = editorIn(t, "default", true, wizard.Korean)
	press(m, "jjjjj", tea.KeyEnter, tea.KeyTab, tea.KeyTab, tea.KeyTab, tea.KeyTab, tea.KeyCtrlU, "env:1x")
	out = edRender(m, 120, 40)
	if !strings.Contains(out, "env:1x: 환경 변수 이름은") {
		t.Errorf("the secret's check is not Korean:\n%s", out)
	}
	for _, en := range []string{" is ", " the ", " a "} {
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "✗") && strings.Contains(l, en) {
				t.Errorf("English in a Korean message: %q", l)
			}
		}
	}
	// English stays the engine's own.
	m = editorIn(t, "default", true, wizard.English)
	press(m, "s", tea.KeyUp, tea.KeyEnter, "a", tea.KeyCtrlU, "_Bad")
	if out := edRender(m, 80, 25); !strings.Contains(out, sequence.ValidateVariableName("_Bad")[:40]) {
		t.Errorf("English message changed:\n%s", out)
	}
}
