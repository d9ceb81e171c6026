package condition

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/refimage/refimage/internal/lazyre"
)

// MaxDepth is the deepest nesting of parentheses, not, all, any and none
// that Parse accepts.
const MaxDepth = 100

// MaxNameLen is the longest variable name (the ConfigMgr limit).
const MaxNameLen = 256

// SyntaxError is a parse error at a position in the condition text.
type SyntaxError struct {
	Offset int    // byte offset into the source
	Line   int    // 1-based line of Offset (conditions are usually one line)
	Col    int    // 1-based column of Offset on its line, in characters
	Msg    string // what is wrong, e.g. `unterminated string`
}

// Error returns "col N: msg", or "line L, col N: msg" past the first line.
func (e *SyntaxError) Error() string {
	if e.Line > 1 {
		return fmt.Sprintf("line %d, col %d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("col %d: %s", e.Col, e.Msg)
}

func newSyntaxError(src string, off int, msg string) *SyntaxError {
	if off > len(src) {
		off = len(src)
	}
	line, start := 1, 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return &SyntaxError{Offset: off, Line: line, Col: utf8.RuneCountInString(src[start:off]) + 1, Msg: msg}
}

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tNumber
	tString
	tOp
	tLParen
	tRParen
	tComma
	tDot
	tColon
)

type token struct {
	kind tokKind
	text string // identifier, number or operator as written; a string's decoded value
	off  int    // byte offset of the first character
	end  int    // byte offset just past the token
}

// describe names the token for error messages.
func (t token) describe(src string) string {
	switch t.kind {
	case tEOF:
		return "end of condition"
	case tString:
		s := src[t.off:t.end]
		if len(s) > 40 {
			s = s[:37] + `..."`
		}
		return "string " + s
	}
	return fmt.Sprintf("%q", src[t.off:t.end])
}

type parser struct {
	src   string
	pos   int     // lexer position
	buf   []token // lookahead
	depth int
}

type parsePanic struct{ err *SyntaxError }

func (p *parser) fail(off int, format string, args ...any) {
	panic(parsePanic{newSyntaxError(p.src, off, fmt.Sprintf(format, args...))})
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '-'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isOpChar(c byte) bool { return c == '=' || c == '!' || c == '<' || c == '>' || c == '~' }

// lex reads the next token.
func (p *parser) lex() token {
	s := p.src
	for p.pos < len(s) {
		if c := s[p.pos]; c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			p.pos++
			continue
		}
		// Other white space, such as a no-break space pasted from a web
		// page, separates tokens too.
		r, n := utf8.DecodeRuneInString(s[p.pos:])
		if r >= utf8.RuneSelf && unicode.IsSpace(r) {
			p.pos += n
			continue
		}
		break
	}
	start := p.pos
	if start >= len(s) {
		return token{kind: tEOF, off: len(s), end: len(s)}
	}
	c := s[start]
	switch {
	case c == '"':
		var b strings.Builder
		i := start + 1
		for {
			j := strings.IndexByte(s[i:], '"')
			if j < 0 {
				p.fail(start, `unterminated string (a string ends with "; write "" for a quote inside it)`)
			}
			b.WriteString(s[i : i+j])
			i += j + 1
			if i < len(s) && s[i] == '"' {
				b.WriteByte('"')
				i++
				continue
			}
			break
		}
		p.pos = i
		return token{kind: tString, text: b.String(), off: start, end: i}
	case isIdentStart(c):
		i := start + 1
		for i < len(s) && isIdentChar(s[i]) {
			i++
		}
		p.pos = i
		return token{kind: tIdent, text: s[start:i], off: start, end: i}
	case isDigit(c) || c == '-' && start+1 < len(s) && isDigit(s[start+1]):
		i := start + 1
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		for i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
			i += 2
			for i < len(s) && isDigit(s[i]) {
				i++
			}
		}
		if i < len(s) && (isIdentChar(s[i]) || s[i] == '.') {
			p.fail(start, "malformed number %q", s[start:i+1])
		}
		p.pos = i
		return token{kind: tNumber, text: s[start:i], off: start, end: i}
	case isOpChar(c):
		i := start + 1
		for i < len(s) && isOpChar(s[i]) {
			i++
		}
		p.pos = i
		return token{kind: tOp, text: s[start:i], off: start, end: i}
	}
	p.pos = start + 1
	k := tEOF
	switch c {
	case '(':
		k = tLParen
	case ')':
		k = tRParen
	case ',':
		k = tComma
	case '.':
		k = tDot
	case ':':
		k = tColon
	default:
		r, _ := utf8.DecodeRuneInString(s[start:])
		if (c == '&' || c == '|') && start+1 < len(s) && s[start+1] == c {
			p.fail(start, "write %q instead of %q", map[byte]string{'&': "and", '|': "or"}[c], s[start:start+2])
		}
		if r == '\u201c' || r == '\u201d' || r == '\u2018' || r == '\u2019' {
			p.fail(start, "unexpected character %q: write strings in plain double quotes (\")", r)
		}
		if c == '\'' {
			p.fail(start, `unexpected character '\'': strings are written in double quotes`)
		}
		p.fail(start, "unexpected character %q", r)
	}
	return token{kind: k, text: s[start : start+1], off: start, end: start + 1}
}

