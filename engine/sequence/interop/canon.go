package interop

import (
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/internal/lazyre"
)

// Canonical form of task sequence XML, for comparing two trees "as parsed":
// attribute order, white space, attributes and variables at their default
// values, the editor's expand state, `property` names of variables, the
// reference list (the site recomputes it), secrets (never exported), and
// the WMI queries inside a known operating system platform are set aside;
// condition values compare case-insensitively, as ConfigMgr compares them.
func canonical(n *node) string {
	var b strings.Builder
	canon(&b, n, "", 0)
	return b.String()
}

var secretVars = map[string]bool{
	"osdlocaladminpassword": true, "osdjoinpassword": true, "osdcaptureaccountpassword": true,
	"osdproductkey": true, "smstsruncommandlineuserpassword": true,
}

var stepDefaults = map[string]string{
	"description": "", "disable": "false", "continueonerror": "false", "successcodelist": "0 3010",
	"retrycount": "0", "timeout": "0",
}

var indexed = lazyre.New(`(?i)^(OSDPartitions|OSDApp)\d+`)

// varDefaults are the default values of the variables refimage writes,
// by lower-case name (array indexes replaced by N). Built on first use:
// it encodes a step of every type, a cost every start of the program
// paid (`refimage wim info` included) when it was built at init.
var varDefaults = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, m := range mappings {
		it := sequence.NewStep(m.Type)
		if pd, ok := it.Props.(*sequence.PartitionDisk); ok {
			pd.Partitions = []sequence.Partition{{Type: "primary", SizeUnit: "mb", QuickFormat: true, AssignLetter: true, Size: 1}}
		}
		if ia, ok := it.Props.(*sequence.InstallApplications); ok {
			ia.Applications = []sequence.Application{{Name: "x", Source: ApplicationPrefix + "x"}}
		}
		e := &enc{}
		m.toVars(e, it)
		for _, v := range e.vars {
			out[varKey(v.Name)] = v.def
		}
	}
	return out
})

func varKey(name string) string {
	return strings.ToLower(indexed.ReplaceAllString(name, "${1}N"))
}

