package interop

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/refimage/refimage/engine/sequence/condition"
)

// Condition expression classes.
const (
	clsVariable = "SMS_TaskSequence_VariableConditionExpression"
	clsWMI      = "SMS_TaskSequence_WMIConditionExpression"
	clsFile     = "SMS_TaskSequence_FileConditionExpression"
	clsFolder   = "SMS_TaskSequence_FolderConditionExpression"
	clsRegistry = "SMS_TaskSequence_RegistryConditionExpression"
	clsSoftware = "SMS_TaskSequence_SoftwareConditionExpression"
)

var opNames = map[string]condition.Op{
	"exists": condition.Exists, "notexists": condition.NotExists, "equals": condition.Eq, "notequals": condition.Ne,
	"less": condition.Lt, "lessequal": condition.Le, "greater": condition.Gt, "greaterequal": condition.Ge,
	"like": condition.Like, "notlike": condition.NotLike,
}

var opXML = map[condition.Op]string{
	condition.Exists: "exists", condition.NotExists: "notExists", condition.Eq: "equals", condition.Ne: "notEquals",
	condition.Lt: "less", condition.Le: "lessEqual", condition.Gt: "greater", condition.Ge: "greaterEqual",
	condition.Like: "like", condition.NotLike: "notLike",
}

// condError is a condition refimage cannot express, at its element path.
type condError struct {
	path string
	msg  string
}

func (e *condError) Error() string { return e.path + ": " + e.msg }

func cerr(path, format string, args ...any) error {
	return &condError{path: path, msg: fmt.Sprintf(format, args...)}
}

// condFromXML reads a <condition> element. The root's operands are an
// implicit "and": several become the infix form a and b; a single
// <operator type="and"> at the root becomes all(…) so that it comes back
// as written. Nested if statements use the infix form when they can.
// warn receives notes about conditions kept in another shape.
func condFromXML(n *node, path string, warn func(string)) (condition.Expr, error) {
	if err := condNoText(n, path); err != nil {
		return nil, err
	}
	items, err := condItems(n, path, warn)
	if err != nil {
		return nil, err
	}
	var e condition.Expr
	switch len(items) {
	case 0:
		return nil, nil
	case 1:
		e = items[0]
		if g, ok := e.(*condition.Group); ok && g.Op == condition.All && n.Children[0].Name == "operator" {
			g.Infix = false // all(…): not the root's implicit list
		}
	default:
		e = &condition.Group{Op: condition.All, Items: items, Infix: true}
	}
	keepNesting(e)
	// The condition must survive the text form of the TOML file.
	text := condition.Format(e)
	e2, perr := condition.Parse(text)
	if perr != nil {
		return nil, cerr(path, "this condition cannot be written in refimage's condition language (%v): %s", perr, text)
	}
	if condition.Format(e2) != text {
		return nil, cerr(path, "this condition does not keep its form in refimage's condition language: %s", text)
	}
	return e2, nil
}

// keepNesting writes an if statement nested in one of the same kind in
// the function form, so that the text does not flatten it: all(a, b) and c.
func keepNesting(e condition.Expr) {
	g, ok := e.(*condition.Group)
	if !ok {
		return
	}
	for _, it := range g.Items {
		if c, ok := it.(*condition.Group); ok {
			if g.Infix && c.Infix && c.Op == g.Op && c.Op != condition.None {
				c.Infix = false
			}
			keepNesting(c)
		}
	}
}

func childPath(path string, n *node, i int, parent *node) string {
	k := 0
	for j := 0; j <= i; j++ {
		if parent.Children[j].Name == n.Name {
			k++
		}
	}
	return fmt.Sprintf("%s/%s[%d]", path, n.Name, k)
}

