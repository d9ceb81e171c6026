package condition

import (
	"strings"

	"github.com/refimage/refimage/internal/lazyre"
)

// Quote writes s as a string of the condition language: in double quotes,
// with a double quote inside written twice. Backslashes stay as they are.
func Quote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

var numberRE = lazyre.New(`^-?[0-9]+(\.[0-9]+)*$`)

// formatValue writes a comparison value: numbers bare, everything else
// quoted.
func formatValue(s string) string {
	if numberRE.MatchString(s) {
		return s
	}
	return Quote(s)
}

// Format returns the canonical text of e: keywords in lower case, single
// spaces, strings in double quotes, operators as ==, !=, <, <=, >, >=.
// Parse(Format(e)) is equal to e for every e that Parse returns.
func Format(e Expr) string {
	var b strings.Builder
	format(&b, e)
	return b.String()
}

// infix reports whether g is written with and / or / not.
func infix(g *Group) bool {
	if !g.Infix {
		return false
	}
	if g.Op == None {
		return len(g.Items) == 1
	}
	return len(g.Items) >= 2
}

func format(b *strings.Builder, e Expr) {
	switch x := e.(type) {
	case nil:
		b.WriteString("<nil>")
	case *Group:
		if infix(x) {
			formatInfix(b, x)
			return
		}
		b.WriteString(x.Op.String())
		b.WriteByte('(')
		for i, it := range x.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			format(b, it)
		}
		b.WriteByte(')')
	case *VarTest:
		b.WriteString(x.Name)
		b.WriteByte(' ')
		b.WriteString(x.Op.String())
		if x.Op != Exists && x.Op != NotExists {
			b.WriteByte(' ')
			b.WriteString(formatValue(x.Value))
		}
	case *FileTest:
		b.WriteString("file(" + Quote(x.Path) + ")")
		formatAttr(b, x.Attr, x.Op, x.Value)
	case *FolderTest:
		b.WriteString("folder(" + Quote(x.Path) + ")")
		formatAttr(b, x.Attr, x.Op, x.Value)
	case *RegistryTest:
		b.WriteString("registry(" + Quote(x.Key) + ", " + Quote(x.Value))
		if x.Type != "" {
			b.WriteString(", " + x.Type)
		}
		b.WriteString(") " + x.Op.String())
		if x.Op != Exists && x.Op != NotExists {
			b.WriteString(" " + formatValue(x.Data))
		}
	case *WMITest:
		b.WriteString("wmi(" + Quote(x.Query))
		if x.Namespace != "" {
			b.WriteString(", " + Quote(x.Namespace))
		}
		b.WriteByte(')')
	case *OSVersionTest:
		b.WriteString("os.version " + x.Op.String() + " " + Quote(x.Version))
	case *OSPlatformTest:
		b.WriteString("os.platform in ")
		formatList(b, x.Platforms)
	case *OSLanguageTest:
		switch {
		case len(x.Languages) == 1 && !x.Negate:
			b.WriteString("os.language == " + Quote(x.Languages[0]))
		case len(x.Languages) == 1:
			b.WriteString("os.language != " + Quote(x.Languages[0]))
		case x.Negate:
			b.WriteString("os.language not in ")
			formatList(b, x.Languages)
		default:
			b.WriteString("os.language in ")
			formatList(b, x.Languages)
		}
	case *SoftwareTest:
		b.WriteString("software(")
		if x.ProductCode != "" {
			b.WriteString("product: " + Quote(x.ProductCode))
		} else {
			b.WriteString("upgrade: " + Quote(x.UpgradeCode))
		}
		if x.Version != "" {
			b.WriteString(", version: " + Quote(x.Version))
		}
		if x.Name != "" {
			b.WriteString(", name: " + Quote(x.Name))
		}
		b.WriteString(") installed")
	default:
		b.WriteString("<?>")
	}
}

func formatList(b *strings.Builder, items []string) {
	b.WriteByte('(')
	for i, s := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Quote(s))
	}
	b.WriteByte(')')
}

