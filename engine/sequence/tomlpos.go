package sequence

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// posIndex maps the key paths of a TOML document to where the key and its
// value start. Paths use the form steps[0].steps[2].name: table keys
// joined by dots, array elements (arrays of tables and arrays of inline
// tables) by [index]. The TOML parser has already accepted the document, so
// the scanner can be forgiving; it only has to find positions.
type posIndex struct {
	keys    map[string]Pos
	values  map[string]Pos
	offsets map[string]int // byte offset in src of a value's start
	src     string
}

func (ix *posIndex) key(path string) Pos {
	if ix == nil {
		return Pos{}
	}
	if p, ok := ix.keys[path]; ok {
		return p
	}
	// An array element has no key of its own: use the array's key.
	for path != "" {
		if i := strings.LastIndexAny(path, ".["); i > 0 {
			path = path[:i]
			if p, ok := ix.keys[path]; ok {
				return p
			}
			continue
		}
		break
	}
	return Pos{}
}

func (ix *posIndex) value(path string) Pos {
	if ix == nil {
		return Pos{}
	}
	if p, ok := ix.values[path]; ok {
		return p
	}
	return ix.key(path)
}

// within is the position in the file of byte off of the decoded string
// value at path: it walks the string literal as written, through escapes
// (\", \\, \uXXXX, line-ending backslashes) and across the lines of
// multi-line strings ('\” and """). The value's start when the value
// is not a string or off lies past it.
func (ix *posIndex) within(path string, off int) Pos {
	start := ix.value(path)
	if ix == nil || start.Line == 0 {
		return start
	}
	i, ok := ix.offsets[path]
	if !ok || i >= len(ix.src) || (ix.src[i] != '"' && ix.src[i] != '\'') {
		return start
	}
	src := ix.src
	q := src[i]
	delim := 1
	if strings.HasPrefix(src[i:], strings.Repeat(string(q), 3)) {
		delim = 3
	}
	pos := start
	step := func(n int) { // advance over n source bytes (one rune or a newline)
		if src[i] == '\n' {
			pos.Line++
			pos.Col = 1
		} else {
			pos.Col++
		}
		i += n
	}
	for k := 0; k < delim; k++ {
		step(1)
	}
	if delim == 3 { // a newline right after the opening delimiter is trimmed
		if strings.HasPrefix(src[i:], "\r\n") {
			i++
		}
		if i < len(src) && src[i] == '\n' {
			step(1)
		}
	}
	closing := strings.Repeat(string(q), delim)
	d := 0
	for i < len(src) && d < off && !strings.HasPrefix(src[i:], closing) {
		if q == '"' && src[i] == '\\' && i+1 < len(src) {
			e := src[i+1]
			switch {
			case e == 'u' && i+6 <= len(src) || e == 'U' && i+10 <= len(src) || e == 'x' && i+4 <= len(src):
				n := map[byte]int{'u': 4, 'U': 8, 'x': 2}[e]
				v, err := strconv.ParseUint(src[i+2:i+2+n], 16, 32)
				if err != nil {
					return start
				}
				d += utf8.RuneLen(rune(v))
				for k := 0; k < 2+n; k++ {
					step(1)
				}
			case e == ' ' || e == '\t' || e == '\r' || e == '\n':
				// A line-ending backslash: it and the blanks and newlines
				// after it decode to nothing.
				step(1)
				for i < len(src) && strings.IndexByte(" \t\r\n", src[i]) >= 0 {
					step(1)
				}
			default:
				d++
				step(1)
				step(1)
			}
			continue
		}
		_, n := utf8.DecodeRuneInString(src[i:])
		d += n
		step(n)
	}
	return pos
}

type scanner struct {
	src       string
	i         int
	line, col int // of src[i]
	ix        *posIndex
	aot       map[string]int // array-of-tables path → element count
}

func indexPositions(src string) *posIndex {
	s := &scanner{src: src, line: 1, col: 1, ix: &posIndex{keys: map[string]Pos{}, values: map[string]Pos{}, offsets: map[string]int{}, src: src}, aot: map[string]int{}}
	defer func() { _ = recover() }() // a forgiving scanner never takes the loader down
	s.document()
	return s.ix
}

func (s *scanner) eof() bool { return s.i >= len(s.src) }

func (s *scanner) peek() byte {
	if s.eof() {
		return 0
	}
	return s.src[s.i]
}

func (s *scanner) advance() {
	if s.eof() {
		return
	}
	if s.src[s.i] == '\n' {
		s.line++
		s.col = 1
		s.i++
		return
	}
	_, n := utf8.DecodeRuneInString(s.src[s.i:])
	s.i += n
	s.col++
}

func (s *scanner) pos() Pos { return Pos{Line: s.line, Col: s.col} }

// skipSpace skips blanks and, if nl, newlines and comments too.
func (s *scanner) skipSpace(nl bool) {
	for !s.eof() {
		switch c := s.peek(); {
		case c == ' ' || c == '\t' || c == '\r':
			s.advance()
		case c == '#':
			for !s.eof() && s.peek() != '\n' {
				s.advance()
			}
		case c == '\n' && nl:
			s.advance()
		default:
			return
		}
	}
}

func (s *scanner) skipLine() {
	for !s.eof() && s.peek() != '\n' {
		s.advance()
	}
}

func (s *scanner) document() {
	var table string // current table path
	for {
		s.skipSpace(true)
		if s.eof() {
			return
		}
		if s.peek() == '[' {
			at := s.pos()
			s.advance()
			array := s.peek() == '['
			if array {
				s.advance()
			}
			segs := s.keySegments()
			table = s.resolve(segs, array)
			s.ix.keys[table] = at
			s.skipLine()
			continue
		}
		s.keyValue(table)
		s.skipLine()
	}
}