func condItems(n *node, path string, warn func(string)) ([]condition.Expr, error) {
	var out []condition.Expr
	for i, c := range n.Children {
		p := childPath(path, c, i, n)
		e, err := condNode(c, p, warn)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// condNoText refuses text in a condition element (only its variables
// hold text).
func condNoText(n *node, path string) error {
	if t := strings.TrimSpace(n.Text); t != "" {
		return cerr(path, "unexpected text %q in <%s>", t, n.Name)
	}
	allowed := map[string]string{"condition": "", "operator": "type", "expression": "type", "osConditionGroup": "type", "osExpressionGroup": "name"}
	for _, a := range n.Attrs {
		if !strings.EqualFold(a.Name.Local, allowed[n.Name]) {
			return cerr(path, "refimage cannot keep the attribute %s=%q of <%s>", a.Name.Local, a.Value, n.Name)
		}
	}
	return nil
}

func condNode(n *node, path string, warn func(string)) (condition.Expr, error) {
	if err := condNoText(n, path); err != nil {
		return nil, err
	}
	switch n.Name {
	case "operator":
		items, err := condItems(n, path, warn)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return nil, cerr(path, "an empty if statement (an operator with no conditions)")
		}
		switch t := strings.ToLower(n.attrOr("type", "")); t {
		case "and":
			return &condition.Group{Op: condition.All, Items: items, Infix: len(items) >= 2}, nil
		case "or":
			return &condition.Group{Op: condition.Any, Items: items, Infix: len(items) >= 2}, nil
		case "not":
			if len(items) == 1 {
				// not (file exists) is refimage's file(…) not exists, not
				// (X like p) is X not like p.
				switch x := items[0].(type) {
				case *condition.FileTest:
					if x.Attr == condition.AttrExists && x.Op == condition.Exists {
						x.Op = condition.NotExists
						return x, nil
					}
				case *condition.FolderTest:
					if x.Attr == condition.AttrExists && x.Op == condition.Exists {
						x.Op = condition.NotExists
						return x, nil
					}
				case *condition.VarTest:
					if x.Op == condition.Like {
						x.Op = condition.NotLike
						return x, nil
					}
				}
				return &condition.Group{Op: condition.None, Items: items, Infix: true}, nil
			}
			return &condition.Group{Op: condition.None, Items: items}, nil
		default:
			return nil, cerr(path, "operator type is and, or or not, not %q", t)
		}
	case "expression":
		return exprFromXML(n, path)
	case "osConditionGroup":
		return osFromXML(n, path, warn)
	}
	return nil, cerr(path, "unknown condition element <%s>", n.Name)
}

// exprVars reads the <variable name="…"> children of an expression.
func exprVars(n *node, path string) (map[string]string, error) {
	m := map[string]string{}
	for i, c := range n.Children {
		p := childPath(path, c, i, n)
		if c.Name != "variable" {
			return nil, cerr(p, "unexpected <%s> in an expression", c.Name)
		}
		name, ok := c.attr("name")
		if !ok {
			return nil, cerr(p, "a variable without a name")
		}
		if len(c.Attrs) != 1 || len(c.Children) > 0 {
			return nil, cerr(p, "a condition variable has a name and a value, nothing else")
		}
		if _, dup := m[strings.ToLower(name)]; dup {
			return nil, cerr(p, "duplicate variable %s in the expression", name)
		}
		m[strings.ToLower(name)] = c.Text
	}
	return m, nil
}

func opOf(path, what, s string) (condition.Op, error) {
	op, ok := opNames[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		return 0, cerr(path, "unknown %s operator %q", what, s)
	}
	return op, nil
}

func exprFromXML(n *node, path string) (condition.Expr, error) {
	typ := n.attrOr("type", "")
	v, err := exprVars(n, path)
	if err != nil {
		return nil, err
	}
	switch typ {
	case clsVariable:
		op, err := opOf(path, "variable", v["operator"])
		if err != nil {
			return nil, err
		}
		t := &condition.VarTest{Name: v["variable"], Op: op}
		if op != condition.Exists && op != condition.NotExists {
			t.Value = v["value"]
		}
		return t, nil
	case clsWMI:
		ns := v["namespace"]
		if strings.EqualFold(ns, condition.DefaultNamespace) {
			ns = ""
		}
		return &condition.WMITest{Query: v["query"], Namespace: ns}, nil
	case clsFile, clsFolder:
		hasVer, hasDate := v["version"] != "", v["datetime"] != ""
		if typ == clsFolder && hasVer {
			return nil, cerr(path, "a folder condition has no version")
		}
		mk := func(attr condition.Attr, op condition.Op, val string) condition.Expr {
			if typ == clsFile {
				return &condition.FileTest{Path: v["path"], Attr: attr, Op: op, Value: val}
			}
			return &condition.FolderTest{Path: v["path"], Attr: attr, Op: op, Value: val}
		}
		var items []condition.Expr
		if hasVer {
			op, err := opOf(path, "version", v["versionoperator"])
			if err != nil {
				return nil, err
			}
			items = append(items, mk(condition.AttrVersion, op, v["version"]))
		}
		if hasDate {
			op, err := opOf(path, "date", v["datetimeoperator"])
			if err != nil {
				return nil, err
			}
			d, err := dateFromXML(v["datetime"])
			if err != nil {
				return nil, cerr(path, "%v", err)
			}
			items = append(items, mk(condition.AttrDate, op, d))
		}
		switch len(items) {
		case 0:
			return mk(condition.AttrExists, condition.Exists, ""), nil
		case 1:
			return items[0], nil
		}
		return &condition.Group{Op: condition.All, Items: items, Infix: true}, nil
	case clsRegistry:
		op, err := opOf(path, "registry", v["operator"])
		if err != nil {
			return nil, err
		}
		key := v["keypath"]
		if r := v["rootkey"]; r != "" { // some writers keep the hive apart
			key = joinPath(r, key)
		}
		t := &condition.RegistryTest{Key: key, Value: v["value"], Type: v["type"], Op: op}
		if op != condition.Exists && op != condition.NotExists {
			t.Data = v["data"]
		}
		return t, nil
	case clsSoftware:
		t := &condition.SoftwareTest{Name: v["productname"]}
		switch strings.ToLower(v["operator"]) {
		case "anyversion":
			t.UpgradeCode = v["upgradecode"]
		case "thisversion", "":
			t.ProductCode, t.Version = v["productcode"], v["version"]
		default:
			return nil, cerr(path, "software operator is AnyVersion or ThisVersion, not %q", v["operator"])
		}
		return t, nil
	}
	return nil, cerr(path, "refimage cannot express a condition of type %q", typ)
}

// dateFromXML reads a WMI date (yyyymmddHHMMSS.mmmmmm+UUU, the offset in
// minutes) or an ISO date, giving RFC 3339 in UTC.
func dateFromXML(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 14 && isDigits(s[:14]) {
		t, err := time.Parse("20060102150405", s[:14])
		if err != nil {
			return "", fmt.Errorf("bad date %q", s)
		}
		rest := s[14:]
		if strings.HasPrefix(rest, ".") {
			j := 1
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			if frac := rest[1:j]; frac != "" {
				f, _ := strconv.ParseFloat("0."+frac, 64)
				t = t.Add(time.Duration(f * float64(time.Second)).Round(time.Microsecond))
			}
			rest = rest[j:]
		}
		if rest != "" {
			if len(rest) < 2 || (rest[0] != '+' && rest[0] != '-') || !isDigits(rest[1:]) {
				return "", fmt.Errorf("bad date %q (want yyyymmddHHMMSS.mmmmmm+UUU)", s)
			}
			m, _ := strconv.Atoi(rest[1:])
			if rest[0] == '+' {
				t = t.Add(-time.Duration(m) * time.Minute)
			} else {
				t = t.Add(time.Duration(m) * time.Minute)
			}
		}
		return t.UTC().Format(time.RFC3339Nano), nil
	}
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC().Format(time.RFC3339Nano), nil
		}
	}
	return "", fmt.Errorf("bad date %q (want yyyymmddHHMMSS.mmmmmm+UUU)", s)
}

