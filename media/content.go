package media

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/internal/lazyre"
)

// MediaRootVar is the read-only variable `refimage run --media` sets to the
// root of the medium the sequence started from (e.g. "D:\"). Stand-alone
// media point their content references at it.
const MediaRootVar = "_RefimageMediaRoot"

// ContentDir is the folder of a stand-alone medium that holds the content.
const ContentDir = "Content"

// ContentRef is one content reference of a sequence: a step property that
// names a file or folder the step needs.
type ContentRef struct {
	Step     string // the step's name
	Field    string // the property, e.g. "image" or "applications[1].source"
	Value    string // as written in the sequence
	Resolved string // host path after %VAR% expansion
	Dir      bool   // a folder (else a file)
	set      func(string)
	split    func() // marks an apply-os-image step as a split image
}

// ContentRefs lists every content reference of the sequence, expanding
// %VAR% from the sequence variables and vars (vars win).
func ContentRefs(seq *sequence.Sequence, vars map[string]string) ([]*ContentRef, error) {
	env := map[string]string{}
	for _, v := range seq.Variables {
		env[strings.ToLower(v.Name)] = v.Value
	}
	for k, v := range vars {
		env[strings.ToLower(k)] = v
	}
	var refs []*ContentRef
	var unresolved []string
	add := func(it *sequence.Item, field string, dir bool, p *string) *ContentRef {
		if *p == "" {
			return nil
		}
		r := &ContentRef{Step: it.Name, Field: field, Value: *p, Dir: dir, set: func(v string) { *p = v }}
		r.Resolved, unresolved = expand(*p, env, it.Name+": "+field, unresolved)
		refs = append(refs, r)
		return r
	}
	seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		if it.Disabled {
			return false
		}
		switch p := it.Props.(type) {
		case *sequence.ApplyOSImage:
			if r := add(it, "image", false, &p.Image); r != nil {
				r.split = func() { p.Split = true }
			}
			add(it, "answer_file", false, &p.AnswerFile)
		case *sequence.AutoApplyDrivers:
			add(it, "source", true, &p.Source)
		case *sequence.ApplyDriverPackage:
			add(it, "package", true, &p.Package)
		case *sequence.SetupWindowsAndConfigMgr:
			add(it, "client_package", true, &p.ClientPackage)
			add(it, "preproduction_package", true, &p.PreProductionPackage)
		case *sequence.InstallSoftwareUpdates:
			add(it, "source", true, &p.Source)
		case *sequence.InstallApplications:
			for i := range p.Applications {
				add(it, fmt.Sprintf("applications[%d].source", i), true, &p.Applications[i].Source)
			}
		}
		return true
	})
	if len(unresolved) > 0 {
		return refs, &MissingError{What: "content of the stand-alone medium (variables without a value; give them with --var NAME=VALUE)", Missing: unresolved}
	}
	return refs, nil
}

var varRef = lazyre.New(`%([A-Za-z_][A-Za-z0-9_-]*)%`)

func expand(s string, env map[string]string, where string, unresolved []string) (string, []string) {
	out := varRef.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		if v, ok := env[strings.ToLower(name)]; ok {
			return v
		}
		unresolved = append(unresolved, fmt.Sprintf("%s: %%%s%%", where, name))
		return m
	})
	return out, unresolved
}

