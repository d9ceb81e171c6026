package layering

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Issue 15: the language travels in options. No package of the screens
// (wizard and below it, tui, cmd/refimage) keeps a language of the
// process: no package-level variable of type Lang (or of a type that
// holds one, such as a wizard or tui's texts), none set to a language,
// and no atomic.Value or sync variable named like a language. Two
// screens in one process, one English and one Korean, each speak their
// own.

// parseSources parses every non-test Go file under root (testdata and
// hidden folders left out) and hands each to fn with its path.
func parseSources(t *testing.T, fset *token.FileSet, root string, fn func(path string, f *ast.File)) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		fn(p, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// langRoots are the folders checked, from the module root.
var langRoots = []string{"wizard", "tui", "cmd/refimage"}

func TestNoProcessLanguage(t *testing.T) {
	files := map[string][]*ast.File{} // by folder: one package each
	fset := token.NewFileSet()
	for _, root := range langRoots {
		parseSources(t, fset, filepath.Join("..", "..", root), func(p string, f *ast.File) {
			files[filepath.Dir(p)] = append(files[filepath.Dir(p)], f)
		})
	}
	if len(files) < 4 {
		t.Fatalf("only %d packages found under %v", len(files), langRoots)
	}
	holders := langHolders(files)
	for _, want := range []string{"wizard/form.Texts", "wizard.Wizard", "wizard/mediawiz.Wizard", "tui.texts", "tui.EditorModel", "tui.RunModel"} {
		dir, name, _ := strings.Cut(want, ".")
		if !holders.local[filepath.Join("..", "..", dir)][name] {
			t.Errorf("the check does not know that %s holds a language", want)
		}
	}
	var bad []string
	for dir, fs := range files {
		for _, f := range fs {
			bad = append(bad, langGlobals(fset, f, holders.in(dir))...)
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("a language of the process: %s (pass the language in options instead)", b)
	}
}

// The check finds each way a package keeps a language, and leaves the
// catalogues (maps keyed by language) alone.
func TestNoProcessLanguageCatches(t *testing.T) {
	src := `package p

import (
	"sync"
	"sync/atomic"

	"github.com/refimage/refimage/wizard"
)

type screen struct {
	name string
	lang wizard.Lang
}

type outer struct{ s screen }

var lang atomic.Value
var current wizard.Lang
var ptr *wizard.Lang
var byConv = wizard.Lang("ko")
var byConst = wizard.Korean
var byEnv = wizard.LangFromEnv(nil)
var held screen
var nested = &outer{}
var langOnce sync.Once
var curLang atomic.Pointer[wizard.Lang]
var language string

var fine = map[wizard.Lang]string{wizard.English: "x"}
var alsoFine = []string{"en"}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	got := langGlobals(fset, f, langHolders(map[string][]*ast.File{"p": {f}}).in("p"))
	want := []string{"lang", "current", "ptr", "byConv", "byConst", "byEnv", "held", "nested", "langOnce", "curLang", "language"}
	if len(got) != len(want) {
		t.Fatalf("found %d, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(got[i], " "+w+" ") {
			t.Errorf("#%d: %q, want %s", i, got[i], w)
		}
	}
}

// holderSet are the type names that hold a language: Lang itself, and
// the struct types with a field (embedded or not, by value or pointer)
// of such a type, by package folder.
type holderSet struct {
	local map[string]map[string]bool // by folder
	any   map[string]bool            // in any package (for pkg.Name)
}

// langScope is what a type name means in one package.
type langScope struct{ local, any map[string]bool }

func (h holderSet) in(dir string) langScope { return langScope{h.local[dir], h.any} }

// langHolders finds the holders of every package, until nothing changes.
func langHolders(files map[string][]*ast.File) holderSet {
	h := holderSet{local: map[string]map[string]bool{}, any: map[string]bool{"Lang": true}}
	structs := map[string]map[string]*ast.StructType{}
	for dir, fs := range files {
		h.local[dir] = map[string]bool{"Lang": true}
		structs[dir] = map[string]*ast.StructType{}
		for _, f := range fs {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.TYPE {
					continue
				}
				for _, s := range g.Specs {
					ts := s.(*ast.TypeSpec)
					if st, ok := ts.Type.(*ast.StructType); ok {
						structs[dir][ts.Name.Name] = st
					}
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for dir, ss := range structs {
			for name, st := range ss {
				if h.local[dir][name] {
					continue
				}
				if holdsLang(st, h.in(dir)) {
					h.local[dir][name], h.any[name], changed = true, true, true
				}
			}
		}
	}
	return h
}

// holdsLang reports whether a value of the type expression holds a
// language: a holder by name, a pointer to one, an array of them, a
// struct with one or a generic instance of one (atomic.Pointer[Lang]).
// Maps and slices do not count: a catalogue is keyed by language.
func holdsLang(e ast.Expr, sc langScope) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return sc.local[x.Name]
	case *ast.SelectorExpr:
		return sc.any[x.Sel.Name]
	case *ast.StarExpr:
		return holdsLang(x.X, sc)
	case *ast.ArrayType:
		return x.Len != nil && holdsLang(x.Elt, sc)
	case *ast.IndexExpr:
		return holdsLang(x.X, sc) || holdsLang(x.Index, sc)
	case *ast.IndexListExpr:
		for _, i := range x.Indices {
			if holdsLang(i, sc) {
				return true
			}
		}
		return holdsLang(x.X, sc)
	case *ast.StructType:
		for _, fl := range x.Fields.List {
			if holdsLang(fl.Type, sc) {
				return true
			}
		}
	}
	return false
}

// langGlobals lists the package-level variables of a file that keep a
// language ("file:line name why").
func langGlobals(fset *token.FileSet, f *ast.File, holders langScope) []string {
	var out []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				var val ast.Expr
				if i < len(vs.Values) {
					val = vs.Values[i]
				}
				if why := langVar(n.Name, vs.Type, val, holders); why != "" {
					out = append(out, fset.Position(n.Pos()).String()+" "+n.Name+" "+why)
				}
			}
		}
	}
	return out
}

func langVar(name string, typ, val ast.Expr, holders langScope) string {
	lname := strings.ToLower(name)
	switch {
	case typ != nil && holdsLang(typ, holders):
		return "(its type holds a language)"
	case strings.Contains(lname, "lang") && typ != nil && syncType(typ):
		return "(a sync or atomic variable named like a language)"
	case lname == "lang" || lname == "language" || strings.HasSuffix(lname, "lang") || strings.HasPrefix(lname, "lang") && !strings.HasPrefix(lname, "langs"):
		return "(named like a language)"
	case val != nil && langValue(val, holders):
		return "(set to a language)"
	}
	return ""
}

// syncType is a type of package sync or sync/atomic.
func syncType(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.SelectorExpr:
		id, ok := x.X.(*ast.Ident)
		return ok && (id.Name == "sync" || id.Name == "atomic")
	case *ast.IndexExpr:
		return syncType(x.X)
	case *ast.IndexListExpr:
		return syncType(x.X)
	case *ast.StarExpr:
		return syncType(x.X)
	}
	return false
}

// langValue is a value that is a language: English, Korean, a conversion
// to Lang, what ParseLang, LangFromEnv or textsIn return, or a literal
// (or its address) of a type that holds one.
func langValue(e ast.Expr, holders langScope) bool {
	name := func(e ast.Expr) string {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name
		case *ast.SelectorExpr:
			return x.Sel.Name
		case *ast.IndexExpr:
			if s, ok := x.X.(*ast.SelectorExpr); ok {
				return s.Sel.Name
			}
		}
		return ""
	}
	switch x := e.(type) {
	case *ast.Ident, *ast.SelectorExpr:
		n := name(x)
		return n == "English" || n == "Korean"
	case *ast.CallExpr:
		switch n := name(x.Fun); n {
		case "Lang", "ParseLang", "LangFromEnv", "textsIn", "NewTexts":
			return true
		}
	case *ast.UnaryExpr:
		return langValue(x.X, holders)
	case *ast.CompositeLit:
		return x.Type != nil && holdsLang(x.Type, holders)
	case *ast.ParenExpr:
		return langValue(x.X, holders)
	}
	return false
}