// dateToXML writes a WMI date in UTC.
func dateToXML(s string) (string, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return "", fmt.Errorf("bad date %q", s)
	}
	t = t.UTC()
	return t.Format("20060102150405") + fmt.Sprintf(".%06d+000", t.Nanosecond()/1000), nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Platform WMI queries of the operating system condition refimage writes.
func platformQueries(p condition.Platform) []string {
	os := fmt.Sprintf("SELECT * FROM Win32_OperatingSystem WHERE BuildNumber >= '%d'", p.MinBuild)
	if p.MaxBuild > 0 {
		os += fmt.Sprintf(" AND BuildNumber <= '%d'", p.MaxBuild)
	}
	if p.Server {
		os += " AND ProductType <> 1"
	} else {
		os += " AND ProductType = 1"
	}
	arch := "SELECT * FROM Win32_Processor WHERE AddressWidth = 64 AND Architecture = 9"
	switch p.Arch {
	case "x86":
		arch = "SELECT * FROM Win32_Processor WHERE AddressWidth = 32"
	case "arm64":
		arch = "SELECT * FROM Win32_Processor WHERE Architecture = 12"
	}
	return []string{os, arch}
}

func osFromXML(n *node, path string, warn func(string)) (condition.Expr, error) {
	var names []string
	var alts []condition.Expr
	known := true
	for i, c := range n.Children {
		p := childPath(path, c, i, n)
		if c.Name != "osExpressionGroup" {
			return nil, cerr(p, "unexpected <%s> in an operating system condition", c.Name)
		}
		if err := condNoText(c, p); err != nil {
			return nil, err
		}
		name := c.attrOr("name", c.attrOr("Name", ""))
		canon := ""
		for _, pl := range condition.Platforms {
			if strings.EqualFold(pl.Name, name) {
				canon = pl.Name
			}
		}
		if canon == "" {
			known = false
		}
		names = append(names, canon)
		var qs []condition.Expr
		for j, q := range c.Children {
			e, err := condNode(q, childPath(p, q, j, c), warn)
			if err != nil {
				return nil, err
			}
			qs = append(qs, e)
		}
		switch len(qs) {
		case 0:
			return nil, cerr(p, "the platform %q has no queries", name)
		case 1:
			alts = append(alts, qs[0])
		default:
			alts = append(alts, &condition.Group{Op: condition.All, Items: qs, Infix: true})
		}
	}
	if len(names) == 0 {
		return nil, cerr(path, "an operating system condition with no platform")
	}
	if known {
		return &condition.OSPlatformTest{Platforms: names}, nil
	}
	warn(path + ": refimage does not know every platform of this operating system condition; it is kept as the WMI queries ConfigMgr runs for it")
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &condition.Group{Op: condition.Any, Items: alts, Infix: true}, nil
}

