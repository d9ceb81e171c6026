package layering

import (
	"go/ast"
	"go/token"
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