func (p *parser) peekN(n int) token {
	for len(p.buf) <= n {
		if len(p.buf) > 0 && p.buf[len(p.buf)-1].kind == tEOF {
			return p.buf[len(p.buf)-1]
		}
		p.buf = append(p.buf, p.lex())
	}
	return p.buf[n]
}

func (p *parser) peek() token { return p.peekN(0) }

func (p *parser) next() token {
	t := p.peek()
	p.buf = p.buf[1:]
	return t
}

// isWord reports whether t is the identifier w (case-insensitive).
func isWord(t token, w string) bool { return t.kind == tIdent && strings.EqualFold(t.text, w) }

// reserved words can never be variable names or bare values.
var reserved = map[string]bool{"and": true, "or": true, "not": true, "like": true, "exists": true, "in": true}

func isReserved(t token) bool { return t.kind == tIdent && reserved[strings.ToLower(t.text)] }

// Parse parses a condition. The error is a *SyntaxError.
func Parse(src string) (e Expr, err error) {
	p := &parser{src: src}
	defer func() {
		if r := recover(); r != nil {
			pp, ok := r.(parsePanic)
			if !ok {
				panic(r)
			}
			e, err = nil, pp.err
		}
	}()
	if p.peek().kind == tEOF {
		p.fail(p.peek().off, "empty condition")
	}
	e = p.parseOr()
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRParen {
			p.fail(t.off, `unexpected ")" without a matching "("`)
		}
		p.fail(t.off, `unexpected %s: expected "and", "or" or the end of the condition`, t.describe(src))
	}
	return e, nil
}