// condToXML writes a condition as a <condition> element. A root infix
// "and" becomes the root's implicit list.
func condToXML(e condition.Expr) (*node, error) {
	root := &node{Name: "condition"}
	if g, ok := e.(*condition.Group); ok && g.Op == condition.All && g.Infix && len(g.Items) >= 2 && !fileDatePair(g) {
		for _, it := range g.Items {
			c, err := condExprToXML(it)
			if err != nil {
				return nil, err
			}
			root.Children = append(root.Children, c)
		}
		return root, nil
	}
	c, err := condExprToXML(e)
	if err != nil {
		return nil, err
	}
	root.Children = []*node{c}
	return root, nil
}

// fileDatePair reports whether g is file(p).version op v and file(p).date op d:
// one ConfigMgr file expression.
func fileDatePair(g *condition.Group) bool {
	if g.Op != condition.All || len(g.Items) != 2 {
		return false
	}
	a, ok1 := g.Items[0].(*condition.FileTest)
	b, ok2 := g.Items[1].(*condition.FileTest)
	return ok1 && ok2 && a.Path == b.Path && a.Attr == condition.AttrVersion && b.Attr == condition.AttrDate
}

func expr(typ string, kv ...string) *node {
	n := &node{Name: "expression", Attrs: nil}
	n.setAttr("type", typ)
	for i := 0; i+1 < len(kv); i += 2 {
		v := &node{Name: "variable", Text: kv[i+1]}
		v.setAttr("name", kv[i])
		n.Children = append(n.Children, v)
	}
	return n
}

