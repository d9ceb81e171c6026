// Package layering enforces the package layering of ARCHITECTURE.md: the
// pure packages (wizard, engine, media and everything below them) import
// nothing from charmbracelet, and arrows point one way.
package layering

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/refimage/refimage"

type pkg struct {
	ImportPath string
	Deps       []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func rel(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
}

func under(path string, roots ...string) bool {
	for _, r := range roots {
		if path == r || strings.HasPrefix(path, r+"/") {
			return true
		}
	}
	return false
}

func TestPurePackagesDoNotDraw(t *testing.T) {
	for _, p := range listPackages(t) {
		r := rel(p.ImportPath)
		if !under(r, "wizard", "engine", "media") {
			continue
		}
		for _, d := range p.Deps {
			if strings.HasPrefix(d, "github.com/charmbracelet/") ||
				strings.HasPrefix(d, "github.com/muesli/termenv") ||
				under(rel(d), "tui", "themes") && strings.HasPrefix(d, module) {
				t.Errorf("%s must not depend on %s (only tui and themes draw)", r, d)
			}
		}
	}
}

func TestArrowsPointOneWay(t *testing.T) {
	// allowed[X] lists the project packages X may depend on (besides
	// internal/...). Sub-packages inherit their root's rule.
	allowed := map[string][]string{
		"engine/sequence": {"engine/sequence"},
		"media/wim":       {"media/wim"},
		"wizard":          {"wizard", "engine/sequence", "media/wim"},
		"engine":          {"engine", "media/wim"},
		"media":           {"media", "engine/sequence"},
		"themes":          {"themes"},
	}
	order := []string{"engine/sequence", "media/wim", "wizard", "engine", "media", "themes"}
	for _, p := range listPackages(t) {
		r := rel(p.ImportPath)
		var rule []string
		for _, root := range order {
			if under(r, root) {
				rule = allowed[root]
				break
			}
		}
		if rule == nil {
			continue
		}
		for _, d := range p.Deps {
			if !strings.HasPrefix(d, module+"/") {
				continue
			}
			dr := rel(d)
			if under(dr, "internal") || under(dr, rule...) {
				continue
			}
			t.Errorf("%s must not depend on %s (see ARCHITECTURE.md, Packages and layering)", r, dr)
		}
	}
}
