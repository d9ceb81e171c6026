package wim

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Config is a capture configuration in the WimScript.ini form.
type Config struct {
	Exclusions            []string
	ExclusionExceptions   []string
	CompressionExclusions []string
}

// DefaultExclusions is DISM's built-in exclusion list, used when no
// configuration file is given.
var DefaultExclusions = []string{
	`\$ntfs.log`,
	`\hiberfil.sys`,
	`\pagefile.sys`,
	`\swapfile.sys`,
	`\System Volume Information`,
	`\RECYCLER`,
	`\$RECYCLE.BIN`,
	`\$Recycle.Bin`,
	`\Windows\CSC`,
}

// DefaultConfig returns DISM's default capture configuration.
func DefaultConfig() *Config {
	return &Config{Exclusions: append([]string(nil), DefaultExclusions...)}
}

// LoadConfig reads a WimScript.ini file.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := ParseConfig(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig parses WimScript.ini text: [ExclusionList],
// [ExclusionException] and [CompressionExclusionList] sections, one
// pattern per line, ';' or '#' comments. UTF-16LE files with a BOM are
// accepted.
func ParseConfig(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, err
	}
	text := string(data)
	if len(data) >= 2 && data[0] == 0xFF && data[1] == 0xFE {
		text, _ = decodeUTF16XML(data)
	}
	text = strings.TrimPrefix(text, "\uFEFF")
	c := &Config{}
	var cur *[]string
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || s[0] == ';' || s[0] == '#' {
			continue
		}
		if s[0] == '[' {
			if !strings.HasSuffix(s, "]") {
				return nil, fmt.Errorf("line %d: bad section header %q", line, s)
			}
			switch strings.ToLower(strings.TrimSpace(s[1 : len(s)-1])) {
			case "exclusionlist":
				cur = &c.Exclusions
			case "exclusionexception":
				cur = &c.ExclusionExceptions
			case "compressionexclusionlist":
				cur = &c.CompressionExclusions
			case "alignmentlist", "prepopulatelist":
				cur = new([]string) // accepted and ignored, as DISM/wimlib do
			default:
				return nil, fmt.Errorf("line %d: unknown section %s", line, s)
			}
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("line %d: pattern %q outside a section", line, s)
		}
		s = strings.Trim(s, `"`)
		*cur = append(*cur, s)
	}
	return c, sc.Err()
}

// pattern is a compiled WimScript pattern.
type pattern struct {
	anchored bool   // matches the whole path from the capture root
	pat      string // lower-case, '/' separated, no leading '/'
}

func compilePatterns(ps []string) []pattern {
	out := make([]pattern, 0, len(ps))
	for _, p := range ps {
		p = strings.ReplaceAll(p, `\`, "/")
		if len(p) >= 2 && p[1] == ':' {
			p = p[2:]
		}
		q := pattern{pat: strings.ToLower(strings.Trim(p, "/"))}
		q.anchored = strings.HasPrefix(p, "/") || strings.Contains(q.pat, "/")
		if q.pat != "" {
			out = append(out, q)
		}
	}
	return out
}

// match reports whether rel ('/'-separated, from the capture root)
// matches; a directory match also covers everything below it.
func matchAny(ps []pattern, rel string) bool {
	low := strings.ToLower(rel)
	base := path.Base(low)
	for _, p := range ps {
		if p.anchored {
			if ok, _ := path.Match(p.pat, low); ok {
				return true
			}
		} else if ok, _ := path.Match(p.pat, base); ok {
			return true
		}
	}
	return false
}

type matcher struct {
	excl, exc, nocomp []pattern
	skipDir, skipName string      // the output WIM: never captured
	skipDirInfo       os.FileInfo // its folder, to recognise it by another path
	rpfix             bool        // store absolute links into the tree image-relative
}

// isOutput reports whether dir/name is the WIM being written or one of
// its temporary files.
func (m *matcher) isOutput(dir, name string) bool {
	if m.skipName == "" || (name != m.skipName && !(strings.HasPrefix(name, "."+m.skipName+".") && strings.HasSuffix(name, ".tmp"))) {
		return false
	}
	if abs, err := filepath.Abs(dir); err == nil && abs == m.skipDir {
		return true
	}
	// The same folder reached by another path (a link, a bind mount, a
	// different spelling): compare the folders themselves (device and
	// inode, or the file ID on Windows), not path strings.
	if m.skipDirInfo == nil {
		return false
	}
	fi, err := os.Stat(dir)
	return err == nil && os.SameFile(fi, m.skipDirInfo)
}

func newMatcher(c *Config) *matcher {
	if c == nil {
		c = DefaultConfig()
	}
	return &matcher{excl: compilePatterns(c.Exclusions), exc: compilePatterns(c.ExclusionExceptions), nocomp: compilePatterns(c.CompressionExclusions)}
}

func (m *matcher) excluded(rel string) bool {
	return matchAny(m.excl, rel) && !matchAny(m.exc, rel)
}

func (m *matcher) noCompress(rel string) bool { return matchAny(m.nocomp, rel) }