func formatAttr(b *strings.Builder, a Attr, op Op, value string) {
	switch a {
	case AttrVersion:
		b.WriteString(".version " + op.String() + " " + Quote(value))
	case AttrDate:
		b.WriteString(".date " + op.String() + " " + Quote(value))
	default:
		b.WriteString(" " + op.String())
	}
}

func formatInfix(b *strings.Builder, g *Group) {
	if g.Op == None {
		b.WriteString("not ")
		formatOperand(b, g.Items[0], func(c *Group) bool { return c.Op != None })
		return
	}
	sep := " and "
	if g.Op == Any {
		sep = " or "
	}
	for i, it := range g.Items {
		if i > 0 {
			b.WriteString(sep)
		}
		// An and inside an and, or an or inside an or, needs parentheses
		// to keep its own node; an or inside an and needs them for
		// precedence; an and inside an or does not.
		formatOperand(b, it, func(c *Group) bool { return c.Op == g.Op || c.Op == Any })
	}
}

// formatOperand writes e, in parentheses when it is an infix group for
// which paren says so.
func formatOperand(b *strings.Builder, e Expr, paren func(*Group) bool) {
	if c, ok := e.(*Group); ok && infix(c) && paren(c) {
		b.WriteByte('(')
		format(b, e)
		b.WriteByte(')')
		return
	}
	format(b, e)
}

// Variables returns the task sequence variables e refers to: the names
// of variable tests, and the %NAME% references inside strings that the
// evaluator expands. Each name appears once, as first written, in order
// of appearance (names compare case-insensitively).
func Variables(e Expr) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		k := strings.ToLower(n)
		if !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	refs := func(s string) {
		for _, n := range varRefs(s) {
			add(n)
		}
	}
	var walk func(Expr)
	walk = func(e Expr) {
		switch x := e.(type) {
		case *Group:
			for _, it := range x.Items {
				walk(it)
			}
		case *VarTest:
			add(x.Name)
			if x.Op != Like && x.Op != NotLike {
				refs(x.Value)
			}
		case *FileTest:
			refs(x.Path)
		case *FolderTest:
			refs(x.Path)
		case *RegistryTest:
			refs(x.Key)
			refs(x.Value)
			refs(x.Data)
		case *WMITest:
			refs(x.Query)
			refs(x.Namespace)
		}
	}
	walk(e)
	return out
}

// varRefs returns the names of the %NAME% references in s.
func varRefs(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			return out
		}
		name := s[i+1 : i+1+j]
		if validVarName(name) {
			out = append(out, name)
			s = s[i+j+2:]
		} else {
			s = s[i+1:]
		}
	}
}

func validVarName(n string) bool {
	if n == "" || len(n) > MaxNameLen || !isIdentStart(n[0]) {
		return false
	}
	for i := 1; i < len(n); i++ {
		if !isIdentChar(n[i]) {
			return false
		}
	}
	return true
}

// Walk calls fn for e and, depth first, for every node below it; when fn
// returns false for a group, its items are not visited.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	if g, ok := e.(*Group); ok {
		for _, it := range g.Items {
			Walk(it, fn)
		}
	}
}

// String returns the canonical text (Format).
func (g *Group) String() string { return Format(g) }

// String returns the canonical text (Format).
func (x *VarTest) String() string { return Format(x) }

// String returns the canonical text (Format).
func (x *FileTest) String() string { return Format(x) }

// String returns the canonical text (Format).
func (x *FolderTest) String() string { return Format(x) }

// String returns the canonical text (Format).
func (x *RegistryTest) String() string { return Format(x) }

// String returns the canonical text (Format).
func (x *WMITest) String() string { return Format(x) }

// String returns the canonical text (Format).
func (x *OSVersionTest) String() string { return Format(x) }

// String returns the canonical text (Format).
func (x *OSPlatformTest) String() string { return Format(x) }

// String returns the canonical text (Format).
func (x *OSLanguageTest) String() string { return Format(x) }

// String returns the canonical text (Format).
func (x *SoftwareTest) String() string { return Format(x) }
