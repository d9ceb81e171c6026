package unattend

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

// A small document tree that keeps what encoding/xml's structured decoding
// loses: prefixes exactly as written (wcm:action stays wcm:action), the
// order of elements, comments. Unattend files are data-only XML (no mixed
// content that matters), so whitespace between elements is not kept and
// the tree is written back indented.

// nodeKind says what a node is.
type nodeKind int

const (
	elemNode nodeKind = iota
	textNode
	commentNode
)

type node struct {
	kind     nodeKind
	name     xml.Name // Space is the prefix as written, not a namespace URI
	attr     []xml.Attr
	children []*node
	text     string // text or comment
}

// Limits on user-supplied answer files (untrusted input).
const (
	maxInput = 4 << 20
	maxDepth = 64
	maxNodes = 200000
)

func elem(local string, children ...*node) *node {
	return &node{kind: elemNode, name: xml.Name{Local: local}, children: children}
}

func leaf(local, value string) *node {
	return &node{kind: elemNode, name: xml.Name{Local: local}, children: []*node{{kind: textNode, text: value}}}
}

func (n *node) setAttr(space, local, value string) *node {
	for i, a := range n.attr {
		if a.Name.Space == space && a.Name.Local == local {
			n.attr[i].Value = value
			return n
		}
	}
	n.attr = append(n.attr, xml.Attr{Name: xml.Name{Space: space, Local: local}, Value: value})
	return n
}

func (n *node) getAttr(space, local string) (string, bool) {
	for _, a := range n.attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// attrLocal finds an attribute by its local name whatever its prefix.
func (n *node) attrLocal(local string) (string, bool) {
	for _, a := range n.attr {
		if a.Name.Local == local && a.Name.Space != "xmlns" && !(a.Name.Space == "" && a.Name.Local == "xmlns") {
			return a.Value, true
		}
	}
	return "", false
}

// elements returns the element children.
func (n *node) elements() []*node {
	var out []*node
	for _, c := range n.children {
		if c.kind == elemNode {
			out = append(out, c)
		}
	}
	return out
}

// textValue is the concatenated text of a leaf element.
func (n *node) textValue() string {
	var b strings.Builder
	for _, c := range n.children {
		if c.kind == textNode {
			b.WriteString(c.text)
		}
	}
	return b.String()
}

// toUTF8 decodes a UTF-16 file (with its BOM) and drops a UTF-8 BOM.
func toUTF8(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		be := data[0] == 0xFE
		data = data[2:]
		if len(data)%2 != 0 {
			return nil, errors.New("the UTF-16 file has an odd number of bytes")
		}
		u := make([]uint16, len(data)/2)
		for i := range u {
			if be {
				u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
			} else {
				u[i] = uint16(data[2*i]) | uint16(data[2*i+1])<<8
			}
		}
		return []byte(string(utf16.Decode(u))), nil
	}
	return data, nil
}

// parse reads an XML document into a tree. It refuses DTDs (no entity
// expansion of any kind), unbalanced tags, too-deep nesting and more than
// one root element.
func parse(data []byte) (*node, error) {
	if len(data) > maxInput {
		return nil, fmt.Errorf("the answer file is larger than %d bytes", maxInput)
	}
	data, err := toUTF8(data)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(data) {
		return nil, errors.New("the answer file is not valid UTF-8 or UTF-16 text")
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	// The bytes are UTF-8 by now, whatever the declaration says.
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "utf-16", "utf16", "unicode", "us-ascii", "ascii":
			return r, nil
		}
		return nil, fmt.Errorf("unsupported encoding %q (use UTF-8 or UTF-16)", label)
	}
	var root *node
	var stack []*node
	count := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("the answer file is not well-formed XML: %w", err)
		}
		if count++; count > maxNodes {
			return nil, errors.New("the answer file has too many nodes")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxDepth {
				return nil, errors.New("the answer file nests elements too deeply")
			}
			n := &node{kind: elemNode, name: t.Name, attr: append([]xml.Attr(nil), t.Attr...)}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("the answer file has more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, errors.New("the answer file is not well-formed XML: unexpected end tag")
			}
			top := stack[len(stack)-1]
			if top.name != t.Name {
				return nil, fmt.Errorf("the answer file is not well-formed XML: <%s> closed by </%s>", qname(top.name), qname(t.Name))
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) != 0 {
					return nil, errors.New("the answer file has text outside its root element")
				}
				continue
			}
			p := stack[len(stack)-1]
			p.children = append(p.children, &node{kind: textNode, text: string(t)})
		case xml.Comment:
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, &node{kind: commentNode, text: string(t)})
			}
		case xml.Directive:
			return nil, errors.New("the answer file has a DOCTYPE or other directive; unattend files have none")
		case xml.ProcInst:
			if t.Target != "xml" || root != nil {
				return nil, fmt.Errorf("the answer file has a processing instruction <?%s?>; unattend files have none", t.Target)
			}
		}
	}
	if len(stack) != 0 {
		return nil, errors.New("the answer file is not well-formed XML: it ends inside an element")
	}
	if root == nil {
		return nil, errors.New("the answer file has no root element")
	}
	normalise(root)
	return root, nil
}

// normalise drops whitespace-only text next to elements (indentation).
func normalise(n *node) {
	hasElem := false
	for _, c := range n.children {
		if c.kind == elemNode || c.kind == commentNode {
			hasElem = true
		}
	}
	if hasElem {
		// mixed content means nothing in an answer file: text between
		// elements is trimmed (it is written back on its own line)
		kept := n.children[:0]
		for _, c := range n.children {
			if c.kind == textNode {
				if c.text = strings.TrimSpace(c.text); c.text == "" {
					continue
				}
			}
			kept = append(kept, c)
		}
		n.children = kept
	}
	for _, c := range n.children {
		if c.kind == elemNode {
			normalise(c)
		}
	}
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// render writes the document with an XML declaration, two-space indent and
// CRLF line endings (what Windows tools write).
func render(root *node) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\r\n")
	write(&b, root, 0)
	return b.Bytes()
}

func write(b *bytes.Buffer, n *node, depth int) {
	indent := strings.Repeat("  ", depth)
	switch n.kind {
	case commentNode:
		// "--" cannot appear in a comment, nor can it end with "-"
		c := n.text
		for strings.Contains(c, "--") {
			c = strings.ReplaceAll(c, "--", "- -")
		}
		if strings.HasSuffix(c, "-") {
			c += " "
		}
		b.WriteString(indent + "<!--" + c + "-->\r\n")
		return
	case textNode:
		b.WriteString(indent)
		escapeText(b, n.text)
		b.WriteString("\r\n")
		return
	}
	b.WriteString(indent + "<" + qname(n.name))
	for _, a := range n.attr {
		b.WriteString(" " + qname(a.Name) + `="`)
		escapeAttr(b, a.Value)
		b.WriteString(`"`)
	}
	if len(n.children) == 0 {
		b.WriteString(" />\r\n")
		return
	}
	onlyText := true
	for _, c := range n.children {
		if c.kind != textNode {
			onlyText = false
		}
	}
	if onlyText {
		b.WriteString(">")
		escapeText(b, n.textValue())
		b.WriteString("</" + qname(n.name) + ">\r\n")
		return
	}
	b.WriteString(">\r\n")
	for _, c := range n.children {
		write(b, c, depth+1)
	}
	b.WriteString(indent + "</" + qname(n.name) + ">\r\n")
}

func escapeText(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
}

func escapeAttr(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		case '\t':
			b.WriteString("&#x9;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
}