func condExprToXML(e condition.Expr) (*node, error) {
	switch x := e.(type) {
	case *condition.Group:
		if fileDatePair(x) {
			a, b := x.Items[0].(*condition.FileTest), x.Items[1].(*condition.FileTest)
			d, err := dateToXML(b.Value)
			if err != nil {
				return nil, err
			}
			return expr(clsFile, "Path", a.Path, "Version", a.Value, "VersionOperator", opXML[a.Op], "DateTime", d, "DateTimeOperator", opXML[b.Op]), nil
		}
		op := map[condition.GroupOp]string{condition.All: "and", condition.Any: "or", condition.None: "not"}[x.Op]
		n := &node{Name: "operator"}
		n.setAttr("type", op)
		for _, it := range x.Items {
			c, err := condExprToXML(it)
			if err != nil {
				return nil, err
			}
			n.Children = append(n.Children, c)
		}
		return n, nil
	case *condition.VarTest:
		if x.Op == condition.NotLike {
			n := &node{Name: "operator"}
			n.setAttr("type", "not")
			n.Children = []*node{expr(clsVariable, "Variable", x.Name, "Operator", "like", "Value", x.Value)}
			return n, nil
		}
		if x.Op == condition.Exists || x.Op == condition.NotExists {
			return expr(clsVariable, "Variable", x.Name, "Operator", opXML[x.Op]), nil
		}
		return expr(clsVariable, "Variable", x.Name, "Operator", opXML[x.Op], "Value", x.Value), nil
	case *condition.WMITest:
		ns := x.Namespace
		if ns == "" {
			ns = condition.DefaultNamespace
		}
		return expr(clsWMI, "Namespace", ns, "Query", x.Query), nil
	case *condition.FileTest:
		return fileFolderToXML(clsFile, x.Path, x.Attr, x.Op, x.Value)
	case *condition.FolderTest:
		return fileFolderToXML(clsFolder, x.Path, x.Attr, x.Op, x.Value)
	case *condition.RegistryTest:
		kv := []string{"KeyPath", x.Key, "Value", x.Value}
		if x.Type != "" {
			kv = append(kv, "Type", x.Type)
		}
		kv = append(kv, "Operator", opXML[x.Op])
		if x.Op != condition.Exists && x.Op != condition.NotExists {
			kv = append(kv, "Data", x.Data)
		}
		return expr(clsRegistry, kv...), nil
	case *condition.SoftwareTest:
		if x.UpgradeCode != "" {
			return expr(clsSoftware, "Operator", "AnyVersion", "UpgradeCode", x.UpgradeCode, "ProductName", x.Name), nil
		}
		return expr(clsSoftware, "Operator", "ThisVersion", "ProductCode", x.ProductCode, "Version", x.Version, "ProductName", x.Name), nil
	case *condition.OSPlatformTest:
		n := &node{Name: "osConditionGroup"}
		n.setAttr("type", "or")
		for _, name := range x.Platforms {
			g := &node{Name: "osExpressionGroup"}
			g.setAttr("name", name)
			for _, pl := range condition.Platforms {
				if pl.Name == name {
					for _, q := range platformQueries(pl) {
						g.Children = append(g.Children, expr(clsWMI, "Namespace", condition.DefaultNamespace, "Query", q))
					}
				}
			}
			n.Children = append(n.Children, g)
		}
		return n, nil
	case *condition.OSVersionTest:
		return nil, fmt.Errorf("os.version %s %q has no ConfigMgr condition (its OS condition is a platform list): use os.platform or a wmi(…) query", x.Op, x.Version)
	case *condition.OSLanguageTest:
		return nil, fmt.Errorf("os.language has no condition in ConfigMgr's task sequence XML that refimage can write: use wmi(\"SELECT * FROM Win32_OperatingSystem WHERE OSLanguage = …\")")
	}
	return nil, fmt.Errorf("a condition refimage cannot write: %s", condition.Format(e))
}

func fileFolderToXML(cls, path string, attr condition.Attr, op condition.Op, value string) (*node, error) {
	switch attr {
	case condition.AttrVersion:
		return expr(cls, "Path", path, "Version", value, "VersionOperator", opXML[op]), nil
	case condition.AttrDate:
		d, err := dateToXML(value)
		if err != nil {
			return nil, err
		}
		return expr(cls, "Path", path, "DateTime", d, "DateTimeOperator", opXML[op]), nil
	}
	e := expr(cls, "Path", path)
	if op == condition.NotExists {
		n := &node{Name: "operator"}
		n.setAttr("type", "not")
		n.Children = []*node{e}
		return n, nil
	}
	return e, nil
}

func platformByName(name string) (string, bool) {
	for _, pl := range condition.Platforms {
		if strings.EqualFold(pl.Name, name) {
			return pl.Name, true
		}
	}
	return "", false
}
