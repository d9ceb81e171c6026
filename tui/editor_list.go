package tui

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
	"github.com/refimage/refimage/engine/sequence/edit"
)

// listState is the list of partitions (Format and Partition Disk) or
// applications (Install Application) being edited: the Volume list and
// the application list of the ConfigMgr step dialogs.
type listState struct {
	key   string // toml key of the list, e.g. partitions
	label string
	sel   int
	form  bool // editing the selected entry
	field int
	vars  bool      // the sequence's variables, not a step's list
	back  edOverlay // where esc returns
}

// listChoices are the entry fields that take one of a few values.
var listChoices = map[string][]string{
	"partitions.type":        {"primary", "efi", "msr", "recovery", "extended", "logical", "hidden"},
	"partitions.size_unit":   {"mb", "gb", "percent"},
	"partitions.file_system": {"ntfs", "fat32", ""},
}

var listLabels = map[string]string{
	"name":            "Name",
	"type":            "Type",
	"size":            "Size (0: all the remaining space)",
	"size_unit":       "Size unit (percent: of the remaining space)",
	"file_system":     "File system (empty: do not format)",
	"quick_format":    "Quick format",
	"bootable":        "Make this the boot partition",
	"assign_letter":   "Assign a drive letter",
	"letter_variable": "Variable that receives the drive letter",
	"source":          "Source folder",
	"command_line":    "Command line",
	"success_codes":   "Success codes",
}

// listValue is the list in the selected step.
func (m *EditorModel) listValue(props sequence.Props) reflect.Value {
	v := reflect.ValueOf(props).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Tag.Get("toml") == m.list.key {
			return v.Field(i)
		}
	}
	return reflect.Value{}
}

// listIn is the list in a step (x a *sequence.Item) or in the sequence
// (x a *sequence.Sequence, for its variables).
func (m *EditorModel) listIn(x any) reflect.Value {
	switch x := x.(type) {
	case *sequence.Sequence:
		return reflect.ValueOf(&x.Variables).Elem()
	case *sequence.Item:
		if x != nil && x.Props != nil {
			return m.listValue(x.Props)
		}
	}
	return reflect.Value{}
}

// curList is the list being edited.
func (m *EditorModel) curList() reflect.Value {
	if m.list.vars {
		return m.listIn(m.ed.Sequence())
	}
	return m.listIn(m.ed.Selected())
}

func (m *EditorModel) listLen() int {
	if l := m.curList(); l.IsValid() {
		return l.Len()
	}
	return 0
}

// listOK reports whether the selected item still has the list (an undo
// may select another item); if not, the list closes.
func (m *EditorModel) listOK() bool {
	if m.curList().IsValid() {
		return true
	}
	m.overlay, m.list = edNone, nil
	return false
}

// newListEntry is a new entry with the defaults a file may omit.
func (t texts) newListEntry(typ reflect.Type) reflect.Value {
	v := reflect.New(typ).Elem()
	switch x := v.Addr().Interface().(type) {
	case *sequence.Partition:
		x.Name, x.Type, x.SizeUnit, x.FileSystem, x.QuickFormat, x.AssignLetter = "Windows", "primary", "mb", "ntfs", true, true
	case *sequence.Application:
		x.Name = t.edtx("list.newapp")
		x.SuccessCodes = append([]int(nil), sequence.DefaultSuccessCodes...)
	case *sequence.Variable:
		x.Name = "NewVariable"
	}
	return v
}

// editList changes the list as one undoable change.
func (m *EditorModel) editList(label, key string, fn func(l reflect.Value) reflect.Value) string {
	if m.list.vars {
		return errMsg(m.ed.EditSequence(label, key, func(s *sequence.Sequence) error {
			l := m.listIn(s)
			l.Set(fn(l))
			return nil
		}))
	}
	return errMsg(m.ed.Edit(label, key, func(x *sequence.Item) error {
		l := m.listIn(x)
		l.Set(fn(l))
		return nil
	}))
}

