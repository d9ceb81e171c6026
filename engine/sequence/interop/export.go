package interop

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
)

// Export formats.
const (
	FormatConfigMgr = "configmgr"
	FormatMDT       = "mdt"
)

// ExportOptions control Export.
type ExportOptions struct {
	Format   string      // FormatConfigMgr (default) or FormatMDT
	Packages *PackageMap // paths → package IDs
}

// ExportReport says what an export could not carry over.
type ExportReport struct {
	// Notes are properties left out or package paths without an ID, each
	// with the step's element path.
	Notes []string
	// Secrets are the secrets the steps need; the XML never holds them.
	Secrets []SecretVar
	// Packages are the package IDs the sequence refers to.
	Packages []string
}

// Export writes the sequence as task sequence XML: ConfigMgr's
// <sequence version="3.10"> or an MDT ts.xml (version 3.00). Secrets are
// never written. An error means the sequence has something the format
// cannot hold (a condition, a foreign step that does not parse).
func Export(seq *sequence.Sequence, opt ExportOptions) ([]byte, *ExportReport, error) {
	root, rep, err := exportTree(seq, opt)
	if err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	writeXML(&b, root, 0)
	return b.Bytes(), rep, nil
}

type exporter struct {
	opt  ExportOptions
	rep  *ExportReport
	pkgs map[string]bool
}

func exportTree(seq *sequence.Sequence, opt ExportOptions) (*node, *ExportReport, error) {
	if opt.Format == "" {
		opt.Format = FormatConfigMgr
	}
	if opt.Format != FormatConfigMgr && opt.Format != FormatMDT {
		return nil, nil, fmt.Errorf("the format is configmgr or mdt, not %q", opt.Format)
	}
	x := &exporter{opt: opt, rep: &ExportReport{}, pkgs: map[string]bool{}}
	root := &node{Name: "sequence"}
	version := "3.10"
	if opt.Format == FormatMDT {
		version = "3.00"
	}
	root.setAttr("version", version)
	if c := seqExtras(seq); c != "" {
		root.Comments = append(root.Comments, c)
	}
	root.setAttr("name", seq.Name)
	if seq.Description != "" {
		root.setAttr("description", seq.Description)
	}
	if len(seq.Variables) > 0 {
		gl := &node{Name: "globalVarList"}
		for _, v := range seq.Variables {
			vn := &node{Name: "variable", Text: v.Value}
			vn.setAttr("name", v.Name)
			vn.setAttr("property", v.Name)
			gl.Children = append(gl.Children, vn)
		}
		root.Children = append(root.Children, gl)
	}
	if err := x.items(root, "sequence", seq.Steps); err != nil {
		return nil, nil, err
	}
	for id := range x.pkgs {
		x.rep.Packages = append(x.rep.Packages, id)
	}
	sortStrings(x.rep.Packages)
	return root, x.rep, nil
}

func (x *exporter) items(parent *node, path string, items []*sequence.Item) error {
	for _, it := range items {
		name := "step"
		if it.IsGroup() {
			name = "group"
		}
		k := 1
		for _, c := range parent.Children {
			if c.Name == name {
				k++
			}
		}
		p := fmt.Sprintf("%s/%s[%d]", path, name, k)
		var n *node
		var err error
		if it.IsGroup() {
			n = &node{Name: "group"}
			n.setAttr("name", it.Name)
			n.setAttr("description", it.Description)
			n.setAttr("expand", "true")
			n.setAttr("disable", strconv.FormatBool(it.Disabled))
			n.setAttr("continueOnError", strconv.FormatBool(it.ContinueOnError))
			if err := x.condition(n, p, it); err != nil {
				return err
			}
			if err := x.items(n, p, it.Steps); err != nil {
				return err
			}
		} else {
			n, err = x.step(p, it)
			if err != nil {
				return err
			}
		}
		parent.Children = append(parent.Children, n)
	}
	return nil
}

func (x *exporter) condition(n *node, path string, it *sequence.Item) error {
	if strings.TrimSpace(it.Condition) == "" {
		return nil
	}
	e, err := condition.Parse(it.Condition)
	if err != nil {
		return fmt.Errorf("%s (%s): condition: %v", path, it.Name, err)
	}
	c, err := condToXML(e)
	if err != nil {
		return fmt.Errorf("%s/condition (%s): %v", path, it.Name, err)
	}
	// The condition goes before the children of a group, after the
	// action of a step (where ConfigMgr writes it).
	if n.Name == "group" {
		n.Children = append([]*node{c}, n.Children...)
	} else {
		n.Children = append(n.Children, c)
	}
	return nil
}

func (x *exporter) stepAttrs(n *node, it *sequence.Item, class, classRunIn string) {
	n.setAttr("type", class)
	n.setAttr("name", it.Name)
	n.setAttr("description", it.Description)
	n.setAttr("disable", strconv.FormatBool(it.Disabled))
	n.setAttr("continueOnError", strconv.FormatBool(it.ContinueOnError))
	runIn := runInToXML(it.RunIn)
	if si, ok := sequence.LookupStep(it.Type); ok && it.RunIn == si.RunIn[0] && classRunIn != "" {
		runIn = classRunIn
	}
	n.setAttr("runIn", runIn)
	codes := make([]string, len(it.SuccessCodes))
	for i, c := range it.SuccessCodes {
		codes[i] = strconv.Itoa(c)
	}
	n.setAttr("successCodeList", strings.Join(codes, " "))
	if it.RetryCount > 0 {
		n.setAttr("retryCount", strconv.Itoa(it.RetryCount))
	} else {
		n.delAttr("retryCount")
	}
	if it.Timeout > 0 {
		n.setAttr("timeout", strconv.Itoa(int(it.Timeout.Seconds())))
	} else {
		n.delAttr("timeout")
	}
}

