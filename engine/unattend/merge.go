package unattend

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// parseUnattend parses a user-supplied answer file and checks that it is
// one: an unattend root element in the unattend namespace.
func parseUnattend(data []byte) (*node, error) {
	root, err := parse(data)
	if err != nil {
		return nil, err
	}
	if root.name.Local != "unattend" {
		return nil, fmt.Errorf("the answer file's root element is <%s>, not <unattend>", qname(root.name))
	}
	ns, ok := root.getAttr("", "xmlns")
	if root.name.Space != "" {
		ns, ok = root.getAttr("xmlns", root.name.Space)
	}
	if !ok || ns != Namespace {
		return nil, fmt.Errorf("the answer file is not in the %s namespace", Namespace)
	}
	if w, ok := root.getAttr("xmlns", "wcm"); ok && w != WCMNamespace {
		return nil, fmt.Errorf("the answer file binds the wcm prefix to %q, not %s", w, WCMNamespace)
	}
	return root, nil
}

// replaceWhole are elements that are one choice: ours replaces the user's
// whole instead of merging child by child.
var replaceWhole = map[string]bool{
	"Identification":        true, // workgroup or domain, not both
	"AdministratorPassword": true,
	"Credentials":           true,
}

// mergeInto adds our components to the document: a component that the
// document already has for the same pass, name and architecture gets our
// values (element by element; the rest of it is kept); otherwise ours is
// added, in a new settings element when the pass has none.
func mergeInto(root *node, ours map[string][]*node) error {
	prefix := root.name.Space
	if _, ok := root.getAttr("xmlns", "wcm"); !ok {
		root.setAttr("xmlns", "wcm", WCMNamespace)
	}
	for _, pass := range passOrder {
		comps := ours[pass]
		if len(comps) == 0 {
			continue
		}
		settings := findSettings(root, pass)
		if settings == nil {
			settings = elem("settings")
			settings.name.Space = prefix
			settings.setAttr("", "pass", pass)
			insertSettings(root, settings, pass)
		}
		for _, c := range comps {
			setPrefix(c, prefix)
			name, _ := c.getAttr("", "name")
			arch, _ := c.getAttr("", "processorArchitecture")
			dst := findComponent(settings, name, arch)
			if dst == nil {
				settings.children = append(settings.children, c)
				continue
			}
			if w, ok := dst.getAttr("xmlns", "wcm"); ok && w != WCMNamespace {
				return fmt.Errorf("the answer file's %s component binds the wcm prefix to %q", name, w)
			}
			mergeElement(dst, c)
		}
	}
	return nil
}

func setPrefix(n *node, prefix string) {
	if n.kind != elemNode {
		return
	}
	n.name.Space = prefix
	for _, c := range n.children {
		setPrefix(c, prefix)
	}
}

func findSettings(root *node, pass string) *node {
	for _, c := range root.elements() {
		if c.name.Local == "settings" {
			if p, _ := c.attrLocal("pass"); p == pass {
				return c
			}
		}
	}
	return nil
}

func passIndex(p string) int {
	for i, q := range passOrder {
		if q == p {
			return i
		}
	}
	return len(passOrder)
}

// insertSettings puts a new settings element before the first one of a
// later pass, or after the last settings element.
func insertSettings(root, s *node, pass string) {
	at, last := -1, -1
	for i, c := range root.children {
		if c.kind != elemNode || c.name.Local != "settings" {
			continue
		}
		last = i
		p, _ := c.attrLocal("pass")
		if at < 0 && passIndex(p) > passIndex(pass) {
			at = i
		}
	}
	if at < 0 {
		at = last + 1
		if last < 0 {
			at = len(root.children)
		}
	}
	root.children = append(root.children, nil)
	copy(root.children[at+1:], root.children[at:])
	root.children[at] = s
}

