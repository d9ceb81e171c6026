package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/engine/sequence"
)

// seqFields are the task sequence's own properties (ConfigMgr's task
// sequence Properties dialog): name, description, kind and boot image.
func (m *EditorModel) seqFields() []edField {
	ed := m.ed
	s := ed.Sequence()
	text := func(key, label string, get func() string, set func(v string), check func(string) string) edField {
		return edField{key: key, label: label, get: get, set: func(v string) string {
			if err := ed.EditSequence(label, "seq."+key, func(*sequence.Sequence) error { set(v); return nil }); err != nil {
				return err.Error()
			}
			if check != nil {
				return check(v)
			}
			return ""
		}}
	}
	choice := func(key, label string, opts []string, get func() string, set func(v string)) edField {
		f := text(key, label, get, set, nil)
		f.kind, f.options = edChoice, opts
		return f
	}
	fs := []edField{
		text("name", m.edtx("label.name"), func() string { return s.Name }, func(v string) { s.Name = v }, func(v string) string {
			if strings.TrimSpace(v) == "" {
				return m.edtx("err.seqname")
			}
			return m.maxLen(sequence.MaxSequenceName)(v)
		}),
		text("description", m.edtx("label.desc"), func() string { return s.Description }, func(v string) { s.Description = v }, m.maxLen(sequence.MaxSequenceDescription)),
		choice("kind", m.edtx("seq.kind"), []string{sequence.KindBuildAndCapture, sequence.KindCustom}, func() string { return s.Kind }, func(v string) { s.Kind = v }),
		text("boot_image.path", m.edtx("seq.boot"), func() string { return s.BootImage.Path }, func(v string) { s.BootImage.Path = v }, nil),
		choice("boot_image.arch", m.edtx("seq.arch"), []string{sequence.ArchX64, sequence.ArchARM64, sequence.ArchX86, ""},
			func() string { return s.BootImage.Arch }, func(v string) { s.BootImage.Arch = v }),
	}
	names := make([]string, len(s.Variables))
	for i, v := range s.Variables {
		names[i] = v.Name
	}
	vars := m.edtx("seq.novars")
	if len(names) > 0 {
		vars = fmt.Sprintf("%d: %s", len(names), strings.Join(names, ", "))
	}
	fs = append(fs, edField{key: "variables", label: m.edtx("seq.vars"), kind: edList, help: m.edtx("list.help"), get: func() string { return vars }})
	return fs
}

func (m *EditorModel) keySeq(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	fs := m.seqFields()
	m.seqField = max(0, min(m.seqField, len(fs)-1))
	switch msg.String() {
	case "esc":
		m.overlay = edNone
		m.resetFields()
		return m, nil
	case "tab", "down":
		m.seqField = (m.seqField + 1) % len(fs)
		return m, nil
	case "shift+tab", "up":
		m.seqField = (m.seqField + len(fs) - 1) % len(fs)
		return m, nil
	case "ctrl+z":
		m.undo()
		return m, nil
	case "ctrl+y":
		m.redo()
		return m, nil
	case "ctrl+s":
		m.save(false)
		return m, nil
	}
	if f := fs[m.seqField]; f.kind == edList {
		if k := msg.String(); k == "enter" || k == " " {
			m.list = &listState{key: "variables", label: f.label, vars: true, back: edSeq}
			m.overlay = edListView
		}
		return m, nil
	}
	if m.keyField(fs[m.seqField], msg) {
		m.seqField = (m.seqField + 1) % len(fs)
	}
	return m, nil
}

func (m *EditorModel) seqLines(w, h int) []string {
	st := m.th.Styles
	p := &pane{width: w, focusTop: -1}
	p.add(st.PageTitle.Render(m.edtx("seq.title")))
	p.text(st.Note, m.edtx("seq.help"), "")
	p.blank()
	m.fieldLines(p, m.seqFields(), m.seqField, w)
	m.paneTop = 0
	return m.scrollPane(p, h)
}