func (m *EditorModel) keyList(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch msg.String() {
	case "ctrl+z":
		m.undo()
		m.listOK()
		return m, nil
	case "ctrl+y":
		m.redo()
		m.listOK()
		return m, nil
	case "ctrl+s":
		m.save(false)
		return m, nil
	}
	if !m.listOK() {
		return m, nil
	}
	ls := m.list
	n := m.listLen()
	ls.sel = max(0, min(ls.sel, n-1))
	if ls.form {
		fs := m.listFields()
		if len(fs) == 0 {
			ls.form = false
			return m, nil
		}
		ls.field = max(0, min(ls.field, len(fs)-1))
		switch msg.String() {
		case "esc":
			ls.form = false
			return m, nil
		case "tab", "down":
			ls.field = (ls.field + 1) % len(fs)
			return m, nil
		case "shift+tab", "up":
			ls.field = (ls.field + len(fs) - 1) % len(fs)
			return m, nil
		}
		if m.keyField(fs[ls.field], msg) {
			ls.field = (ls.field + 1) % len(fs)
		}
		return m, nil
	}
	sel := ls.sel
	swap := func(a, b int) func(l reflect.Value) reflect.Value {
		return func(l reflect.Value) reflect.Value {
			out := reflect.MakeSlice(l.Type(), l.Len(), l.Len())
			reflect.Copy(out, l)
			x, y := out.Index(a).Interface(), out.Index(b).Interface()
			out.Index(a).Set(reflect.ValueOf(y))
			out.Index(b).Set(reflect.ValueOf(x))
			return out
		}
	}
	switch msg.String() {
	case "up", "k":
		ls.sel = max(0, sel-1)
	case "down", "j":
		ls.sel = min(n-1, sel+1)
	case "esc", "q":
		m.overlay, m.list = ls.back, nil
	case "a", "insert":
		at := min(sel+1, n)
		m.setStatus(m.editList("add to "+ls.key, "", func(l reflect.Value) reflect.Value {
			out := reflect.MakeSlice(l.Type(), 0, l.Len()+1)
			out = reflect.AppendSlice(out, l.Slice(0, at))
			out = reflect.Append(out, m.newListEntry(l.Type().Elem()))
			return reflect.AppendSlice(out, l.Slice(at, l.Len()))
		}), true)
		ls.sel, ls.form, ls.field = at, true, 0
		m.resetFields()
	case "delete", "backspace", "d":
		if n == 0 {
			return m, nil
		}
		m.setStatus(m.editList("remove from "+ls.key, "", func(l reflect.Value) reflect.Value {
			out := reflect.MakeSlice(l.Type(), 0, l.Len()-1)
			out = reflect.AppendSlice(out, l.Slice(0, sel))
			return reflect.AppendSlice(out, l.Slice(sel+1, l.Len()))
		}), true)
		ls.sel = max(0, min(sel, n-2))
		m.resetFields()
	case "[", "shift+up", "K":
		if sel > 0 {
			m.editList("move in "+ls.key, "", swap(sel, sel-1))
			ls.sel--
			m.resetFields()
		}
	case "]", "shift+down", "J":
		if sel < n-1 {
			m.editList("move in "+ls.key, "", swap(sel, sel+1))
			ls.sel++
			m.resetFields()
		}
	case "enter", "e":
		if n > 0 {
			ls.form, ls.field = true, 0
			m.resetFields()
		}
	}
	return m, nil
}

// listFields are the fields of the selected entry.
func (m *EditorModel) listFields() []edField {
	ls := m.list
	if ls.sel >= m.listLen() {
		return nil
	}
	sel := ls.sel
	entry := func() reflect.Value { return m.curList().Index(sel) }
	et := entry().Type()
	var fs []edField
	for i := 0; i < et.NumField(); i++ {
		sf := et.Field(i)
		key := sf.Tag.Get("toml")
		if key == "-" {
			continue
		}
		if key == "" {
			key = strings.ToLower(sf.Name) // Variable: Name, Value
		}
		idx := i
		full := fmt.Sprintf("%s[%d].%s", ls.key, sel, key)
		get := func() reflect.Value { return entry().Field(idx) }
		apply := func(fn func(f reflect.Value)) string {
			// A copy of the list, so that no snapshot shares it.
			change := func(l reflect.Value) {
				out := reflect.MakeSlice(l.Type(), l.Len(), l.Len())
				reflect.Copy(out, l)
				fn(out.Index(sel).Field(idx))
				l.Set(out)
			}
			if ls.vars {
				return errMsg(m.ed.EditSequence(ls.key, "seq."+full, func(s *sequence.Sequence) error { change(m.listIn(s)); return nil }))
			}
			return errMsg(m.ed.Edit(ls.key, m.editKey(full), func(x *sequence.Item) error { change(m.listIn(x)); return nil }))
		}
		label := m.listLabel(key)
		if label == "" {
			label = m.humanKey(key)
		}
		f := edField{key: full, label: label}
		switch sf.Type.Kind() {
		case reflect.String:
			if opts, ok := listChoices[ls.key+"."+key]; ok {
				f.kind, f.options = edChoice, opts
			}
			f.get = func() string { return get().String() }
			f.set = func(v string) string {
				if msg := apply(func(fv reflect.Value) { fv.SetString(v) }); msg != "" {
					return msg
				}
				switch {
				case key == "letter_variable":
					return optional(m.said(sequence.CheckVariableName))(v)
				case ls.vars && key == "name":
					return m.seqtx(sequence.CheckVariableName(v))
				case ls.vars && key == "value":
					return m.maxLen(sequence.MaxVariableValue)(v)
				}
				return ""
			}
		case reflect.Int:
			f.get = func() string { return strconv.Itoa(int(get().Int())) }
			f.parse = m.parseWhole
			f.set = func(v string) string {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil {
					return m.edtx("err.whole")
				}
				return apply(func(fv reflect.Value) { fv.SetInt(int64(n)) })
			}
		case reflect.Bool:
			f.kind = edCheck
			f.get = func() string { return strconv.FormatBool(get().Bool()) }
			f.set = func(v string) string { return apply(func(fv reflect.Value) { fv.SetBool(v == "true") }) }
		case reflect.Slice:
			if sf.Type.Elem().Kind() != reflect.Int {
				continue
			}
			f.get = func() string {
				var parts []string
				for _, c := range get().Interface().([]int) {
					parts = append(parts, strconv.Itoa(c))
				}
				return strings.Join(parts, " ")
			}
			f.parse = func(v string) string {
				_, msg := m.parseCodes(v, false)
				return msg
			}
			f.set = func(v string) string {
				codes, msg := m.parseCodes(v, false)
				if msg != "" {
					return msg
				}
				return apply(func(fv reflect.Value) { fv.Set(reflect.ValueOf(codes)) })
			}
		default:
			continue
		}
		fs = append(fs, f)
	}
	return fs
}