func (x *exporter) step(path string, it *sequence.Item) (*node, error) {
	if f, ok := it.Props.(*sequence.Foreign); ok {
		return x.foreign(path, it, f)
	}
	m := byType[it.Type]
	if m == nil {
		return nil, fmt.Errorf("%s (%s): no ConfigMgr step for type %q", path, it.Name, it.Type)
	}
	n, e := stepNode(it, m, x.opt.Format == FormatMDT, x.opt.Packages, path)
	// What the XML cannot hold goes into a refimage comment.
	d := &dec{vars: map[string]string{}, pm: x.opt.Packages}
	for _, v := range e.vars {
		if v.Value != "" {
			d.vars[strings.ToLower(v.Name)] = v.Value
		}
	}
	for _, s := range e.secrets {
		d.vars[strings.ToLower(s.Variable)] = ""
	}
	if got := m.toProps(d); d.err == nil {
		if c := extrasFor(it.Type, it.Props, got); c != "" {
			n.Comments = append(n.Comments, c)
		}
	}
	if err := x.condition(n, path, it); err != nil {
		return nil, err
	}
	for _, s := range e.notes {
		x.rep.Notes = append(x.rep.Notes, fmt.Sprintf("%s (%s): %s", path, it.Name, s))
	}
	x.rep.Secrets = append(x.rep.Secrets, e.secrets...)
	for _, v := range e.vars {
		if strings.HasSuffix(strings.ToLower(v.Name), "packageid") || strings.EqualFold(v.Name, "ConfigFilePackage") {
			if v.Value != "" {
				x.pkgs[v.Value] = true
			}
		}
	}
	return n, nil
}

// stepNode builds the <step> element of a mapped step, without its
// condition.
func stepNode(it *sequence.Item, m *mapping, mdt bool, pm *PackageMap, path string) (*node, *enc) {
	e := &enc{pm: pm, path: path, mdt: mdt}
	m.toVars(e, it)
	n := &node{Name: "step"}
	x := &exporter{}
	x.stepAttrs(n, it, m.Class, m.RunIn)
	if len(e.vars) > 0 {
		dl := &node{Name: "defaultVarList"}
		for _, v := range e.vars {
			if v.Value == "" {
				continue
			}
			vn := &node{Name: "variable", Text: v.Value}
			vn.setAttr("name", v.Name)
			vn.setAttr("property", v.Prop)
			dl.Children = append(dl.Children, vn)
		}
		if len(dl.Children) > 0 {
			n.Children = append(n.Children, dl)
		}
	}
	action := m.action(e)
	if mdt && m.mdtAction != nil {
		action = m.mdtAction(e)
	}
	n.Children = append(n.Children, &node{Name: "action", Text: action})
	return n, e
}

// foreign gives back the kept <step> with the attributes and condition
// refimage lets one edit.
func (x *exporter) foreign(path string, it *sequence.Item, f *sequence.Foreign) (*node, error) {
	n, _, err := parseXML(path, []byte(f.XML))
	if err != nil {
		return nil, fmt.Errorf("%s (%s): the kept XML of this foreign step: %v", path, it.Name, err)
	}
	if n.Name != "step" {
		return nil, fmt.Errorf("%s (%s): the kept XML of this foreign step is a <%s>, not a <step>", path, it.Name, n.Name)
	}
	runIn := n.attrOr("runIn", "")
	x.stepAttrs(n, it, n.attrOr("type", f.Class), "")
	if runIn == "" && it.RunIn == sequence.RunInAny {
		n.delAttr("runIn")
	}
	kids := n.Children[:0]
	for _, c := range n.Children {
		if c.Name != "condition" {
			kids = append(kids, c)
		}
	}
	n.Children = kids
	if err := x.condition(n, path, it); err != nil {
		return nil, err
	}
	if (x.opt.Format == FormatMDT) != (f.Format == sequence.ForeignMDT) {
		x.rep.Notes = append(x.rep.Notes, fmt.Sprintf("%s (%s): this %s step came from %s and is written as it was", path, it.Name, f.Class, foreignName(f.Format)))
	}
	for _, v := range findAll(n, "variable") {
		if strings.HasSuffix(strings.ToLower(v.attrOr("name", "")), "packageid") && strings.TrimSpace(v.Text) != "" {
			x.pkgs[strings.TrimSpace(v.Text)] = true
		}
	}
	return n, nil
}

func foreignName(f string) string {
	if f == sequence.ForeignMDT {
		return "MDT"
	}
	return "Configuration Manager"
}

func findAll(n *node, name string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(n *node) {
		if n.Name == name {
			out = append(out, n)
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(n)
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
