package condition

import (
	"strings"
)

// Describe says what e tests, in plain English, e.g.
//
//	the variable _SMSTSInWinPE equals "false"
//	all of: the variable _SMSTSClientCache does not exist; the variable _SMSTSBootUEFI equals "true"
//
// Nested groups are put in parentheses.
func Describe(e Expr) string {
	var b strings.Builder
	describe(&b, e)
	return b.String()
}

var dateWords = [...]string{Eq: "on", Ne: "not on", Lt: "before", Le: "on or before", Gt: "after", Ge: "on or after"}

func describe(b *strings.Builder, e Expr) {
	switch x := e.(type) {
	case *Group:
		if x.Op == None && len(x.Items) == 1 {
			b.WriteString("not ")
			describeItem(b, x.Items[0])
			return
		}
		b.WriteString(x.Op.String() + " of: ")
		for i, it := range x.Items {
			if i > 0 {
				b.WriteString("; ")
			}
			describeItem(b, it)
		}
	case *VarTest:
		b.WriteString("the variable " + x.Name + " ")
		switch x.Op {
		case Exists, NotExists:
			b.WriteString(opWords[x.Op])
		case Like, NotLike:
			b.WriteString(opWords[x.Op] + " " + Quote(x.Value))
		default:
			b.WriteString(opWords[x.Op] + " " + formatValue(x.Value))
		}
	case *FileTest:
		describePath(b, "file", x.Path, x.Attr, x.Op, x.Value)
	case *FolderTest:
		describePath(b, "folder", x.Path, x.Attr, x.Op, x.Value)
	case *RegistryTest:
		b.WriteString(regSubject(x, x.Key, x.Value) + " ")
		switch x.Op {
		case Exists, NotExists:
			b.WriteString(opWords[x.Op])
			if x.Type != "" {
				b.WriteString(" as " + x.Type)
			}
		default:
			b.WriteString(opWords[x.Op] + " " + formatValue(x.Data))
		}
	case *WMITest:
		b.WriteString("the WMI query " + Quote(x.Query))
		if x.Namespace != "" && !strings.EqualFold(x.Namespace, DefaultNamespace) {
			b.WriteString(" in " + x.Namespace)
		}
		b.WriteString(" returns at least one row")
	case *OSVersionTest:
		b.WriteString("the operating system version " + opWords[x.Op] + " " + x.Version)
	case *OSPlatformTest:
		if len(x.Platforms) == 1 {
			b.WriteString("the operating system is " + x.Platforms[0])
		} else {
			b.WriteString("the operating system is one of " + strings.Join(x.Platforms, ", "))
		}
	case *OSLanguageTest:
		b.WriteString("the operating system language is ")
		switch {
		case len(x.Languages) == 1 && x.Negate:
			b.WriteString("not ")
		case x.Negate:
			b.WriteString("none of ")
		case len(x.Languages) > 1:
			b.WriteString("one of ")
		}
		b.WriteString(strings.Join(x.Languages, ", "))
	case *SoftwareTest:
		if x.ProductCode != "" {
			b.WriteString("the product " + x.ProductCode)
		} else {
			b.WriteString("any version of the product family " + x.UpgradeCode)
		}
		if x.Name != "" {
			b.WriteString(" (" + x.Name + ")")
		}
		b.WriteString(" is installed")
		if x.Version != "" {
			b.WriteString(" in version " + x.Version)
		}
	default:
		b.WriteString(Format(e))
	}
}

func describeItem(b *strings.Builder, e Expr) {
	if g, ok := e.(*Group); ok && !(g.Op == None && len(g.Items) == 1) {
		b.WriteByte('(')
		describe(b, e)
		b.WriteByte(')')
		return
	}
	describe(b, e)
}

func describePath(b *strings.Builder, kind, path string, a Attr, op Op, value string) {
	switch a {
	case AttrVersion:
		b.WriteString("the version of the " + kind + " " + Quote(path) + " " + opWords[op] + " " + value)
	case AttrDate:
		b.WriteString("the " + kind + " " + Quote(path) + " was last modified " + dateWords[op] + " " + value)
	default:
		b.WriteString("the " + kind + " " + Quote(path) + " " + opWords[op])
	}
}
