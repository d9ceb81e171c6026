package wim

import (
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
)

// xmlNode is a generic XML element. The WIM XML is kept as a tree so that
// elements refimage does not know (e.g. <WINDOWS>) survive a rewrite.
type xmlNode struct {
	Name  string
	Attrs []xml.Attr
	Text  string
	Kids  []*xmlNode
}

const maxXMLSize = 64 << 20

func decodeUTF16XML(b []byte) (string, error) {
	if len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE {
		b = b[2:]
	}
	if len(b)%2 != 0 {
		b = b[:len(b)-1]
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u)), nil
}

func parseXML(b []byte) (*xmlNode, error) {
	s, _ := decodeUTF16XML(b)
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = false
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("XML data: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) > 64 {
				return nil, fmt.Errorf("XML data nested too deeply")
			}
			n := &xmlNode{Name: t.Name.Local, Attrs: t.Copy().Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("XML data has more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.Kids = append(p.Kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("XML data is empty")
	}
	if root.Name != "WIM" {
		return nil, fmt.Errorf("XML data: root element is <%s>, want <WIM>", root.Name)
	}
	return root, nil
}

func (n *xmlNode) child(name string) *xmlNode {
	for _, k := range n.Kids {
		if k.Name == name {
			return k
		}
	}
	return nil
}

func (n *xmlNode) text(path ...string) string {
	c := n
	for _, p := range path {
		if c = c.child(p); c == nil {
			return ""
		}
	}
	return strings.TrimSpace(c.Text)
}

// set sets (creating) the text of a direct child element; an empty value
// removes it.
func (n *xmlNode) set(name, value string) {
	for i, k := range n.Kids {
		if k.Name == name {
			if value == "" {
				n.Kids = append(n.Kids[:i], n.Kids[i+1:]...)
				return
			}
			k.Text, k.Kids = value, nil
			return
		}
	}
	if value != "" {
		n.Kids = append(n.Kids, &xmlNode{Name: name, Text: value})
	}
}

func (n *xmlNode) setTime(name string, t Filetime) {
	n.set(name, "")
	n.Kids = append(n.Kids, &xmlNode{Name: name, Kids: []*xmlNode{
		{Name: "HIGHPART", Text: fmt.Sprintf("0x%08X", uint32(t>>32))},
		{Name: "LOWPART", Text: fmt.Sprintf("0x%08X", uint32(t))},
	}})
}

func (n *xmlNode) time(name string) Filetime {
	c := n.child(name)
	if c == nil {
		return 0
	}
	hi, _ := strconv.ParseUint(c.text("HIGHPART"), 0, 32)
	lo, _ := strconv.ParseUint(c.text("LOWPART"), 0, 32)
	return Filetime(hi<<32 | lo)
}

func (n *xmlNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n *xmlNode) write(sb *strings.Builder) {
	sb.WriteByte('<')
	sb.WriteString(n.Name)
	for _, a := range n.Attrs {
		sb.WriteByte(' ')
		sb.WriteString(a.Name.Local)
		sb.WriteString(`="`)
		xml.EscapeText(sb2w{sb}, []byte(a.Value))
		sb.WriteByte('"')
	}
	sb.WriteByte('>')
	if len(n.Kids) == 0 {
		xml.EscapeText(sb2w{sb}, []byte(strings.TrimSpace(n.Text)))
	}
	for _, k := range n.Kids {
		k.write(sb)
	}
	sb.WriteString("</")
	sb.WriteString(n.Name)
	sb.WriteByte('>')
}

type sb2w struct{ sb *strings.Builder }

func (w sb2w) Write(p []byte) (int, error) { return w.sb.Write(p) }

// encodeXML serialises the tree as UTF-16LE with a BOM.
func encodeXML(root *xmlNode) []byte {
	var sb strings.Builder
	root.write(&sb)
	u := utf16.Encode([]rune(sb.String()))
	out := make([]byte, 2+2*len(u))
	out[0], out[1] = 0xFF, 0xFE
	for i, c := range u {
		binary.LittleEndian.PutUint16(out[2+2*i:], c)
	}
	return out
}

// images returns the <IMAGE> elements in index order.
func (n *xmlNode) images() []*xmlNode {
	var out []*xmlNode
	for _, k := range n.Kids {
		if k.Name == "IMAGE" {
			out = append(out, k)
		}
	}
	return out
}

// ImageInfo is what the XML says about one image.
type ImageInfo struct {
	Index              int
	Name               string
	Description        string
	DisplayName        string
	DisplayDescription string
	Flags              string
	CreatedBy          string
	ImageVersion       string
	DirCount           uint64
	FileCount          uint64
	TotalBytes         uint64
	HardLinkBytes      uint64
	CreationTime       Filetime
	ModificationTime   Filetime
	WindowsArch        string
	WindowsProductName string
	WindowsEditionID   string
	WindowsVersion     string // MAJOR.MINOR.BUILD.SPBUILD, when the image says
	WindowsLanguage    string // default language
}

func imageInfoFrom(n *xmlNode, index int) ImageInfo {
	u := func(s string) uint64 { v, _ := strconv.ParseUint(s, 0, 64); return v }
	return ImageInfo{
		Index:              index,
		Name:               n.text("NAME"),
		Description:        n.text("DESCRIPTION"),
		DisplayName:        n.text("DISPLAYNAME"),
		DisplayDescription: n.text("DISPLAYDESCRIPTION"),
		Flags:              n.text("FLAGS"),
		CreatedBy:          n.text("CREATEDBY"),
		ImageVersion:       n.text("IMAGEVERSION"),
		DirCount:           u(n.text("DIRCOUNT")),
		FileCount:          u(n.text("FILECOUNT")),
		TotalBytes:         u(n.text("TOTALBYTES")),
		HardLinkBytes:      u(n.text("HARDLINKBYTES")),
		CreationTime:       n.time("CREATIONTIME"),
		ModificationTime:   n.time("LASTMODIFICATIONTIME"),
		WindowsArch:        n.text("WINDOWS", "ARCH"),
		WindowsProductName: n.text("WINDOWS", "PRODUCTNAME"),
		WindowsEditionID:   n.text("WINDOWS", "EDITIONID"),
		WindowsVersion:     windowsVersion(n),
		WindowsLanguage:    n.text("WINDOWS", "LANGUAGES", "DEFAULT"),
	}
}

type (
	xmlAttr = xml.Attr
	xmlName = xml.Name
)

func windowsVersion(n *xmlNode) string {
	major := n.text("WINDOWS", "VERSION", "MAJOR")
	if major == "" {
		return ""
	}
	v := major + "." + n.text("WINDOWS", "VERSION", "MINOR") + "." + n.text("WINDOWS", "VERSION", "BUILD")
	if sp := n.text("WINDOWS", "VERSION", "SPBUILD"); sp != "" {
		v += "." + sp
	}
	return v
}

// WindowsArchName names the <ARCH> number of the XML.
func WindowsArchName(arch string) string {
	switch arch {
	case "0":
		return "x86"
	case "5":
		return "ARM"
	case "9":
		return "x64"
	case "12":
		return "ARM64"
	}
	return arch
}