func canon(b *strings.Builder, n *node, parent string, depth int) {
	ind := strings.Repeat(" ", depth)
	attrs := map[string]string{}
	for _, a := range n.Attrs {
		attrs[strings.ToLower(a.Name.Local)] = a.Value
	}
	if n.Name == "group" || n.Name == "step" || n.Name == "sequence" {
		for k, v := range attrs {
			switch {
			case strings.TrimSpace(v) == "":
				delete(attrs, k) // an empty attribute is an absent one
			case k == "disable" || k == "continueonerror" || k == "runin":
				attrs[k] = strings.ToLower(strings.TrimSpace(v)) // True = true
				switch attrs[k] {
				case "0":
					attrs[k] = "false"
				case "1":
					attrs[k] = "true"
				}
			case k == "successcodelist" || k == "retrycount" || k == "timeout":
				f := strings.Fields(v)
				for i, x := range f {
					if n, err := strconv.ParseInt(x, 10, 64); err == nil {
						f[i] = strconv.FormatInt(n, 10) // 00 is 0
					}
				}
				attrs[k] = strings.Join(f, " ")
			}
		}
	}
	switch n.Name {
	case "sequence":
		delete(attrs, "version") // 3.00 or 3.10; a ConfigMgr export writes 3.10, MDT 3.00
	case "group":
		delete(attrs, "expand")
		for k, d := range stepDefaults {
			if attrs[k] == d {
				delete(attrs, k)
			}
		}
	case "step":
		for k, d := range stepDefaults {
			if v, ok := attrs[k]; ok && strings.EqualFold(strings.TrimSpace(v), d) {
				delete(attrs, k)
			}
		}
		if m := byClass[strings.ToLower(attrs["type"])]; m != nil && attrs["runin"] == strings.ToLower(m.RunIn) {
			delete(attrs, "runin")
		}
	case "variable":
		delete(attrs, "property")
		attrs["name"] = strings.ToLower(attrs["name"]) // names are case-insensitive
	case "osExpressionGroup":
		if attrs["name"] == "" {
			attrs["name"] = attrs["Name"]
		}
	}
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString(ind + "<" + n.Name)
	for _, k := range keys {
		v := attrs[k]
		if k == "type" && n.Name != "step" {
			v = strings.ToLower(v)
		}
		b.WriteString(" " + k + "=" + quoteCanon(v))
	}
	b.WriteString(">")
	text := strings.TrimSpace(n.Text)
	if parent == "defaultVarList" && (strings.EqualFold(text, "true") || strings.EqualFold(text, "false")) {
		text = strings.ToLower(text) // ConfigMgr reads True and true alike
	}
	if parent == "expression" {
		if strings.EqualFold(attrs["name"], "DateTime") {
			if d, err := dateFromXML(text); err == nil {
				text = d // the same instant, whatever the offset
			}
		}
		text = strings.ToLower(text)
	}
	if text != "" {
		b.WriteString(quoteCanon(text))
	}
	b.WriteString("\n")
	kids := n.Children
	switch n.Name {
	case "defaultVarList":
		kids = nil
		for _, c := range n.Children {
			name := strings.ToLower(c.attrOr("name", ""))
			if secretVars[name] {
				continue
			}
			v := strings.TrimSpace(c.Text)
			if d, ok := varDefaults()[varKey(name)]; v == "" || ok && strings.EqualFold(v, d) {
				continue
			}
			kids = append(kids, c)
		}
		sort.SliceStable(kids, func(i, j int) bool {
			return strings.ToLower(kids[i].attrOr("name", "")) < strings.ToLower(kids[j].attrOr("name", ""))
		})
	case "expression":
		kids = nil
		for _, c := range n.Children {
			// A comparison's missing Value is an empty one; an empty
			// variable without a name says nothing.
			if nm := strings.TrimSpace(c.attrOr("name", "")); (nm == "" || strings.EqualFold(nm, "Value")) && strings.TrimSpace(c.Text) == "" && len(c.Children) == 0 {
				continue
			}
			kids = append(kids, c)
		}
		sort.SliceStable(kids, func(i, j int) bool {
			return strings.ToLower(kids[i].attrOr("name", "")) < strings.ToLower(kids[j].attrOr("name", ""))
		})
	case "osExpressionGroup":
		if _, known := platformByName(attrs["name"]); known {
			kids = nil
		}
	case "sequence":
		kids = nil
		for _, c := range n.Children {
			if c.Name != "referenceList" {
				kids = append(kids, c)
			}
		}
	case "step", "group":
		// Where the condition, the variables and the action sit among
		// the children does not matter.
		rank := map[string]int{"defaultVarList": 0, "action": 1, "condition": 2}
		kids = append([]*node(nil), n.Children...)
		sort.SliceStable(kids, func(i, j int) bool {
			ri, ok1 := rank[kids[i].Name]
			rj, ok2 := rank[kids[j].Name]
			if !ok1 {
				ri = 3
			}
			if !ok2 {
				rj = 3
			}
			return ri < rj
		})
	}
	for _, c := range kids {
		if c.Name == "condition" && len(c.Children) == 0 && strings.TrimSpace(c.Text) == "" {
			continue // an empty condition is no condition
		}
		c = expandUnknownOS(c)
		p := c.Name
		if n.Name == "expression" || n.Name == "defaultVarList" {
			p = n.Name
		}
		canon(b, c, p, depth+1)
	}
}

func quoteCanon(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// expandUnknownOS gives an operating system condition whose platforms
// refimage does not know in the form an import gives it: the WMI queries
// ConfigMgr runs for it (the same meaning).
func expandUnknownOS(n *node) *node {
	if n.Name != "osConditionGroup" {
		return n
	}
	for _, g := range n.Children {
		if _, ok := platformByName(g.attrOr("name", g.attrOr("Name", ""))); !ok {
			e, err := osFromXML(n, "", func(string) {})
			if err != nil {
				return n
			}
			if x, err := condExprToXML(e); err == nil {
				return x
			}
			return n
		}
	}
	return n
}