// resolve turns header segments into an indexed path, counting arrays of
// tables.
func (s *scanner) resolve(segs []string, array bool) string {
	path := ""
	for n, seg := range segs {
		path = join(path, seg)
		last := n == len(segs)-1
		if last && array {
			c := s.aot[path]
			s.aot[path] = c + 1
			path += "[" + strconv.Itoa(c) + "]"
		} else if c, ok := s.aot[path]; ok {
			path += "[" + strconv.Itoa(c-1) + "]"
		}
	}
	return path
}

func join(prefix, seg string) string {
	if prefix == "" {
		return seg
	}
	return prefix + "." + seg
}

// keySegments reads a dotted key (bare or quoted parts).
func (s *scanner) keySegments() []string {
	var segs []string
	for {
		s.skipSpace(false)
		switch c := s.peek(); c {
		case '"', '\'':
			segs = append(segs, s.quotedKey(c))
		default:
			start := s.i
			for !s.eof() {
				c := s.peek()
				if c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
					s.advance()
					continue
				}
				break
			}
			segs = append(segs, s.src[start:s.i])
		}
		s.skipSpace(false)
		if s.peek() != '.' {
			break
		}
		s.advance()
	}
	s.skipSpace(false)
	for s.peek() == ']' {
		s.advance()
	}
	return segs
}

// quotedKey reads a quoted key and returns it as paths spell it: the
// key decoded, then quoted again when it is not bare (tomlKey), so that
// variables."OSD\u001BX" is found under the path the checks build.
func (s *scanner) quotedKey(q byte) string {
	s.advance()
	var b strings.Builder
	for !s.eof() && s.peek() != q && s.peek() != '\n' {
		if q == '"' && s.peek() == '\\' && s.i+1 < len(s.src) {
			s.advance()
			e := s.peek()
			s.advance()
			n := map[byte]int{'u': 4, 'U': 8, 'x': 2}[e]
			if n > 0 && s.i+n <= len(s.src) {
				if v, err := strconv.ParseUint(s.src[s.i:s.i+n], 16, 32); err == nil {
					b.WriteRune(rune(v))
					for k := 0; k < n; k++ {
						s.advance()
					}
					continue
				}
			}
			if r, ok := map[byte]byte{'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r', 'e': 0x1b}[e]; ok {
				e = r
			}
			b.WriteByte(e)
			continue
		}
		b.WriteByte(s.peek())
		s.advance()
	}
	s.advance()
	return tomlKey(b.String())
}

// keyValue reads key = value under prefix.
func (s *scanner) keyValue(prefix string) {
	at := s.pos()
	segs := s.keySegments()
	path := prefix
	for _, seg := range segs {
		path = join(path, seg)
	}
	s.ix.keys[path] = at
	s.skipSpace(false)
	if s.peek() != '=' {
		return
	}
	s.advance()
	s.skipSpace(false)
	s.value(path)
}

func (s *scanner) value(path string) {
	s.ix.values[path] = s.pos()
	s.ix.offsets[path] = s.i
	switch c := s.peek(); c {
	case '"', '\'':
		s.str(c)
	case '{':
		s.advance()
		for {
			s.skipSpace(true)
			if s.eof() || s.peek() == '}' {
				s.advance()
				return
			}
			if s.peek() == ',' {
				s.advance()
				continue
			}
			before := s.i
			s.keyValue(path)
			if s.i == before { // never stall on input the parser would refuse
				s.advance()
			}
		}
	case '[':
		s.advance()
		for n := 0; ; {
			s.skipSpace(true)
			if s.eof() || s.peek() == ']' {
				s.advance()
				return
			}
			if s.peek() == ',' {
				s.advance()
				continue
			}
			before := s.i
			s.value(path + "[" + strconv.Itoa(n) + "]")
			if s.i == before {
				s.advance()
			}
			n++
		}
	default:
		for !s.eof() {
			c := s.peek()
			if c == ',' || c == ']' || c == '}' || c == '\n' || c == '#' {
				return
			}
			s.advance()
		}
	}
}

func (s *scanner) str(q byte) {
	multi := strings.HasPrefix(s.src[s.i:], strings.Repeat(string(q), 3))
	if multi {
		s.advance()
		s.advance()
		s.advance()
		for !s.eof() {
			if q == '"' && s.peek() == '\\' {
				s.advance()
				s.advance()
				continue
			}
			if strings.HasPrefix(s.src[s.i:], strings.Repeat(string(q), 3)) {
				s.advance()
				s.advance()
				s.advance()
				// Up to two more quotes belong to the string.
				for n := 0; n < 2 && s.peek() == q; n++ {
					s.advance()
				}
				return
			}
			s.advance()
		}
		return
	}
	s.advance()
	for !s.eof() && s.peek() != '\n' {
		c := s.peek()
		if q == '"' && c == '\\' {
			s.advance()
			s.advance()
			continue
		}
		s.advance()
		if c == q {
			return
		}
	}
}

// TOMLIndex finds where the keys and values of a TOML document are, by
// key paths spelled as Problem paths are (table.key, list[0].key,
// quoted keys quoted again). Other readers of TOML files (the wizard's
// answers file) use it to give file:line:col.
type TOMLIndex struct{ ix *posIndex }

// IndexTOML indexes src; a document it cannot follow gives unknown
// (zero) positions, never an error.
func IndexTOML(src string) TOMLIndex { return TOMLIndex{indexPositions(src)} }

// Value is where the value of path starts.
func (t TOMLIndex) Value(path string) Pos { return t.ix.value(path) }

// Within is where byte off of the decoded string value of path is, as
// written (through escapes and across the lines of multi-line strings).
func (t TOMLIndex) Within(path string, off int) Pos { return t.ix.within(path, off) }