func (p *parser) enter(off int) {
	p.depth++
	if p.depth > MaxDepth {
		p.fail(off, "conditions nested deeper than %d levels", MaxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) parseOr() Expr {
	first := p.parseAnd()
	if !isWord(p.peek(), "or") {
		return first
	}
	items := []Expr{first}
	for isWord(p.peek(), "or") {
		p.next()
		items = append(items, p.parseAnd())
	}
	return &Group{Op: Any, Items: items, Infix: true}
}

func (p *parser) parseAnd() Expr {
	first := p.parseUnary()
	if !isWord(p.peek(), "and") {
		return first
	}
	items := []Expr{first}
	for isWord(p.peek(), "and") {
		p.next()
		items = append(items, p.parseUnary())
	}
	return &Group{Op: All, Items: items, Infix: true}
}

func (p *parser) parseUnary() Expr {
	if t := p.peek(); isWord(t, "not") {
		p.next()
		p.enter(t.off)
		x := p.parseUnary()
		p.leave()
		return &Group{Op: None, Items: []Expr{x}, Infix: true}
	}
	return p.parsePrimary()
}

// expectCondition fails when t cannot start a condition; after is the
// text before t, named in the message.
func (p *parser) expectCondition(t token, after string) {
	if t.kind == tEOF || t.kind == tRParen || t.kind == tComma {
		if after == "" {
			p.fail(t.off, "missing condition before %s", t.describe(p.src))
		}
		p.fail(t.off, "missing condition after %q", after)
	}
}

func (p *parser) parsePrimary() Expr {
	t := p.peek()
	switch t.kind {
	case tLParen:
		p.next()
		p.enter(t.off)
		p.expectCondition(p.peek(), "(")
		e := p.parseOr()
		p.leave()
		p.expect(tRParen, `")"`, t)
		return e
	case tIdent:
		return p.parseTest()
	case tEOF, tRParen, tComma:
		p.expectCondition(t, p.prevText(t))
	case tString:
		p.fail(t.off, "expected a condition but found %s (a test starts with a variable name, file(, folder(, registry(, wmi(, os. or software()", t.describe(p.src))
	}
	p.fail(t.off, "expected a condition but found %s", t.describe(p.src))
	return nil
}

// prevText is the text of the last non-space characters before t, used to
// say what a condition is missing after.
func (p *parser) prevText(t token) string {
	s := strings.TrimRightFunc(p.src[:t.off], unicode.IsSpace)
	if s == "" {
		return ""
	}
	i := len(s) - 1
	if isIdentChar(s[i]) {
		for i > 0 && isIdentChar(s[i-1]) {
			i--
		}
	} else if isOpChar(s[i]) {
		for i > 0 && isOpChar(s[i-1]) {
			i--
		}
	}
	return s[i:]
}

// expect consumes a token of kind k or fails; open is the token that
// started the construct, named in the message when the input ends.
func (p *parser) expect(k tokKind, what string, open token) token {
	t := p.peek()
	if t.kind != k {
		if t.kind == tEOF && k == tRParen {
			p.fail(t.off, `missing ")" to close the "(" at col %d`, newSyntaxError(p.src, open.off, "").Col)
		}
		p.fail(t.off, "expected %s but found %s", what, t.describe(p.src))
	}
	return p.next()
}

func (p *parser) parseTest() Expr {
	t := p.peek()
	word := strings.ToLower(t.text)
	nt := p.peekN(1)
	if nt.kind == tLParen {
		switch word {
		case "all", "any", "none":
			return p.parseGroupCall()
		case "file", "folder":
			return p.parseFileTest()
		case "registry":
			return p.parseRegistry()
		case "wmi":
			return p.parseWMI()
		case "software":
			return p.parseSoftware()
		}
	}
	if word == "os" && nt.kind == tDot {
		return p.parseOS()
	}
	if isReserved(t) {
		p.fail(t.off, "expected a condition but found the keyword %q", t.text)
	}
	if nt.kind == tLParen {
		p.fail(t.off, "unknown test %q (the tests are all, any, none, file, folder, registry, wmi, os and software)", t.text+"(")
	}
	return p.parseVarTest()
}

func (p *parser) parseGroupCall() Expr {
	name := p.next()
	open := p.next() // (
	p.enter(name.off)
	op := map[string]GroupOp{"all": All, "any": Any, "none": None}[strings.ToLower(name.text)]
	g := &Group{Op: op}
	if p.peek().kind == tRParen {
		p.fail(name.off, "%s() needs at least one condition", strings.ToLower(name.text))
	}
	for {
		p.expectCondition(p.peek(), p.prevText(p.peek()))
		g.Items = append(g.Items, p.parseOr())
		if p.peek().kind != tComma {
			break
		}
		p.next()
	}
	p.leave()
	if t := p.peek(); t.kind != tRParen && t.kind != tEOF {
		p.fail(t.off, `expected "," or ")" but found %s`, t.describe(p.src))
	}
	p.expect(tRParen, `")"`, open)
	return g
}

// stringArg reads a string argument.
func (p *parser) stringArg(what string) token {
	t := p.peek()
	if t.kind != tString {
		if t.kind == tEOF || t.kind == tRParen || t.kind == tComma {
			p.fail(t.off, "missing %s (a string in double quotes)", what)
		}
		p.fail(t.off, "expected %s as a string in double quotes but found %s", what, t.describe(p.src))
	}
	return p.next()
}

// parseCompareOp reads one of == = != <> < <= > >=.
func (p *parser) parseCompareOp(subject string) Op {
	t := p.peek()
	if t.kind == tEOF {
		p.fail(t.off, "missing operator after %s (want ==, !=, <, <=, >, >=)", subject)
	}
	if t.kind != tOp {
		p.fail(t.off, "unknown operator %s after %s (want ==, !=, <, <=, >, >=)", t.describe(p.src), subject)
	}
	op, ok := compareOps[t.text]
	if !ok {
		p.fail(t.off, "unknown operator %q (want ==, !=, <, <=, >, >=)", t.text)
	}
	p.next()
	return op
}

var compareOps = map[string]Op{"==": Eq, "=": Eq, "!=": Ne, "<>": Ne, "<": Lt, "<=": Le, ">": Gt, ">=": Ge}

// parseValue reads a VALUE: a string, a number or a bare word.
func (p *parser) parseValue(after string) string {
	t := p.peek()
	switch {
	case t.kind == tString || t.kind == tNumber:
		p.next()
		return t.text
	case t.kind == tIdent && !isReserved(t):
		p.next()
		return t.text
	case t.kind == tEOF || t.kind == tRParen || t.kind == tComma || isReserved(t):
		p.fail(t.off, "missing value after %q", after)
	}
	p.fail(t.off, "expected a value after %q but found %s", after, t.describe(p.src))
	return ""
}

func (p *parser) parseVarTest() Expr {
	name := p.next()
	if len(name.text) > MaxNameLen {
		p.fail(name.off, "variable name longer than %d characters", MaxNameLen)
	}
	v := &VarTest{Name: name.text}
	t := p.peek()
	switch {
	case isWord(t, "exists"):
		p.next()
		v.Op = Exists
		return v
	case isWord(t, "not"):
		p.next()
		t2 := p.peek()
		switch {
		case isWord(t2, "exists"):
			p.next()
			v.Op = NotExists
			return v
		case isWord(t2, "like"):
			p.next()
			v.Op = NotLike
			v.Value = p.parseValue("not like")
			return v
		}
		p.fail(t2.off, `expected "exists" or "like" after "not" but found %s`, t2.describe(p.src))
	case isWord(t, "like"):
		p.next()
		v.Op = Like
		v.Value = p.parseValue("like")
		return v
	case t.kind == tOp:
		v.Op = p.parseCompareOp(name.text)
		v.Value = p.parseValue(t.text)
		return v
	case t.kind == tEOF || t.kind == tRParen || t.kind == tComma || isWord(t, "and") || isWord(t, "or"):
		p.fail(t.off, "missing operator after %s (want exists, not exists, ==, !=, <, <=, >, >=, like or not like)", name.text)
	}
	p.fail(t.off, "unknown operator %s after %s (want exists, not exists, ==, !=, <, <=, >, >=, like or not like)", t.describe(p.src), name.text)
	return nil
}

// parseExists reads "exists" or "not exists" after a file, folder or
// registry reference.
func (p *parser) parseExistsOp(subject string) (Op, bool) {
	t := p.peek()
	if isWord(t, "exists") {
		p.next()
		return Exists, true
	}
	if isWord(t, "not") && isWord(p.peekN(1), "exists") {
		p.next()
		p.next()
		return NotExists, true
	}
	return 0, false
}

var versionRE = lazyre.New(`^[0-9]+(\.[0-9]+)*$`)

func (p *parser) parseVersionValue(after string) string {
	t := p.peek()
	v := p.parseValue(after)
	if !versionRE.MatchString(v) || len(v) > 64 {
		p.fail(t.off, "%q is not a version (numbers separated by dots, like 10.0.19041)", v)
	}
	return v
}

var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"}

func (p *parser) parseDateValue(after string) string {
	t := p.peek()
	v := p.parseValue(after)
	for _, l := range dateLayouts {
		if d, err := time.Parse(l, v); err == nil {
			return d.UTC().Format(time.RFC3339Nano)
		}
	}
	p.fail(t.off, "%q is not a date (write 2024-01-31, 2024-01-31T13:45:00 or 2024-01-31T13:45:00Z; times are UTC)", v)
	return ""
}

func (p *parser) parseFileTest() Expr {
	kw := p.next()
	open := p.next()
	folder := strings.EqualFold(kw.text, "folder")
	kind := "file"
	if folder {
		kind = "folder"
	}
	path := p.stringArg(kind + " path")
	if path.text == "" {
		p.fail(path.off, "empty %s path", kind)
	}
	p.expect(tRParen, `")"`, open)
	attr, op, value := AttrExists, Exists, ""
	if o, ok := p.parseExistsOp(kind); ok {
		op = o
	} else if t := p.peek(); t.kind == tDot {
		p.next()
		a := p.peek()
		if a.kind != tIdent {
			if folder {
				p.fail(a.off, `expected "date" after "." but found %s`, a.describe(p.src))
			}
			p.fail(a.off, `expected "version" or "date" after "." but found %s`, a.describe(p.src))
		}
		switch {
		case isWord(a, "version") && !folder:
			p.next()
			attr = AttrVersion
			op = p.parseCompareOp(kind + "(...).version")
			value = p.parseVersionValue(op.String())
		case isWord(a, "date"):
			p.next()
			attr = AttrDate
			op = p.parseCompareOp(kind + "(...).date")
			value = p.parseDateValue(op.String())
		default:
			if folder {
				p.fail(a.off, "unknown folder property %s (want date)", a.describe(p.src))
			}
			p.fail(a.off, "unknown file property %s (want version or date)", a.describe(p.src))
		}
	} else {
		if folder {
			p.fail(t.off, `expected "exists", "not exists" or ".date" after folder(...) but found %s`, t.describe(p.src))
		}
		p.fail(t.off, `expected "exists", "not exists", ".version" or ".date" after file(...) but found %s`, t.describe(p.src))
	}
	if folder {
		return &FolderTest{Path: path.text, Attr: attr, Op: op, Value: value}
	}
	return &FileTest{Path: path.text, Attr: attr, Op: op, Value: value}
}

var hives = []string{"HKEY_LOCAL_MACHINE", "HKLM", "HKEY_CURRENT_USER", "HKCU", "HKEY_CLASSES_ROOT", "HKCR", "HKEY_USERS", "HKU", "HKEY_CURRENT_CONFIG", "HKCC"}

func validHive(key string) bool {
	if strings.HasPrefix(key, "%") {
		return true // decided after variable expansion
	}
	h, _, _ := strings.Cut(key, `\`)
	for _, x := range hives {
		if strings.EqualFold(h, x) {
			return true
		}
	}
	return false
}

func (p *parser) parseRegistry() Expr {
	p.next()
	open := p.next()
	key := p.stringArg("registry key")
	if !validHive(key.text) {
		p.fail(key.off, `registry key must start with a root key: HKLM\, HKCU\, HKCR\, HKU\ or HKCC\ (or their HKEY_ names)`)
	}
	r := &RegistryTest{Key: key.text}
	if t := p.peek(); t.kind != tComma {
		if t.kind == tRParen {
			p.fail(t.off, `missing registry value name after the key (use "" for the default value)`)
		}
		p.fail(t.off, `expected "," and a value name but found %s`, t.describe(p.src))
	}
	p.next()
	val := p.stringArg("registry value name")
	if len(val.text) > 250 {
		p.fail(val.off, "registry value name longer than 250 characters")
	}
	r.Value = val.text
	if p.peek().kind == tComma {
		p.next()
		t := p.peek()
		if t.kind != tIdent && t.kind != tString {
			p.fail(t.off, "missing registry type (want %s)", strings.Join(RegistryTypes, ", "))
		}
		p.next()
		ok := false
		for _, rt := range RegistryTypes {
			if strings.EqualFold(t.text, rt) {
				r.Type, ok = rt, true
			}
		}
		if !ok {
			p.fail(t.off, "unknown registry type %q (want %s)", t.text, strings.Join(RegistryTypes, ", "))
		}
	}
	p.expect(tRParen, `")"`, open)
	if op, ok := p.parseExistsOp("registry(...)"); ok {
		r.Op = op
		return r
	}
	t := p.peek()
	if t.kind != tOp {
		if t.kind == tEOF {
			p.fail(t.off, "missing operator after registry(...) (want exists, not exists, ==, !=, <, <=, >, >=)")
		}
		p.fail(t.off, "unknown operator %s after registry(...) (want exists, not exists, ==, !=, <, <=, >, >=)", t.describe(p.src))
	}
	r.Op = p.parseCompareOp("registry(...)")
	r.Data = p.parseValue(r.Op.String())
	return r
}

func (p *parser) parseWMI() Expr {
	p.next()
	open := p.next()
	q := p.stringArg("WMI query")
	if strings.TrimSpace(q.text) == "" {
		p.fail(q.off, "empty WMI query")
	}
	if len(q.text) > 16384 {
		p.fail(q.off, "WMI query longer than 16384 characters")
	}
	w := &WMITest{Query: q.text}
	if p.peek().kind == tComma {
		p.next()
		ns := p.stringArg("WMI namespace")
		if strings.TrimSpace(ns.text) == "" {
			p.fail(ns.off, `empty WMI namespace (leave it out for root\cimv2)`)
		}
		w.Namespace = ns.text
	}
	p.expect(tRParen, `")"`, open)
	return w
}

var guidRE = lazyre.New(`^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$`)

func normGUID(s string) (string, bool) {
	if !guidRE.MatchString(s) || strings.HasPrefix(s, "{") != strings.HasSuffix(s, "}") {
		return "", false
	}
	return "{" + strings.ToUpper(strings.Trim(s, "{}")) + "}", true
}

func (p *parser) parseSoftware() Expr {
	kw := p.next()
	open := p.next()
	s := &SoftwareTest{}
	seen := map[string]bool{}
	for {
		k := p.peek()
		if k.kind != tIdent {
			if k.kind == tRParen && len(seen) == 0 {
				p.fail(kw.off, `software() needs product: "{GUID}" or upgrade: "{GUID}"`)
			}
			p.fail(k.off, "expected product:, upgrade:, version: or name: but found %s", k.describe(p.src))
		}
		name := strings.ToLower(k.text)
		switch name {
		case "product", "upgrade", "version", "name":
		default:
			p.fail(k.off, "unknown software argument %q (want product, upgrade, version or name)", k.text)
		}
		if seen[name] {
			p.fail(k.off, "%s: given twice", name)
		}
		seen[name] = true
		p.next()
		p.expect(tColon, `":"`, k)
		v := p.stringArg(name)
		switch name {
		case "product", "upgrade":
			g, ok := normGUID(v.text)
			if !ok {
				p.fail(v.off, "%s code must be a GUID like {12345678-1234-1234-1234-123456789ABC}", name)
			}
			if name == "product" {
				s.ProductCode = g
			} else {
				s.UpgradeCode = g
			}
		case "version":
			if v.text == "" {
				p.fail(v.off, "empty version")
			}
			s.Version = v.text
		case "name":
			s.Name = v.text
		}
		if p.peek().kind != tComma {
			break
		}
		p.next()
	}
	if t := p.peek(); t.kind != tRParen && t.kind != tEOF {
		p.fail(t.off, `expected "," or ")" but found %s`, t.describe(p.src))
	}
	p.expect(tRParen, `")"`, open)
	switch {
	case s.ProductCode == "" && s.UpgradeCode == "":
		p.fail(kw.off, `software() needs product: "{GUID}" or upgrade: "{GUID}"`)
	case s.ProductCode != "" && s.UpgradeCode != "":
		p.fail(kw.off, "software() takes product: or upgrade:, not both")
	case s.UpgradeCode != "" && s.Version != "":
		p.fail(kw.off, "version: only goes with product: (upgrade: matches any version)")
	}
	if t := p.peek(); !isWord(t, "installed") {
		if t.kind == tEOF {
			p.fail(t.off, `missing "installed" after software(...)`)
		}
		p.fail(t.off, `expected "installed" after software(...) but found %s`, t.describe(p.src))
	}
	p.next()
	return s
}

var langRE = lazyre.New(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// parseList reads ( VALUE {, VALUE} ).
func (p *parser) parseList(what string) []token {
	open := p.peek()
	if open.kind != tLParen {
		p.fail(open.off, `expected "(" and a list of %s but found %s`, what, open.describe(p.src))
	}
	p.next()
	var out []token
	for {
		t := p.peek()
		if t.kind == tRParen && len(out) == 0 {
			p.fail(t.off, "empty list of %s", what)
		}
		p.parseValue(map[bool]string{true: "(", false: ","}[len(out) == 0])
		out = append(out, t)
		if p.peek().kind != tComma {
			break
		}
		p.next()
	}
	if t := p.peek(); t.kind != tRParen && t.kind != tEOF {
		p.fail(t.off, `expected "," or ")" but found %s`, t.describe(p.src))
	}
	p.expect(tRParen, `")"`, open)
	return out
}

func platformName(s string) (string, bool) {
	for _, pl := range Platforms {
		if strings.EqualFold(pl.Name, s) {
			return pl.Name, true
		}
	}
	return "", false
}

func (p *parser) parseOS() Expr {
	p.next() // os
	p.next() // .
	prop := p.peek()
	if prop.kind != tIdent {
		p.fail(prop.off, "expected version, platform or language after \"os.\" but found %s", prop.describe(p.src))
	}
	p.next()
	switch strings.ToLower(prop.text) {
	case "version":
		op := p.parseCompareOp("os.version")
		return &OSVersionTest{Op: op, Version: p.parseVersionValue(op.String())}
	case "platform":
		var toks []token
		if t := p.peek(); isWord(t, "in") {
			p.next()
			toks = p.parseList("platforms")
		} else if t.kind == tOp && (t.text == "==" || t.text == "=") {
			p.next()
			toks = []token{p.peek()}
			p.parseValue(t.text)
		} else {
			p.fail(t.off, `expected "in" or "==" after os.platform but found %s`, t.describe(p.src))
		}
		pt := &OSPlatformTest{}
		for _, t := range toks {
			name, ok := platformName(t.text)
			if !ok {
				names := make([]string, len(Platforms))
				for i, pl := range Platforms {
					names[i] = pl.Name
				}
				p.fail(t.off, "unknown platform %q (want one of: %s)", t.text, strings.Join(names, ", "))
			}
			pt.Platforms = append(pt.Platforms, name)
		}
		return pt
	case "language":
		lt := &OSLanguageTest{}
		var toks []token
		t := p.peek()
		switch {
		case isWord(t, "in"):
			p.next()
			toks = p.parseList("languages")
		case isWord(t, "not") && isWord(p.peekN(1), "in"):
			p.next()
			p.next()
			lt.Negate = true
			toks = p.parseList("languages")
		case t.kind == tOp && (t.text == "==" || t.text == "=" || t.text == "!=" || t.text == "<>"):
			p.next()
			lt.Negate = t.text == "!=" || t.text == "<>"
			toks = []token{p.peek()}
			p.parseValue(t.text)
		default:
			p.fail(t.off, `expected ==, !=, "in" or "not in" after os.language but found %s`, t.describe(p.src))
		}
		for _, t := range toks {
			if !langRE.MatchString(t.text) {
				p.fail(t.off, "%q is not a language name (write it like en-US or ko-KR)", t.text)
			}
			lt.Languages = append(lt.Languages, t.text)
		}
		return lt
	}
	p.fail(prop.off, "unknown os property %q (want version, platform or language)", prop.text)
	return nil
}
