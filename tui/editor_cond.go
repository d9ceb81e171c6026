package tui

import (
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/engine/sequence/condition"
)

// condBuilder edits one item's condition as a tree of if statements and
// tests (ConfigMgr's Options tab), or as text with live parse errors. The
// root is an implicit "all of", as in ConfigMgr.
type condBuilder struct {
	texts // the editor's language
	item  string
	root  *condition.Group
	sel   int // row

	adding bool // the type menu is open
	addSel int

	form      bool // editing the selected test's fields
	formField int
	fbufs     map[int]string
	fcur      map[int]int
	ferr      string

	text bool // text mode
	buf  string
	cur  int
	perr *condition.SyntaxError

	msg    string
	msgErr bool
}

type cbRow struct {
	node   condition.Expr
	parent *condition.Group
	index  int
	depth  int
}

func newCondBuilder(t texts, item, text string) *condBuilder {
	cb := &condBuilder{texts: t, item: item, root: &condition.Group{Op: condition.All, Infix: true}}
	if strings.TrimSpace(text) == "" {
		return cb
	}
	x, err := condition.Parse(text)
	if err != nil {
		cb.text, cb.buf, cb.cur = true, text, len([]rune(text))
		cb.reparse()
		return cb
	}
	cb.setRoot(x)
	return cb
}

func (cb *condBuilder) setRoot(x condition.Expr) {
	if g, ok := x.(*condition.Group); ok && g.Op == condition.All {
		cb.root = g
		return
	}
	cb.root = &condition.Group{Op: condition.All, Infix: true, Items: []condition.Expr{x}}
}

// result is the condition's text ("" for none).
func (cb *condBuilder) result() string {
	r := cb.root
	switch {
	case len(r.Items) == 0 && r.Op == condition.All:
		return ""
	case r.Op == condition.All && len(r.Items) == 1:
		return condition.Format(r.Items[0])
	}
	g := *r
	g.Infix = r.Op != condition.None || len(r.Items) == 1
	return condition.Format(&g)
}

// check parses the result; it returns what is wrong.
func (cb *condBuilder) check() string {
	t := cb.result()
	if t == "" {
		return ""
	}
	if _, err := condition.Parse(t); err != nil {
		var se *condition.SyntaxError
		if errors.As(err, &se) {
			return se.Msg
		}
		return err.Error()
	}
	for _, r := range cb.rows() {
		if g, ok := r.node.(*condition.Group); ok && len(g.Items) == 0 && r.depth > 0 {
			return cb.edtx("cb.err.empty")
		}
	}
	return ""
}

func (cb *condBuilder) rows() []cbRow {
	out := []cbRow{{node: cb.root, depth: 0}}
	var walk func(g *condition.Group, depth int)
	walk = func(g *condition.Group, depth int) {
		for i, x := range g.Items {
			out = append(out, cbRow{node: x, parent: g, index: i, depth: depth})
			if sub, ok := x.(*condition.Group); ok {
				walk(sub, depth+1)
			}
		}
	}
	walk(cb.root, 1)
	return out
}

func (cb *condBuilder) selected() cbRow {
	rs := cb.rows()
	cb.sel = max(0, min(cb.sel, len(rs)-1))
	return rs[cb.sel]
}

func (cb *condBuilder) reparse() {
	cb.perr = nil
	if strings.TrimSpace(cb.buf) == "" {
		return
	}
	if _, err := condition.Parse(cb.buf); err != nil {
		var se *condition.SyntaxError
		if errors.As(err, &se) {
			cb.perr = se
		} else {
			cb.perr = &condition.SyntaxError{Msg: err.Error(), Line: 1, Col: 1}
		}
	}
}

