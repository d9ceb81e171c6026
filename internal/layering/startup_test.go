package layering

import (
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every refimage command starts every package: a regular expression
// compiled by a package-level variable costs every start (`wim info`
// included). None is left in the program's own code; declare them with
// lazyre.New (internal/lazyre) instead. The test scans the module's non-test Go files.
func TestNoPackageLevelCompile(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	var found []string
	parseSources(t, fset, root, func(_ string, f *ast.File) {
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			ast.Inspect(g, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
						if id, ok := sel.X.(*ast.Ident); ok && id.Name == "regexp" && strings.HasPrefix(sel.Sel.Name, "MustCompile") {
							found = append(found, fset.Position(c.Pos()).String())
						}
					}
				}
				return true
			})
		}
	})
	for _, f := range found {
		t.Errorf("%s: a package-level regexp.MustCompile runs at every start; use lazyre.New", f)
	}
}

// refimage builds without cgo (ARCHITECTURE.md: "No cgo"): no file of
// the module may import "C". Built with cgo (the default where a C
// compiler is installed), the standard library's net and os/user link
// the C library, and every start pays for the dynamic loader and libc's
// thread creation: about 4 ms of a 30 ms `wim info` (docs/performance.md),
// so releases and the benches build with CGO_ENABLED=0 (README).
func TestNoCgo(t *testing.T) {
	files, found := cgoImports(t, filepath.Join("..", ".."))
	if files < 100 {
		t.Fatalf("only %d Go files found", files)
	}
	for _, f := range found {
		t.Errorf(`%s: imports "C"; refimage is built with CGO_ENABLED=0`, f)
	}
}

func TestNoCgoCatches(t *testing.T) {
	dir := t.TempDir()
	src := "package x\n\n// #include <stdio.h>\nimport \"C\"\n"
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, found := cgoImports(t, dir); len(found) != 1 || !strings.HasSuffix(found[0], "x.go:4:8") {
		t.Fatalf("an import of \"C\" was not caught where it is: %v", found)
	}
}

// cgoImports returns how many Go files are under root and where they
// import "C".
func cgoImports(t *testing.T, root string) (files int, found []string) {
	fset := token.NewFileSet()
	parseSources(t, fset, root, func(_ string, f *ast.File) {
		files++
		for _, im := range f.Imports {
			if im.Path.Value == `"C"` {
				found = append(found, fset.Position(im.Path.Pos()).String())
			}
		}
	})
	return files, found
}
