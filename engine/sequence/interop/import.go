package interop

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
)

// ImportOptions control Import.
type ImportOptions struct {
	// Packages turns package IDs into paths; nil keeps "package:ID".
	Packages *PackageMap
}

// ImportReport says what an import found and kept.
type ImportReport struct {
	Format string // FormatConfigMgr or FormatMDT
	Source string // what was read: "sequence XML", "object.xml of …", a zip entry
	Steps  int    // steps mapped to refimage step types
	// Foreign lists the steps kept as foreign steps, with why.
	Foreign []string
	// Unmapped are the package IDs --package-map did not know.
	Unmapped []string
	Warnings []string
}

// Import reads a Configuration Manager task sequence (<sequence
// version="3.00"|"3.10">, an exported package's object.xml, or the whole
// exported .zip) or an MDT ts.xml, and returns it as a refimage sequence.
// Steps refimage runs become its step types with their properties; other
// steps are kept verbatim as foreign steps. An *XMLError is bad input.
func Import(file string, data []byte, opt ImportOptions) (*sequence.Sequence, *ImportReport, error) {
	rep := &ImportReport{Format: FormatConfigMgr, Source: "sequence XML"}
	var pkgName, pkgDesc string
	if isZip(data) {
		entry, body, err := readZip(file, data)
		if err != nil {
			return nil, nil, err
		}
		file = file + ":" + entry
		data = body
		rep.Source = entry
	}
	root, doc, err := parseXML(file, data)
	if err != nil {
		return nil, nil, err
	}
	if root.Name != "sequence" {
		seqText, name, desc, found := findSequence(root)
		if !found {
			// A <sequence> element inside another document.
			if all := findAll(root, "sequence"); len(all) > 0 {
				seqText, found = string(doc[all[0].start:all[0].end]), true
			}
		}
		if !found {
			return nil, nil, &XMLError{File: file, Line: root.line, Path: root.Name, Msg: fmt.Sprintf("unknown root element <%s>: refimage reads a task sequence (<sequence>, ConfigMgr's or an MDT ts.xml) or an exported package's object.xml", root.Name)}
		}
		pkgName, pkgDesc = name, desc
		if rep.Source == "sequence XML" {
			rep.Source = "the Sequence property of " + root.Name
		}
		root, doc, err = parseXML(file+" (Sequence)", []byte(seqText))
		if err != nil {
			return nil, nil, err
		}
		if root.Name != "sequence" {
			return nil, nil, &XMLError{File: file, Line: root.line, Path: root.Name, Msg: fmt.Sprintf("the Sequence property holds <%s>, not <sequence>", root.Name)}
		}
	}
	im := &importer{file: file, doc: doc, opt: opt, rep: rep, missing: map[string]bool{}}
	seq, err := im.sequence(root)
	if err != nil {
		return nil, nil, err
	}
	if seq.Name == "" {
		seq.Name = pkgName
	}
	if seq.Description == "" {
		seq.Description = pkgDesc
	}
	if seq.Name == "" {
		base := filepath.Base(strings.SplitN(file, ":", 2)[0])
		seq.Name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	for id := range im.missing {
		rep.Unmapped = append(rep.Unmapped, id)
	}
	sortStrings(rep.Unmapped)
	return seq, rep, nil
}

// findSequence looks for the task sequence in an exported package's
// object.xml: the text of its Sequence property (CIM-XML
// <PROPERTY NAME="Sequence"><VALUE>…</VALUE>), or a <sequence> element.
func findSequence(root *node) (text, name, desc string, found bool) {
	var walk func(n *node)
	walk = func(n *node) {
		if strings.EqualFold(n.Name, "PROPERTY") {
			val := ""
			if v := n.child("VALUE"); v != nil {
				val = v.Text
			}
			switch strings.ToLower(n.attrOr("NAME", "")) {
			case "sequence":
				if strings.Contains(val, "<sequence") && !found {
					text, found = val, true
				}
			case "name":
				name = strings.TrimSpace(val)
			case "description":
				desc = strings.TrimSpace(val)
			}
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(root)
	return
}

type importer struct {
	file    string
	doc     []byte
	opt     ImportOptions
	rep     *ImportReport
	missing map[string]bool
}

func (im *importer) errAt(n *node, path, format string, args ...any) error {
	return &XMLError{File: im.file, Line: n.line, Path: path, Msg: fmt.Sprintf(format, args...)}
}

func (im *importer) sequence(root *node) (*sequence.Sequence, error) {
	v := root.attrOr("version", "")
	if v != "3.00" && v != "3.10" {
		return nil, im.errAt(root, "sequence", "version %q: refimage reads task sequence XML version 3.00 or 3.10", v)
	}
	// MDT's ts.xml: BDD_ steps or its scripts.
	if bytes.Contains(im.doc, []byte("BDD_")) || bytes.Contains(bytes.ToUpper(im.doc), []byte("%SCRIPTROOT%")) {
		im.rep.Format = FormatMDT
	}
	if err := im.noText(root, "sequence"); err != nil {
		return nil, err
	}
	for _, a := range root.Attrs {
		switch a.Name.Local {
		case "version", "name", "description":
		default:
			return nil, im.errAt(root, "sequence/@"+a.Name.Local, "refimage cannot keep the sequence attribute %s=%q", a.Name.Local, a.Value)
		}
	}
	seq := &sequence.Sequence{Version: sequence.FormatVersion, Name: root.attrOr("name", ""), Description: root.attrOr("description", ""), Kind: sequence.KindCustom}
	for _, c := range root.Comments {
		if err := applySeqExtras(seq, c); err != nil {
			return nil, im.errAt(root, "sequence", "%v", err)
		}
	}
	count := map[string]int{}
	for _, c := range root.Children {
		count[c.Name]++
		p := fmt.Sprintf("sequence/%s[%d]", c.Name, count[c.Name])
		switch c.Name {
		case "globalVarList":
			if err := im.noText(c, p); err != nil {
				return nil, err
			}
			seen := map[string]string{}
			for j, vn := range c.Children {
				vp := childPath(p, vn, j, c)
				if vn.Name != "variable" {
					return nil, im.errAt(vn, vp, "unexpected <%s> in the global variables", vn.Name)
				}
				name, ok := vn.attr("name")
				if !ok || strings.TrimSpace(name) == "" {
					return nil, im.errAt(vn, vp, "a variable without a name")
				}
				for _, a := range vn.Attrs {
					if a.Name.Local != "name" && a.Name.Local != "property" {
						return nil, im.errAt(vn, vp, "refimage cannot keep the attribute %s=%q of a global variable", a.Name.Local, a.Value)
					}
				}
				if len(vn.Children) > 0 {
					return nil, im.errAt(vn, vp, "a global variable holds text, not elements")
				}
				if prev, dup := seen[strings.ToLower(name)]; dup {
					return nil, im.errAt(vn, vp, "duplicate variable name %s (also at %s; names are case-insensitive)", name, prev)
				}
				seen[strings.ToLower(name)] = vp
				seq.Variables = append(seq.Variables, sequence.Variable{Name: name, Value: vn.Text})
			}
		case "referenceList":
			for _, r := range findAll(c, "reference") {
				if id := r.attrOr("package", ""); id != "" {
					if _, ok := im.opt.Packages.Path(id); !ok {
						im.missing[id] = true
					}
				}
			}
		case "group", "step":
		default:
			return nil, im.errAt(c, p, "unknown element <%s> in the sequence", c.Name)
		}
	}
	items, err := im.items(root, "sequence")
	if err != nil {
		return nil, err
	}
	seq.Steps = items
	return seq, nil
}

func (im *importer) items(parent *node, path string) ([]*sequence.Item, error) {
	var out []*sequence.Item
	seen := map[string]int{} // siblings of each name so far
	for _, c := range parent.Children {
		seen[c.Name]++
		if c.Name != "group" && c.Name != "step" {
			continue
		}
		p := fmt.Sprintf("%s/%s[%d]", path, c.Name, seen[c.Name])
		var it *sequence.Item
		var err error
		if c.Name == "group" {
			it, err = im.group(c, p)
		} else {
			it, err = im.step(c, p)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

func (im *importer) boolAttr(n *node, path, name string) (bool, error) {
	v, ok := n.attr(name)
	if !ok || strings.TrimSpace(v) == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, im.errAt(n, path+"/@"+name, "%q is not true or false", v)
	}
	return b, nil
}

// common reads what groups and steps share.
func (im *importer) common(n *node, path string, it *sequence.Item) error {
	name, ok := n.attr("name")
	if !ok || strings.TrimSpace(name) == "" {
		return im.errAt(n, path, "a %s without a name", n.Name)
	}
	it.Name = name
	it.Description = n.attrOr("description", "")
	var err error
	if it.Disabled, err = im.boolAttr(n, path, "disable"); err != nil {
		return err
	}
	if it.ContinueOnError, err = im.boolAttr(n, path, "continueOnError"); err != nil {
		return err
	}
	conds := 0
	for i, c := range n.Children {
		if c.Name != "condition" {
			continue
		}
		conds++
		_ = i
		p := path + "/condition"
		if conds > 1 {
			return im.errAt(c, p, "a second condition")
		}
		e, err := condFromXML(c, p, func(s string) { im.rep.Warnings = append(im.rep.Warnings, s) })
		if err != nil {
			if ce, ok := err.(*condError); ok {
				return &XMLError{File: im.file, Line: c.line, Path: ce.path, Msg: ce.msg}
			}
			return im.errAt(c, p, "%v", err)
		}
		if e != nil {
			it.Condition = condition.Format(e)
		}
	}
	return nil
}

// noText refuses text where a task sequence has only elements.
func (im *importer) noText(n *node, path string) error {
	if t := strings.TrimSpace(n.Text); t != "" {
		if len(t) > 40 {
			t = t[:40] + "…"
		}
		return im.errAt(n, path, "unexpected text %q in <%s>", t, n.Name)
	}
	return nil
}

func (im *importer) group(n *node, path string) (*sequence.Item, error) {
	if err := im.noText(n, path); err != nil {
		return nil, err
	}
	it := &sequence.Item{Type: sequence.GroupType}
	if err := im.common(n, path, it); err != nil {
		return nil, err
	}
	for _, a := range n.Attrs {
		switch a.Name.Local {
		case "name", "description", "disable", "continueOnError", "expand":
		default:
			return nil, im.errAt(n, path+"/@"+a.Name.Local, "refimage cannot keep the group attribute %s=%q", a.Name.Local, a.Value)
		}
	}
	for i, c := range n.Children {
		switch c.Name {
		case "group", "step", "condition":
		default:
			return nil, im.errAt(c, childPath(path, c, i, n), "unknown element <%s> in a group", c.Name)
		}
	}
	steps, err := im.items(n, path)
	if err != nil {
		return nil, err
	}
	it.Steps = steps
	return it, nil
}

func (im *importer) step(n *node, path string) (*sequence.Item, error) {
	class, ok := n.attr("type")
	if !ok || strings.TrimSpace(class) == "" {
		return nil, im.errAt(n, path, "a step without a type")
	}
	it := &sequence.Item{RunIn: sequence.RunInAny, SuccessCodes: append([]int(nil), sequence.DefaultSuccessCodes...)}
	if err := im.common(n, path, it); err != nil {
		return nil, err
	}
	if v, ok := n.attr("runIn"); ok && strings.TrimSpace(v) != "" {
		r, ok := runInFromXML(strings.TrimSpace(v))
		if !ok {
			return nil, im.errAt(n, path+"/@runIn", "runIn is WinPE, FullOS or WinPEandFullOS, not %q", v)
		}
		it.RunIn = r
	}
	if v, ok := n.attr("successCodeList"); ok && strings.TrimSpace(v) != "" {
		it.SuccessCodes = nil
		for _, f := range strings.Fields(v) {
			c, err := strconv.ParseInt(f, 10, 64)
			if err != nil || c < -2147483648 || c > 4294967295 {
				return nil, im.errAt(n, path+"/@successCodeList", "%q is not a list of exit codes", v)
			}
			it.SuccessCodes = append(it.SuccessCodes, int(c))
		}
	}
	for _, a := range []struct {
		name string
		set  func(int)
	}{
		{"retryCount", func(x int) { it.RetryCount = x }},
		{"timeout", func(x int) { it.Timeout = time.Duration(x) * time.Second }},
	} {
		if v, ok := n.attr(a.name); ok && strings.TrimSpace(v) != "" {
			x, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || x < 0 || x > 1<<30 {
				return nil, im.errAt(n, path+"/@"+a.name, "%q is not a number", v)
			}
			a.set(x)
		}
	}
	// Duplicate variables are bad input whatever the step.
	vars := map[string]string{}
	for i, c := range n.Children {
		if c.Name != "defaultVarList" {
			continue
		}
		lp := childPath(path, c, i, n)
		for j, vn := range c.Children {
			vp := childPath(lp, vn, j, c)
			if vn.Name != "variable" {
				return nil, im.errAt(vn, vp, "unexpected <%s> in the step's variables", vn.Name)
			}
			name, ok := vn.attr("name")
			if !ok || strings.TrimSpace(name) == "" {
				return nil, im.errAt(vn, vp, "a variable without a name")
			}
			if _, dup := vars[strings.ToLower(name)]; dup {
				return nil, im.errAt(vn, vp, "duplicate variable name %s in the step (names are case-insensitive)", name)
			}
			vars[strings.ToLower(name)] = vn.Text
		}
	}
	m := byClass[strings.ToLower(class)]
	if m == nil {
		return im.foreignStep(n, path, it, class, "refimage does not run this step type"), nil
	}
	d := &dec{vars: vars, pm: im.opt.Packages}
	props := m.toProps(d)
	if d.err != nil {
		return im.foreignStep(n, path, it, class, d.err.Error()), nil
	}
	si, _ := sequence.LookupStep(m.Type)
	mapped := *it
	mapped.Type = m.Type
	mapped.Props = props
	if strings.EqualFold(n.attrOr("runIn", m.RunIn), m.RunIn) {
		mapped.RunIn = si.RunIn[0]
	}
	// Lossless: the step written back must be the step read (with the
	// command line ConfigMgr or MDT writes for it).
	orig := canonical(n)
	diff := ""
	for _, mdt := range []bool{im.rep.Format == FormatMDT, im.rep.Format != FormatMDT} {
		back, _ := stepNode(&mapped, m, mdt, im.opt.Packages, path)
		if mapped.Condition != "" {
			if e, err := condition.Parse(mapped.Condition); err == nil {
				if c, err := condToXML(e); err == nil {
					back.Children = append(back.Children, c)
				}
			}
		}
		b := canonical(back)
		if b == orig {
			diff = ""
			break
		}
		if diff == "" {
			diff = firstDiff(orig, b)
		}
	}
	if diff != "" {
		return im.foreignStep(n, path, it, class, "it has settings refimage's "+m.Type+" step cannot hold ("+diff+")"), nil
	}
	for _, c := range n.Comments {
		if err := applyExtras(m.Type, props, c); err != nil {
			return nil, im.errAt(n, path, "%v", err)
		}
	}
	for _, id := range d.missing {
		if strings.Contains(fmt.Sprintf("%+v", props), PackagePrefix+id) {
			im.missing[id] = true
		}
	}
	im.rep.Steps++
	return &mapped, nil
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "read " + strings.TrimSpace(al[i]) + ", would write " + strings.TrimSpace(bl[i])
		}
	}
	if len(al) > len(bl) {
		return "read " + strings.TrimSpace(al[len(bl)])
	}
	return "would write " + strings.TrimSpace(bl[min(len(al), len(bl)-1)])
}

func (im *importer) foreignStep(n *node, path string, it *sequence.Item, class, why string) *sequence.Item {
	it.Type = sequence.ForeignType
	format := sequence.ForeignConfigMgr
	if im.rep.Format == FormatMDT {
		format = sequence.ForeignMDT
	}
	it.Props = &sequence.Foreign{Format: format, Class: class, XML: string(im.doc[n.start:n.end])}
	im.rep.Foreign = append(im.rep.Foreign, fmt.Sprintf("%s (%s): %s — kept, not run by refimage: %s", path, it.Name, class, why))
	return it
}

// ImportReportSequence is what ImportFile returns.
type ImportReportSequence struct {
	Seq    *Sequence
	Report *ImportReport
}

// Sequence is sequence.Sequence, for ImportReportSequence.
type Sequence = sequence.Sequence
