package interop

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits of the XML reader: the input is untrusted.
const (
	MaxXMLSize     = 32 << 20 // bytes of one XML document
	maxXMLDepth    = 256
	maxXMLElements = 1 << 20
)

// node is an XML element: its name, attributes in order, children and the
// text directly inside it (trimmed of surrounding white space when the
// element also has children).
type node struct {
	Name     string
	Attrs    []xml.Attr
	Children []*node
	Text     string
	// Comments are the comments directly inside the element that start
	// with "refimage" (refimage's own properties; see extras.go).
	Comments []string
	// start and end are byte offsets of the element in the source.
	start, end int64
	line       int
}

func (n *node) attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n *node) attrOr(name, def string) string {
	if v, ok := n.attr(name); ok {
		return v
	}
	return def
}

func (n *node) setAttr(name, value string) {
	for i, a := range n.Attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			n.Attrs[i].Value = value
			return
		}
	}
	n.Attrs = append(n.Attrs, xml.Attr{Name: xml.Name{Local: name}, Value: value})
}

func (n *node) delAttr(name string) {
	out := n.Attrs[:0]
	for _, a := range n.Attrs {
		if !(a.Name.Space == "" && a.Name.Local == name) {
			out = append(out, a)
		}
	}
	n.Attrs = out
}

func (n *node) child(name string) *node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// XMLError is a problem with the input, at an element path such as
// sequence/group[2]/step[5]/condition.
type XMLError struct {
	File string
	Line int    // 0 if unknown
	Path string // element path, "" if none
	Msg  string
}

func (e *XMLError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// toUTF8 turns UTF-16 input (with a byte order mark) into UTF-8 and drops
// a UTF-8 byte order mark. ConfigMgr's object.xml files are UTF-16.
func toUTF8(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		le := data[0] == 0xFF
		data = data[2:]
		if len(data)%2 != 0 {
			return nil, errors.New("UTF-16 text with an odd number of bytes")
		}
		u := make([]uint16, len(data)/2)
		for i := range u {
			if le {
				u[i] = uint16(data[2*i]) | uint16(data[2*i+1])<<8
			} else {
				u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
			}
		}
		return []byte(string(utf16.Decode(u))), nil
	}
	return data, nil
}

