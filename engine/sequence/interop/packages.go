package interop

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// PackagePrefix marks a ConfigMgr package that has no path yet:
// "package:PS100004". `refimage import` writes it when --package-map does
// not know the package; `refimage export` turns it back into the ID.
const PackagePrefix = "package:"

// ApplicationPrefix marks a ConfigMgr application (by its model name) in
// an install-applications step's source.
const ApplicationPrefix = "application:"

// PackageMap maps ConfigMgr package IDs to the paths refimage uses (a
// folder, a .wim, a UNC path). IDs compare case-insensitively.
type PackageMap struct {
	byID map[string]string // upper-case ID → path
	ids  map[string]string // upper-case ID → ID as written
}

// LoadPackageMap reads a package map file: TOML, one `ID = 'path'` per
// line, e.g.
//
//	PS100004 = '\\deploy01\images$\win11.wim'
//	PS100005 = '\\deploy01\client$'
func LoadPackageMap(path string) (*PackageMap, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParsePackageMap(path, data)
}

// ParsePackageMap parses a package map from data.
func ParsePackageMap(file string, data []byte) (*PackageMap, error) {
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	_ = md
	pm := &PackageMap{byID: map[string]string{}, ids: map[string]string{}}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, ok := raw[k].(string)
		if !ok {
			return nil, fmt.Errorf("%s: %s: a package maps to a path in quotes, e.g. %s = '\\\\server\\share\\folder'", file, k, k)
		}
		if strings.TrimSpace(k) == "" || strings.ContainsAny(k, " \\/:") {
			return nil, fmt.Errorf("%s: %q is not a package ID", file, k)
		}
		if strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("%s: %s: the path is empty", file, k)
		}
		u := strings.ToUpper(k)
		if _, dup := pm.byID[u]; dup {
			return nil, fmt.Errorf("%s: %s is mapped twice (IDs are case-insensitive)", file, k)
		}
		pm.byID[u] = v
		pm.ids[u] = k
	}
	return pm, nil
}

// Path returns the path of a package ID, and whether the map knew it.
// An unknown ID gives "package:ID".
func (pm *PackageMap) Path(id string) (string, bool) {
	if id == "" {
		return "", true
	}
	if pm != nil {
		if p, ok := pm.byID[strings.ToUpper(id)]; ok {
			return p, true
		}
	}
	return PackagePrefix + id, false
}

func trimSlash(p string) string { return strings.TrimRight(p, `\/`) }

// ID returns the package ID of a path: "package:ID" or a path the map
// knows exactly (case-insensitively, trailing separators aside).
func (pm *PackageMap) ID(path string) (string, bool) {
	if path == "" {
		return "", true
	}
	if strings.HasPrefix(path, PackagePrefix) {
		return path[len(PackagePrefix):], true
	}
	if pm != nil {
		want := strings.ToLower(trimSlash(path))
		for _, u := range pm.sortedIDs() {
			if strings.ToLower(trimSlash(pm.byID[u])) == want {
				return pm.ids[u], true
			}
		}
	}
	return "", false
}

// Split finds the package a path lies in: "package:ID\rest" or a mapped
// path followed by \rest. It returns the ID and the rest.
func (pm *PackageMap) Split(path string) (id, rest string, ok bool) {
	if strings.HasPrefix(path, PackagePrefix) {
		s := path[len(PackagePrefix):]
		if i := strings.IndexAny(s, `\/`); i >= 0 {
			return s[:i], s[i+1:], true
		}
		return s, "", true
	}
	if pm != nil {
		low := strings.ToLower(path)
		best, bestLen := "", -1
		for _, u := range pm.sortedIDs() {
			p := strings.ToLower(trimSlash(pm.byID[u]))
			if low == p {
				return pm.ids[u], "", true
			}
			if strings.HasPrefix(low, p) && len(low) > len(p) && (low[len(p)] == '\\' || low[len(p)] == '/') && len(p) > bestLen {
				best, bestLen = u, len(p)
			}
		}
		if bestLen >= 0 {
			return pm.ids[best], path[bestLen+1:], true
		}
	}
	return "", "", false
}

func (pm *PackageMap) sortedIDs() []string {
	out := make([]string, 0, len(pm.byID))
	for u := range pm.byID {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// joinPath joins a package path and a relative part with a backslash.
func joinPath(dir, rest string) string {
	if rest == "" {
		return dir
	}
	if dir == "" {
		return rest
	}
	return trimSlash(dir) + `\` + rest
}