// condTypes are the entries of the builder's Add menu.
var condTypes = []struct {
	key string
	new func() condition.Expr
}{
	{"cb.type.var", func() condition.Expr { return &condition.VarTest{Op: condition.Eq} }},
	{"cb.type.file", func() condition.Expr { return &condition.FileTest{Attr: condition.AttrExists, Op: condition.Exists} }},
	{"cb.type.folder", func() condition.Expr { return &condition.FolderTest{Attr: condition.AttrExists, Op: condition.Exists} }},
	{"cb.type.reg", func() condition.Expr {
		return &condition.RegistryTest{Key: `HKLM\SOFTWARE\`, Op: condition.Exists}
	}},
	{"cb.type.wmi", func() condition.Expr {
		return &condition.WMITest{Query: "SELECT * FROM Win32_ComputerSystem"}
	}},
	{"cb.type.osver", func() condition.Expr { return &condition.OSVersionTest{Op: condition.Ge, Version: "10.0.22000"} }},
	{"cb.type.osplat", func() condition.Expr {
		return &condition.OSPlatformTest{Platforms: []string{condition.Platforms[3].Name}}
	}},
	{"cb.type.oslang", func() condition.Expr { return &condition.OSLanguageTest{Languages: []string{"en-US"}} }},
	{"cb.type.software", func() condition.Expr { return &condition.SoftwareTest{} }},
	{"cb.type.group", func() condition.Expr { return &condition.Group{Op: condition.All} }},
}

// insert puts x after the selected test, or at the end of the selected
// if statement (where: 0 after, 1 before, 2 under).
func (cb *condBuilder) insert(x condition.Expr, where int) string {
	r := cb.selected()
	g, isGroup := r.node.(*condition.Group)
	switch {
	case where == 2 || (where == 0 && isGroup && r.parent == nil) || (where == 0 && isGroup && len(g.Items) == 0):
		if !isGroup {
			return cb.edtx("cb.err.paste")
		}
		g.Items = append(g.Items, x)
	case r.parent == nil:
		cb.root.Items = append([]condition.Expr{x}, cb.root.Items...)
	default:
		i := r.index
		if where == 0 {
			i++
		}
		p := r.parent
		p.Items = append(p.Items, nil)
		copy(p.Items[i+1:], p.Items[i:])
		p.Items[i] = x
	}
	for i, row := range cb.rows() {
		if row.node == x {
			cb.sel = i
		}
	}
	return ""
}

// addWhere is where a new test goes: into the selected if statement,
// else after the selected test.
func (cb *condBuilder) addWhere() int {
	if _, ok := cb.selected().node.(*condition.Group); ok {
		return 2
	}
	return 0
}

func (cb *condBuilder) remove() {
	r := cb.selected()
	if r.parent == nil {
		cb.root.Items = nil
		return
	}
	r.parent.Items = append(r.parent.Items[:r.index:r.index], r.parent.Items[r.index+1:]...)
	cb.sel = max(0, cb.sel-1)
}

var groupOps = []condition.GroupOp{condition.All, condition.Any, condition.None}

// cbField is one field of a test's form.
type cbField struct {
	label   string
	options []string // a choice
	check   bool
	get     func() string
	set     func(string)
}

var allOps = []condition.Op{condition.Exists, condition.NotExists, condition.Eq, condition.Ne, condition.Lt, condition.Le,
	condition.Gt, condition.Ge, condition.Like, condition.NotLike}

func opNames(ops []condition.Op) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = o.String()
	}
	return out
}

func opOf(s string) condition.Op {
	for _, o := range allOps {
		if o.String() == s {
			return o
		}
	}
	return condition.Eq
}

var attrNames = []string{"exists", "version", "date"}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func compareOps() []string { return opNames(allOps[2:8]) }

// formFields are the fields of the selected test.
func (cb *condBuilder) formFields() []cbField {
	txt := func(label string, p *string) cbField {
		return cbField{label: label, get: func() string { return *p }, set: func(v string) { *p = v }}
	}
	pathFields := func(path *string, attr *condition.Attr, op *condition.Op, value *string, attrs []string) []cbField {
		fs := []cbField{txt(cb.edtx("cbf.path"), path),
			{label: cb.edtx("cbf.property"), options: attrs, get: func() string { return attrNames[*attr] }, set: func(v string) {
				for i, n := range attrNames {
					if n == v {
						*attr = condition.Attr(i)
					}
				}
				if *attr == condition.AttrExists {
					*op = condition.Exists
				} else if !op.IsCompare() {
					*op = condition.Ge
				}
			}}}
		if *attr == condition.AttrExists {
			fs = append(fs, cbField{label: cb.edtx("cbf.operator"), options: opNames(allOps[:2]), get: func() string { return op.String() }, set: func(v string) { *op = opOf(v) }})
		} else {
			fs = append(fs, cbField{label: cb.edtx("cbf.operator"), options: compareOps(), get: func() string { return op.String() }, set: func(v string) { *op = opOf(v) }},
				txt(cb.edtx("cbf.valuedate"), value))
		}
		return fs
	}
	switch x := cb.selected().node.(type) {
	case *condition.VarTest:
		fs := []cbField{txt(cb.edtx("cbf.variable"), &x.Name),
			{label: cb.edtx("cbf.operator"), options: opNames(allOps), get: func() string { return x.Op.String() }, set: func(v string) {
				x.Op = opOf(v)
				if x.Op == condition.Exists || x.Op == condition.NotExists {
					x.Value = ""
				}
			}}}
		if x.Op != condition.Exists && x.Op != condition.NotExists {
			fs = append(fs, txt(cb.edtx("cbf.value"), &x.Value))
		}
		return fs
	case *condition.FileTest:
		return pathFields(&x.Path, &x.Attr, &x.Op, &x.Value, attrNames)
	case *condition.FolderTest:
		return pathFields(&x.Path, &x.Attr, &x.Op, &x.Value, []string{"exists", "date"})
	case *condition.RegistryTest:
		fs := []cbField{txt(cb.edtx("cbf.key"), &x.Key), txt(cb.edtx("cbf.valuename"), &x.Value),
			{label: cb.edtx("cbf.operator"), options: opNames(allOps[:8]), get: func() string { return x.Op.String() }, set: func(v string) { x.Op = opOf(v) }}}
		if x.Op == condition.Exists || x.Op == condition.NotExists {
			fs = append(fs, cbField{label: cb.edtx("cbf.type"), options: append([]string{"(any)"}, condition.RegistryTypes...), get: func() string {
				if x.Type == "" {
					return "(any)"
				}
				return x.Type
			}, set: func(v string) {
				if v == "(any)" {
					v = ""
				}
				x.Type = v
			}})
		} else {
			fs = append(fs, txt(cb.edtx("cbf.data"), &x.Data))
		}
		return fs
	case *condition.WMITest:
		return []cbField{txt(cb.edtx("cbf.query"), &x.Query), txt(cb.edtx("cbf.ns"), &x.Namespace)}
	case *condition.OSVersionTest:
		return []cbField{{label: cb.edtx("cbf.operator"), options: compareOps(), get: func() string { return x.Op.String() }, set: func(v string) { x.Op = opOf(v) }},
			txt(cb.edtx("cbf.version"), &x.Version)}
	case *condition.OSPlatformTest:
		names := make([]string, len(condition.Platforms))
		for i, p := range condition.Platforms {
			names[i] = p.Name
		}
		return []cbField{{label: fmt.Sprintf(cb.edtx("cbf.platforms"), strings.Join(names, ", ")), get: func() string { return strings.Join(x.Platforms, ", ") },
			set: func(v string) { x.Platforms = splitList(v) }}}
	case *condition.OSLanguageTest:
		return []cbField{{label: cb.edtx("cbf.langs"), get: func() string { return strings.Join(x.Languages, ", ") },
			set: func(v string) { x.Languages = splitList(v) }},
			{label: cb.edtx("cbf.negate"), check: true, get: func() string { return fmt.Sprint(x.Negate) }, set: func(v string) { x.Negate = v == "true" }}}
	case *condition.SoftwareTest:
		return []cbField{txt(cb.edtx("cbf.product"), &x.ProductCode), txt(cb.edtx("cbf.upgrade"), &x.UpgradeCode),
			txt(cb.edtx("cbf.version"), &x.Version), txt(cb.edtx("cbf.name"), &x.Name)}
	}
	return nil
}

// checkNode parses the selected test alone.
func (cb *condBuilder) checkNode() {
	cb.ferr = ""
	if _, err := condition.Parse(condition.Format(cb.selected().node)); err != nil {
		var se *condition.SyntaxError
		if errors.As(err, &se) {
			cb.ferr = se.Msg
		} else {
			cb.ferr = err.Error()
		}
	}
}

func (cb *condBuilder) openForm() {
	if _, ok := cb.selected().node.(*condition.Group); ok {
		return
	}
	cb.form, cb.formField = true, 0
	cb.fbufs, cb.fcur = map[int]string{}, map[int]int{}
	cb.checkNode()
}

// keyForm handles a key while a test's fields are edited.
func (cb *condBuilder) keyForm(msg tea.KeyMsg) {
	fs := cb.formFields()
	if len(fs) == 0 {
		cb.form = false
		return
	}
	cb.formField = max(0, min(cb.formField, len(fs)-1))
	f := fs[cb.formField]
	switch msg.String() {
	case "esc":
		cb.form = false
		return
	case "tab", "down":
		cb.formField = (cb.formField + 1) % len(fs)
		return
	case "shift+tab", "up":
		cb.formField = (cb.formField + len(fs) - 1) % len(fs)
		return
	}
	switch {
	case f.check:
		if msg.String() == " " || msg.Type == tea.KeySpace || msg.String() == "enter" {
			f.set(fmt.Sprint(f.get() != "true"))
		}
	case f.options != nil:
		i := indexOf(f.options, f.get())
		switch msg.String() {
		case "right", " ", "l":
			f.set(f.options[(i+1)%len(f.options)])
		case "left", "h":
			f.set(f.options[(i+len(f.options)-1)%len(f.options)])
		}
	default:
		val, ok := cb.fbufs[cb.formField]
		if !ok {
			val = f.get()
		}
		pos, ok := cb.fcur[cb.formField]
		if !ok {
			pos = len([]rune(val))
		}
		if msg.String() == "enter" {
			cb.formField = (cb.formField + 1) % len(fs)
			return
		}
		nv, np, edited := lineEdit(val, pos, msg)
		if edited {
			cb.fbufs[cb.formField], cb.fcur[cb.formField] = nv, np
			f.set(nv)
		}
	}
	cb.checkNode()
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return 0
}