func findComponent(settings *node, name, arch string) *node {
	for _, c := range settings.elements() {
		if c.name.Local != "component" {
			continue
		}
		n, _ := c.attrLocal("name")
		a, _ := c.attrLocal("processorArchitecture")
		if strings.EqualFold(n, name) && strings.EqualFold(a, arch) {
			return c
		}
	}
	return nil
}

func isLeaf(n *node) bool {
	for _, c := range n.children {
		if c.kind == elemNode {
			return false
		}
	}
	return true
}

// mergeElement merges src's child elements into dst.
func mergeElement(dst, src *node) {
	for _, sc := range src.elements() {
		if key, ok := sc.getAttr("wcm", "keyValue"); ok {
			// a list item: added after the user's, with a key that is
			// not taken
			sc.setAttr("wcm", "keyValue", freeKey(dst, sc.name.Local, key))
			dst.children = append(dst.children, sc)
			continue
		}
		i := -1
		for j, dc := range dst.children {
			if dc.kind == elemNode && dc.name.Local == sc.name.Local {
				i = j
				break
			}
		}
		switch {
		case i < 0:
			dst.children = append(dst.children, sc)
		case isLeaf(sc) || replaceWhole[sc.name.Local]:
			dst.children[i] = sc
		default:
			mergeElement(dst.children[i], sc)
		}
	}
}

// freeKey returns want if no sibling called local uses it as keyValue,
// otherwise the smallest positive integer not used.
func freeKey(parent *node, local, want string) string {
	used := map[string]bool{}
	for _, c := range parent.elements() {
		if c.name.Local == local {
			if k, ok := c.attrLocal("keyValue"); ok {
				used[k] = true
			}
		}
	}
	if !used[want] {
		return want
	}
	for i := 1; ; i++ {
		if k := strconv.Itoa(i); !used[k] {
			return k
		}
	}
}

// SecretElements are the elements Scrub removes, wherever they are: every
// product key, password and credential an answer file can hold.
var SecretElements = []string{
	"ProductKey",            // Shell-Setup, and windowsPE UserData/ProductKey/Key
	"AdministratorPassword", // Shell-Setup UserAccounts
	"Password",              // LocalAccount, AutoLogon, DomainAccount, Credentials
	"Credentials",           // UnattendedJoin, PathAndCredentials, WDS
	"MachinePassword",       // UnattendedJoin (pre-staged account)
	"AccountData",           // offline domain join blob
	"DomainAdminPassword",
	"SafeModeAdminPassword",
}

// Paths are where an answer file can be left on the OS volume (relative to
// its root) once Windows Setup has run: ours, the copy Setup caches, and a
// sysprep answer file. The clean-up after setup scrubs each that exists.
var Paths = []string{
	`Windows\Panther\unattend.xml`,
	`Windows\Panther\Unattend\unattend.xml`,
	`Windows\System32\Sysprep\unattend.xml`,
	`unattend.xml`,
	`autounattend.xml`,
}

// Scrub removes every secret (SecretElements) from an answer file once
// Windows Setup has used it, and keeps everything else. The engine runs it
// over Windows\Panther\unattend.xml (and the copies Setup leaves) after
// setup.
func Scrub(data []byte) ([]byte, error) {
	root, err := parse(data)
	if err != nil {
		return nil, err
	}
	if root.name.Local != "unattend" {
		return nil, errors.New("not an answer file: the root element is not <unattend>")
	}
	drop := map[string]bool{}
	for _, s := range SecretElements {
		drop[s] = true
	}
	scrub(root, drop)
	return render(root), nil
}

func scrub(n *node, drop map[string]bool) {
	kept := n.children[:0]
	for _, c := range n.children {
		if c.kind == elemNode && drop[c.name.Local] || c.kind == commentNode {
			continue // comments go too: a commented-out password is still a password
		}
		kept = append(kept, c)
	}
	n.children = kept
	for _, c := range n.children {
		if c.kind == elemNode {
			scrub(c, drop)
		}
	}
}