// entrySummary is one line for a partition or an application.
func (t texts) entrySummary(v reflect.Value, dot string) string {
	switch x := v.Interface().(type) {
	case sequence.Partition:
		size := t.edtx("list.rest")
		if x.Size > 0 {
			size = fmt.Sprintf("%d %s", x.Size, strings.ToUpper(x.SizeUnit))
			if x.SizeUnit == "percent" {
				size = fmt.Sprintf(t.edtx("list.pct"), x.Size)
			}
		}
		fsys := x.FileSystem
		if fsys == "" {
			fsys = t.edtx("list.nofmt")
		}
		s := strings.Join([]string{x.Name, x.Type, size, fsys}, " "+dot+" ")
		if x.Bootable {
			s += " " + dot + " " + t.edtx("list.boot")
		}
		return s
	case sequence.Application:
		return x.Name + " " + dot + " " + x.CommandLine
	case sequence.Variable:
		return x.Name + " = " + condition.Quote(x.Value)
	}
	return fmt.Sprint(v.Interface())
}

func (m *EditorModel) listLines(w, h int) []string {
	st, sym := m.th.Styles, m.th.Symbols
	if !m.listOK() {
		return m.paneLines(w, h)
	}
	ls := m.list
	p := &pane{width: w, focusTop: -1}
	if ls.vars {
		p.add(st.PageTitle.Render(m.edtx("vars.title")))
		p.text(st.Note, m.edtx("vars.help"), "")
	} else {
		p.add(st.PageTitle.Render(fmt.Sprintf(m.edtx("list.title"), ls.label, m.ed.Selected().Name)))
	}
	l := m.curList()
	if l.Len() == 0 {
		p.text(st.Note, m.edtx("list.empty"), "  ")
	}
	bad := map[int]bool{}
	for _, pr := range m.fieldProblems(ls.key) {
		_, rest := edit.ParseKey(pr.Path)
		var i int
		if _, err := fmt.Sscanf(strings.TrimPrefix(rest, ls.key), "[%d]", &i); err == nil && !pr.Warning {
			bad[i] = true
		}
	}
	for i := 0; i < l.Len(); i++ {
		line := fmt.Sprintf("%d. %s", i+1, m.entrySummary(l.Index(i), m.th.Symbols.Dot))
		if bad[i] {
			line = sym.Error + " " + line
		}
		if i == ls.sel && !ls.form {
			p.add(sym.Cursor + " " + st.MenuSelected.Render(truncate(line, w-3, sym.Ellipsis)))
			p.focusTop, p.focusBot = len(p.lines)-1, len(p.lines)-1
		} else {
			mark := "  "
			if i == ls.sel {
				mark = sym.Bullet + " "
			}
			p.add(mark + st.Option.Render(truncate(line, w-3, sym.Ellipsis)))
		}
	}
	for _, pr := range m.fieldProblems(ls.key) {
		if _, rest := edit.ParseKey(pr.Path); rest != ls.key && !ls.vars || ls.vars && ls.form {
			continue // about one entry: marked on its line, or shown under its field
		}
		style, mark := st.Error, sym.Error
		if pr.Warning {
			style, mark = st.Warning, sym.Warning
		}
		p.text(style, mark+" "+m.probText(pr), "  ")
	}
	if ls.form {
		p.blank()
		m.fieldLines(p, m.listFields(), ls.field, w)
	}
	m.paneTop = 0
	return m.scrollPane(p, h)
}

// openListAt opens the list of f at the entry and field a problem's key
// names (partitions[2].size).
func (m *EditorModel) openListAt(f edField, rest string) {
	m.list = &listState{key: f.key, label: f.label, back: edNone}
	m.overlay = edListView
	var i int
	if _, err := fmt.Sscanf(strings.TrimPrefix(rest, f.key), "[%d]", &i); err != nil || i >= m.listLen() {
		return
	}
	m.list.sel, m.list.form = i, true
	for j, lf := range m.listFields() {
		if lf.key == rest {
			m.list.field = j
		}
	}
}