// parseXML reads one XML document into a tree. It refuses what a task
// sequence never has (DTDs, entities beyond the predefined ones) and
// bounds size, depth and element count.
func parseXML(file string, data []byte) (*node, []byte, error) {
	if len(data) > MaxXMLSize {
		return nil, nil, &XMLError{File: file, Msg: fmt.Sprintf("the XML is larger than %d bytes, the most refimage reads", MaxXMLSize)}
	}
	data, err := toUTF8(data)
	if err != nil {
		return nil, nil, &XMLError{File: file, Msg: err.Error()}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, nil, &XMLError{File: file, Msg: "this is a binary file, not XML text (an encrypted or binary package?)"}
	}
	if !utf8.Valid(data) {
		return nil, nil, &XMLError{File: file, Msg: "the text is neither UTF-8 nor UTF-16 with a byte order mark: save it as UTF-8 (or it is a binary or encrypted file)"}
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	// The encoding declaration may say utf-16 although we already made
	// the text UTF-8.
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-16", "utf-16le", "utf-16be", "unicode", "us-ascii", "windows-1252", "iso-8859-1":
			return r, nil
		}
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	// Lines are counted on from the last element: offsets only grow.
	lastOff, lastLine := 0, 1
	lineAt := func(off int64) int {
		o := min(int(off), len(data))
		if o < lastOff {
			lastOff, lastLine = 0, 1
		}
		lastLine += bytes.Count(data[lastOff:o], []byte{'\n'})
		lastOff = o
		return lastLine
	}
	var root *node
	var stack []*node
	elements := 0
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, nil, &XMLError{File: file, Line: se.Line, Msg: "malformed XML: " + se.Msg}
			}
			return nil, nil, &XMLError{File: file, Line: lineAt(d.InputOffset()), Msg: "malformed XML: " + err.Error()}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			elements++
			if elements > maxXMLElements {
				return nil, nil, &XMLError{File: file, Line: lineAt(off), Msg: fmt.Sprintf("more than %d elements", maxXMLElements)}
			}
			if len(stack) >= maxXMLDepth {
				return nil, nil, &XMLError{File: file, Line: lineAt(off), Msg: fmt.Sprintf("elements nested deeper than %d levels", maxXMLDepth)}
			}
			n := &node{Name: t.Name.Local, start: off, line: lineAt(off)}
			if t.Name.Space != "" && !strings.HasPrefix(t.Name.Space, "http") {
				n.Name = t.Name.Local
			}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				n.Attrs = append(n.Attrs, xml.Attr{Name: xml.Name{Local: a.Name.Local}, Value: a.Value})
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, nil, &XMLError{File: file, Line: n.line, Msg: "more than one root element"}
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.end = d.InputOffset()
			if len(n.Children) > 0 {
				n.Text = strings.TrimSpace(n.Text)
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, nil, &XMLError{File: file, Line: lineAt(off), Msg: "text outside the root element"}
				}
				continue
			}
			stack[len(stack)-1].Text += string(t)
		case xml.Directive:
			return nil, nil, &XMLError{File: file, Line: lineAt(off), Msg: "a DTD or other <!…> declaration is not allowed in a task sequence"}
		case xml.Comment:
			if c := strings.TrimSpace(string(t)); len(stack) > 0 && strings.HasPrefix(c, extrasMark) {
				n := stack[len(stack)-1]
				n.Comments = append(n.Comments, c)
			}
		case xml.ProcInst:
		}
	}
	if root == nil {
		return nil, nil, &XMLError{File: file, Msg: "malformed XML: no root element"}
	}
	return root, data, nil
}

// writeXML writes a tree as indented XML (two spaces), attributes in
// their order, text escaped.
func writeXML(b *bytes.Buffer, n *node, depth int) {
	ind := strings.Repeat("  ", depth)
	b.WriteString(ind)
	b.WriteByte('<')
	b.WriteString(n.Name)
	for _, a := range n.Attrs {
		b.WriteByte(' ')
		b.WriteString(a.Name.Local)
		b.WriteString(`="`)
		xmlEscape(b, a.Value, true)
		b.WriteByte('"')
	}
	switch {
	case len(n.Comments) > 0:
		b.WriteString(">\n")
		if n.Text != "" {
			b.WriteString(ind + "  ")
			xmlEscape(b, n.Text, false)
			b.WriteString("\n")
		}
		for _, c := range n.Comments {
			b.WriteString(ind + "  <!-- " + c + " -->\n")
		}
		for _, c := range n.Children {
			writeXML(b, c, depth+1)
		}
		b.WriteString(ind + "</" + n.Name + ">\n")
	case len(n.Children) == 0 && n.Text == "":
		b.WriteString(" />\n")
	case len(n.Children) == 0:
		b.WriteByte('>')
		xmlEscape(b, n.Text, false)
		b.WriteString("</" + n.Name + ">\n")
	default:
		b.WriteString(">\n")
		if n.Text != "" { // text beside the children (mixed content) is kept
			b.WriteString(ind + "  ")
			xmlEscape(b, n.Text, false)
			b.WriteString("\n")
		}
		for _, c := range n.Children {
			writeXML(b, c, depth+1)
		}
		b.WriteString(ind + "</" + n.Name + ">\n")
	}
}

func xmlEscape(b *bytes.Buffer, s string, attr bool) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			if attr {
				b.WriteString("&quot;")
			} else {
				b.WriteRune(r)
			}
		case '\n':
			if attr {
				b.WriteString("&#xA;")
			} else {
				b.WriteRune(r)
			}
		case '\r':
			b.WriteString("&#xD;")
		case '\t':
			if attr {
				b.WriteString("&#x9;")
			} else {
				b.WriteRune(r)
			}
		default:
			b.WriteRune(r)
		}
	}
}