// hostPath turns a Windows-style path from a sequence into a host path:
// on Linux and macOS backslashes become slashes.
func hostPath(p string) string {
	if filepath.Separator == '/' {
		return strings.ReplaceAll(p, `\`, "/")
	}
	return p
}

// ManifestEntry is one file of a stand-alone medium's content.
type ManifestEntry struct {
	Path   string `json:"path"` // on the medium, '/' separated
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// bundle is the plan for the content of a stand-alone medium.
type bundle struct {
	files    []mediaFile
	manifest []ManifestEntry
	fileRefs map[string][]*ContentRef // medium path of a file reference → the references
}

// replaceWIM swaps a WIM for its .swm parts: in the manifest, and in the
// sequence (the reference points at the first part, marked as split).
func (b *bundle) replaceWIM(old, first string, parts []mediaFile) error {
	var m []ManifestEntry
	for _, e := range b.manifest {
		if e.Path != old {
			m = append(m, e)
		}
	}
	for _, p := range parts {
		sum, err := sha256File(p.Source)
		if err != nil {
			return err
		}
		m = append(m, ManifestEntry{Path: p.Path, Size: p.Size, SHA256: sum})
	}
	sort.Slice(m, func(i, j int) bool { return m[i].Path < m[j].Path })
	b.manifest = m
	for _, r := range b.fileRefs[old] {
		r.set(`%` + MediaRootVar + `%\` + strings.ReplaceAll(first, "/", `\`))
		if r.split != nil {
			r.split()
		}
	}
	return nil
}

// planContent checks every reference exists (all missing ones are listed
// at once), plans where each goes under Content/, rewrites the references
// to the medium, and hashes every file for the manifest.
func planContent(refs []*ContentRef, hash bool) (*bundle, error) {
	var missing []string
	for _, r := range refs {
		info, err := os.Stat(hostPath(r.Resolved))
		switch {
		case err != nil:
			missing = append(missing, fmt.Sprintf("%s: %s = %s (%v)", r.Step, r.Field, r.Resolved, errText(err)))
		case r.Dir && !info.IsDir():
			missing = append(missing, fmt.Sprintf("%s: %s = %s is a file, a folder is needed", r.Step, r.Field, r.Resolved))
		case !r.Dir && info.IsDir():
			missing = append(missing, fmt.Sprintf("%s: %s = %s is a folder, a file is needed", r.Step, r.Field, r.Resolved))
		}
	}
	if len(missing) > 0 {
		return nil, &MissingError{What: "content of the stand-alone medium", Missing: missing}
	}
	b := &bundle{fileRefs: map[string][]*ContentRef{}}
	used := map[string]bool{}
	done := map[string]string{} // host path → medium path, for shared content
	for i, r := range refs {
		src := filepath.Clean(hostPath(r.Resolved))
		if dst, ok := done[src]; ok {
			r.set(`%` + MediaRootVar + `%\` + strings.ReplaceAll(dst, "/", `\`))
			if !r.Dir {
				b.fileRefs[dst] = append(b.fileRefs[dst], r)
			}
			continue
		}
		name := safeName(filepath.Base(src))
		dir := fmt.Sprintf("%s/%02d-%s", ContentDir, i+1, safeName(r.Step))
		for used[strings.ToLower(dir)] {
			dir += "_"
		}
		used[strings.ToLower(dir)] = true
		var target string
		if r.Dir {
			target = dir + "/" + name
			err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(src, p)
				if rel == "." {
					return nil
				}
				mp := target + "/" + filepath.ToSlash(rel)
				if d.IsDir() {
					b.files = append(b.files, mediaFile{Path: mp, Dir: true})
					return nil
				}
				if !d.Type().IsRegular() {
					return fmt.Errorf("%s: %s is not a regular file", r.Step, p)
				}
				return b.addFile(mp, p, hash)
			})
			if err != nil {
				return nil, err
			}
		} else {
			target = dir + "/" + name
			if err := b.addFile(target, src, hash); err != nil {
				return nil, err
			}
		}
		done[src] = target
		if !r.Dir {
			b.fileRefs[target] = append(b.fileRefs[target], r)
		}
		r.set(`%` + MediaRootVar + `%\` + strings.ReplaceAll(target, "/", `\`))
	}
	sort.Slice(b.manifest, func(i, j int) bool { return b.manifest[i].Path < b.manifest[j].Path })
	return b, nil
}

func errText(err error) string {
	if os.IsNotExist(err) {
		return "not found"
	}
	return err.Error()
}

func (b *bundle) addFile(mp, src string, hash bool) error {
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	e := ManifestEntry{Path: mp, Size: info.Size()}
	if hash {
		sum, err := sha256File(src)
		if err != nil {
			return err
		}
		e.SHA256 = sum
	}
	b.manifest = append(b.manifest, e)
	b.files = append(b.files, mediaFile{Path: mp, Source: src, Size: info.Size()})
	return nil
}

func sha256File(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

var unsafeChars = lazyre.New(`[^A-Za-z0-9._ -]+`)

// safeName makes a name fit for FAT, ISO/Joliet and Windows.
func safeName(s string) string {
	s = strings.TrimSpace(unsafeChars.ReplaceAllString(s, "_"))
	s = strings.Trim(s, ". ")
	if s == "" {
		s = "item"
	}
	if len(s) > 48 {
		s = s[:48]
	}
	return s
}

// mediaFile is one file or folder of a medium.
type mediaFile struct {
	Path   string // on the medium, '/' separated
	Source string
	Size   int64
	Dir    bool
}
