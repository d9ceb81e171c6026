package condition

import (
	"strings"

	"github.com/refimage/refimage/engine/sequence/msg"
)

// Describe says what e tests, in plain English, e.g.
//
//	the variable _SMSTSInWinPE equals "false"
//	all of: the variable _SMSTSClientCache does not exist; the variable _SMSTSBootUEFI equals "true"
//
// Nested groups are put in parentheses.
func Describe(e Expr) string { return DescribeMessage(e).String() }

// DescribeMessage is Describe before it is formatted, for a user
// interface in another language (msg.Message.In). A test is a subject
// and a predicate joined by the format "%s %s" (the variable X, equals
// "1"), so that a catalogue translates each phrase once.
func DescribeMessage(e Expr) msg.Message {
	switch x := e.(type) {
	case *Group:
		if x.Op == None && len(x.Items) == 1 {
			return msg.New("not %s", describeItem(x.Items[0]))
		}
		items := make([]any, len(x.Items))
		for i, it := range x.Items {
			items[i] = describeItem(it)
		}
		list := msg.New(strings.TrimSuffix(strings.Repeat("%s; ", len(items)), "; "), items...)
		return msg.New(x.Op.String()+" of: %s", list)
	case *VarTest:
		return test(msg.New("the variable %s", x.Name), predicate(x.Op, x.Value, x.Op == Like || x.Op == NotLike))
	case *FileTest:
		return describePath("file", x.Path, x.Attr, x.Op, x.Value)
	case *FolderTest:
		return describePath("folder", x.Path, x.Attr, x.Op, x.Value)
	case *RegistryTest:
		subject := regSubjectMessage(x.Key, x.Value)
		switch x.Op {
		case Exists, NotExists:
			if x.Type != "" {
				return test(subject, msg.New(opWords[x.Op]+" as %s", x.Type))
			}
			return test(subject, msg.New(opWords[x.Op]))
		}
		return test(subject, predicate(x.Op, x.Data, false))
	case *WMITest:
		if x.Namespace != "" && !strings.EqualFold(x.Namespace, DefaultNamespace) {
			return msg.New("the WMI query %s in %s returns at least one row", Quote(x.Query), x.Namespace)
		}
		return msg.New("the WMI query %s returns at least one row", Quote(x.Query))
	case *OSVersionTest:
		return test(msg.New("the operating system version"), msg.New(opWords[x.Op]+" %s", x.Version))
	case *OSPlatformTest:
		if len(x.Platforms) == 1 {
			return msg.New("the operating system is %s", x.Platforms[0])
		}
		return msg.New("the operating system is one of %s", strings.Join(x.Platforms, ", "))
	case *OSLanguageTest:
		langs := strings.Join(x.Languages, ", ")
		switch {
		case len(x.Languages) == 1 && x.Negate:
			return msg.New("the operating system language is not %s", langs)
		case x.Negate:
			return msg.New("the operating system language is none of %s", langs)
		case len(x.Languages) > 1:
			return msg.New("the operating system language is one of %s", langs)
		}
		return msg.New("the operating system language is %s", langs)
	case *SoftwareTest:
		subject := msg.New("any version of the product family %s", x.UpgradeCode)
		if x.ProductCode != "" {
			subject = msg.New("the product %s", x.ProductCode)
		}
		if x.Name != "" {
			subject = msg.New("%s (%s)", subject, x.Name)
		}
		if x.Version != "" {
			return test(subject, msg.New("is installed in version %s", x.Version))
		}
		return test(subject, msg.New("is installed"))
	}
	return msg.Text(Format(e))
}

// test joins a subject and a predicate.
func test(subject, predicate msg.Message) msg.Message { return msg.New("%s %s", subject, predicate) }

// predicate is an operator and its value ("equals 1", "exists"); quote
// always quotes the value (like), else numbers go bare.
func predicate(op Op, value string, quote bool) msg.Message {
	switch op {
	case Exists, NotExists:
		return msg.New(opWords[op])
	}
	v := formatValue(value)
	if quote {
		v = Quote(value)
	}
	return msg.New(opWords[op]+" %s", v)
}

var dateWords = [...]string{Eq: "on", Ne: "not on", Lt: "before", Le: "on or before", Gt: "after", Ge: "on or after"}

func describeItem(e Expr) msg.Message {
	if g, ok := e.(*Group); ok && !(g.Op == None && len(g.Items) == 1) {
		return msg.New("(%s)", DescribeMessage(e))
	}
	return DescribeMessage(e)
}

func describePath(kind, path string, a Attr, op Op, value string) msg.Message {
	switch a {
	case AttrVersion:
		return test(msg.New("the version of the "+kind+" %s", Quote(path)), msg.New(opWords[op]+" %s", value))
	case AttrDate:
		return test(msg.New("the "+kind+" %s", Quote(path)), msg.New("was last modified "+dateWords[op]+" %s", value))
	}
	return test(msg.New("the "+kind+" %s", Quote(path)), msg.New(opWords[op]))
}

// regSubjectMessage is regSubject before it is formatted.
func regSubjectMessage(key, value string) msg.Message {
	if value == "" {
		return msg.New("the default value of the registry key %s", key)
	}
	return msg.New("the registry value %s in %s", Quote(value), key)
}
