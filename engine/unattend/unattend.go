// Package unattend writes the Windows answer file (unattend.xml) that the
// Apply Windows Settings and Apply Network Settings steps produce, merges
// it with a user-supplied answer file, and removes the secrets from it once
// Windows Setup has used them.
//
// The package runs nothing and logs nothing. Secrets (product key,
// administrator and domain-join passwords) arrive as clear strings from the
// caller, which reveals them just before calling Generate and writes the
// result only to the target's Windows\Panther folder.
//
// What goes where (docs/steps.md has the full table):
//
//	specialize        Microsoft-Windows-Shell-Setup: ComputerName, ProductKey,
//	                  RegisteredOrganization, RegisteredOwner, TimeZone
//	                  Microsoft-Windows-UnattendedJoin: Identification
//	                  Microsoft-Windows-DNS-Client: DNSDomain (when set)
//	                  Microsoft-Windows-International-Core (when set)
//	oobeSystem        Microsoft-Windows-Shell-Setup: OOBE (every screen hidden),
//	                  UserAccounts/AdministratorPassword (encoded)
//	offlineServicing  Microsoft-Windows-PnpCustomizationsNonWinPE: DriverPaths
//	generalize        Microsoft-Windows-Security-SPP: SkipRearm (keep activation)
//
// The built-in Administrator account: Windows has no answer-file setting
// that disables it, and Windows enables it by itself when no other
// administrator exists after an unattended OOBE. So the answer file always
// sets a password (the given one, or a random one nobody knows), and the
// account is enabled or disabled afterwards by SetupComplete.cmd (package
// engine/setupcomplete), which runs as SYSTEM before the first logon —
// the same point at which Configuration Manager's Setup Windows and
// ConfigMgr step sets the account. Result.AdminAccount says which.
package unattend

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/internal/lazyre"
)

// Namespaces of an answer file.
const (
	Namespace    = "urn:schemas-microsoft-com:unattend"
	WCMNamespace = "http://schemas.microsoft.com/WMIConfig/2002/State"
	XSINamespace = "http://www.w3.org/2001/XMLSchema-instance"
)

// Configuration passes.
const (
	PassWindowsPE        = "windowsPE"
	PassOfflineServicing = "offlineServicing"
	PassGeneralize       = "generalize"
	PassSpecialize       = "specialize"
	PassAuditSystem      = "auditSystem"
	PassAuditUser        = "auditUser"
	PassOOBESystem       = "oobeSystem"
)

// passOrder is the order Windows Setup runs the passes in; settings
// elements are written in it.
var passOrder = []string{PassWindowsPE, PassOfflineServicing, PassGeneralize, PassSpecialize, PassAuditSystem, PassAuditUser, PassOOBESystem}

// Component names.
const (
	ShellSetup        = "Microsoft-Windows-Shell-Setup"
	UnattendedJoin    = "Microsoft-Windows-UnattendedJoin"
	InternationalCore = "Microsoft-Windows-International-Core"
	DNSClient         = "Microsoft-Windows-DNS-Client"
	PnpNonWinPE       = "Microsoft-Windows-PnpCustomizationsNonWinPE"
	SecuritySPP       = "Microsoft-Windows-Security-SPP"
)

// Administrator account actions, carried out by SetupComplete.cmd.
const (
	AdminEnable  = "enable"
	AdminDisable = "disable"
)

// Settings is everything the answer file is made from. Strings are the
// final values (task sequence variables already expanded).
type Settings struct {
	// Arch is the processorArchitecture of every component: amd64, x86
	// or arm64 ("x64" is accepted for amd64).
	Arch string

	ComputerName           string // "*" lets Windows make up a name
	RegisteredOwner        string
	RegisteredOrganization string
	TimeZone               string // Windows time zone ID, e.g. "W. Europe Standard Time"
	ProductKey             string // secret

	// RandomAdminPassword sets a random password nobody knows and asks
	// for the account to be disabled; otherwise AdminPassword is set and
	// the account enabled.
	RandomAdminPassword bool
	AdminPassword       string // secret

	InputLocale, SystemLocale, UILanguage, UILanguageFallback, UserLocale string

	Join         string // sequence.JoinWorkgroup (default) or sequence.JoinDomain
	Workgroup    string
	Domain       string
	DomainOU     string
	JoinAccount  string // DOMAIN\user, user@domain or user (the join domain is used)
	JoinPassword string // secret
	DNSDomain    string

	// DriverPaths are folders of staged driver packages, written as
	// PnpCustomizationsNonWinPE DriverPaths in the offlineServicing pass.
	DriverPaths []string
	// DriverPathsAuditSystem also writes them in the auditSystem pass
	// (for an image that is started in audit mode).
	DriverPathsAuditSystem bool

	// SkipRearm keeps the activation state through sysprep /generalize
	// (Prepare Windows for Capture "Do not reset activation flag").
	SkipRearm bool

	// Rand supplies the random administrator password; nil = crypto/rand.
	Rand io.Reader
}

// FromSteps fills Settings from the two steps. The secrets are passed
// already revealed; the steps' secret.Values are not read.
func FromSteps(arch string, ws *sequence.ApplyWindowsSettings, ns *sequence.ApplyNetworkSettings, productKey, adminPassword, joinPassword string) Settings {
	s := Settings{Arch: arch, RandomAdminPassword: true}
	if ws != nil {
		s.ComputerName = ws.ComputerName
		s.RegisteredOwner = ws.RegisteredUser
		s.RegisteredOrganization = ws.RegisteredOrg
		s.TimeZone = ws.TimeZone
		s.ProductKey = productKey
		s.RandomAdminPassword = ws.RandomAdminPassword
		s.AdminPassword = adminPassword
		s.InputLocale, s.SystemLocale, s.UILanguage = ws.InputLocale, ws.SystemLocale, ws.UILanguage
		s.UILanguageFallback, s.UserLocale = ws.UILanguageFallback, ws.UserLocale
	}
	if ns != nil {
		s.Join = ns.Join
		s.Workgroup = ns.Workgroup
		s.Domain = ns.Domain
		s.DomainOU = ns.DomainOU
		s.JoinAccount = ns.Account
		s.JoinPassword = joinPassword
		s.DNSDomain = ns.DNSDomain
	}
	return s
}

// Result is a generated answer file.
type Result struct {
	XML []byte
	// AdminAccount is AdminEnable or AdminDisable: what SetupComplete.cmd
	// does with the built-in Administrator account.
	AdminAccount string
}

// Arch normalises an architecture name to the processorArchitecture
// value of an answer file.
func Arch(a string) (string, error) {
	switch strings.ToLower(a) {
	case "amd64", "x64", "x86_64":
		return "amd64", nil
	case "x86", "i386", "386":
		return "x86", nil
	case "arm64", "aarch64":
		return "arm64", nil
	}
	return "", fmt.Errorf("processor architecture %q: use amd64, x86 or arm64", a)
}

var (
	productKeyPattern = lazyre.New(`^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){4}$`)
	// NetBIOS computer names: 1 to 15 characters, letters, digits and
	// hyphens, not only digits.
	computerNamePattern = lazyre.New(`^[A-Za-z0-9-]{1,15}$`)
	allDigits           = lazyre.New(`^[0-9]+$`)
)

// EncodePassword is how an answer file hides a password when PlainText is
// false: base64 of the UTF-16LE text of the password followed by the name
// of the setting ("AdministratorPassword", or "Password" for local
// accounts and AutoLogon). It hides, it does not protect.
func EncodePassword(password, setting string) string {
	u := utf16.Encode([]rune(password + setting))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i] = byte(c)
		b[2*i+1] = byte(c >> 8)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// RandomPassword returns a password of n characters (at least 8) from r
// (crypto/rand when nil) with upper and lower case letters, digits and
// symbols, so it meets Windows' complexity rules.
func RandomPassword(r io.Reader, n int) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	if n < 8 {
		n = 8
	}
	if n > 127 { // the longest password Windows accepts
		n = 127
	}
	buf := make([]byte, 1)
	// randInt returns a uniform number below max (≤ 256), by rejection
	// sampling so there is no modulo bias.
	randInt := func(max int) (int, error) {
		limit := 256 - 256%max
		for {
			if _, err := io.ReadFull(r, buf); err != nil {
				return 0, fmt.Errorf("random password: %w", err)
			}
			if int(buf[0]) < limit {
				return int(buf[0]) % max, nil
			}
		}
	}
	sets := []string{"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!#$*+-=?@_"}
	all := strings.Join(sets, "")
	out := make([]byte, n)
	for i := range out {
		set := all
		if i < len(sets) {
			set = sets[i] // at least one of each class
		}
		k, err := randInt(len(set))
		if err != nil {
			return "", err
		}
		out[i] = set[k]
	}
	for i := len(out) - 1; i > 0; i-- { // Fisher-Yates
		j, err := randInt(i + 1)
		if err != nil {
			return "", err
		}
		out[i], out[j] = out[j], out[i]
	}
	return string(out), nil
}

// check validates the settings. Messages never contain a secret.
func (s *Settings) check() error {
	var errs []string
	if s.ComputerName != "" && s.ComputerName != "*" {
		switch {
		case strings.Contains(s.ComputerName, "%"):
			errs = append(errs, fmt.Sprintf("computer name %q still has a %%variable%% in it", s.ComputerName))
		case !computerNamePattern.MatchString(s.ComputerName) || allDigits.MatchString(s.ComputerName):
			errs = append(errs, fmt.Sprintf("computer name %q: 1 to 15 letters, digits and hyphens, not only digits", s.ComputerName))
		}
	}
	if s.ProductKey != "" && !productKeyPattern.MatchString(s.ProductKey) {
		errs = append(errs, "the product key is not five groups of five letters or digits separated by dashes")
	}
	if !s.RandomAdminPassword && s.AdminPassword == "" {
		errs = append(errs, "the administrator account is to be enabled but no administrator password was given")
	}
	switch s.Join {
	case "", sequence.JoinWorkgroup:
		if len(s.Workgroup) > 32 {
			errs = append(errs, "a workgroup name has at most 32 characters")
		}
	case sequence.JoinDomain:
		if s.Domain == "" {
			errs = append(errs, "joining a domain needs the domain name")
		}
		if s.JoinAccount == "" {
			errs = append(errs, "joining a domain needs an account")
		}
	default:
		errs = append(errs, fmt.Sprintf(`join is "workgroup" or "domain", not %q`, s.Join))
	}
	for _, p := range s.DriverPaths {
		if p == "" {
			errs = append(errs, "a driver path is empty")
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// component returns an empty component element for the architecture.
func component(name, arch string) *node {
	n := elem("component")
	n.setAttr("", "name", name)
	n.setAttr("", "processorArchitecture", arch)
	n.setAttr("", "publicKeyToken", "31bf3856ad364e35")
	n.setAttr("", "language", "neutral")
	n.setAttr("", "versionScope", "nonSxS")
	return n
}

func addLeaf(n *node, local, value string) {
	if value != "" {
		n.children = append(n.children, leaf(local, value))
	}
}

// build returns our settings: pass → components, in pass order.
func (s *Settings) build(arch string) (map[string][]*node, string, error) {
	out := map[string][]*node{}

	// specialize: Shell-Setup
	sh := component(ShellSetup, arch)
	addLeaf(sh, "ComputerName", s.ComputerName)
	addLeaf(sh, "ProductKey", s.ProductKey)
	addLeaf(sh, "RegisteredOrganization", s.RegisteredOrganization)
	addLeaf(sh, "RegisteredOwner", s.RegisteredOwner)
	addLeaf(sh, "TimeZone", s.TimeZone)
	if len(sh.children) > 0 {
		out[PassSpecialize] = append(out[PassSpecialize], sh)
	}

	// specialize: UnattendedJoin
	id := elem("Identification")
	if s.Join == sequence.JoinDomain {
		user, dom := s.JoinAccount, s.Domain
		if i := strings.IndexByte(user, '\\'); i >= 0 {
			dom, user = user[:i], user[i+1:]
		}
		cred := elem("Credentials", leaf("Domain", dom), leaf("Password", s.JoinPassword), leaf("Username", user))
		id.children = append(id.children, cred, leaf("JoinDomain", s.Domain))
		// ConfigMgr's OU browser gives LDAP://OU=…; MachineObjectOU is
		// the distinguished name alone.
		ou := s.DomainOU
		if len(ou) >= 7 && strings.EqualFold(ou[:7], "LDAP://") {
			ou = ou[7:]
		}
		addLeaf(id, "MachineObjectOU", ou)
	} else {
		wg := s.Workgroup
		if wg == "" {
			wg = sequence.DefaultWorkgroup
		}
		id.children = append(id.children, leaf("JoinWorkgroup", wg))
	}
	join := component(UnattendedJoin, arch)
	join.children = append(join.children, id)
	out[PassSpecialize] = append(out[PassSpecialize], join)

	if s.DNSDomain != "" {
		dns := component(DNSClient, arch)
		addLeaf(dns, "DNSDomain", s.DNSDomain)
		out[PassSpecialize] = append(out[PassSpecialize], dns)
	}

	intl := component(InternationalCore, arch)
	addLeaf(intl, "InputLocale", s.InputLocale)
	addLeaf(intl, "SystemLocale", s.SystemLocale)
	addLeaf(intl, "UILanguage", s.UILanguage)
	addLeaf(intl, "UILanguageFallback", s.UILanguageFallback)
	addLeaf(intl, "UserLocale", s.UserLocale)
	if len(intl.children) > 0 {
		out[PassSpecialize] = append(out[PassSpecialize], intl)
	}

	// oobeSystem: Shell-Setup
	pw, action := s.AdminPassword, AdminEnable
	if s.RandomAdminPassword {
		var err error
		if pw, err = RandomPassword(s.Rand, 24); err != nil {
			return nil, "", err
		}
		action = AdminDisable
	}
	oobe := component(ShellSetup, arch)
	oobe.children = append(oobe.children,
		elem("OOBE",
			leaf("HideEULAPage", "true"),
			leaf("HideLocalAccountScreen", "true"),
			leaf("HideOEMRegistrationScreen", "true"),
			leaf("HideOnlineAccountScreens", "true"),
			leaf("HideWirelessSetupInOOBE", "true"),
			leaf("ProtectYourPC", "3"),
		),
		elem("UserAccounts",
			elem("AdministratorPassword",
				leaf("Value", EncodePassword(pw, "AdministratorPassword")),
				leaf("PlainText", "false"),
			),
		),
	)
	out[PassOOBESystem] = append(out[PassOOBESystem], oobe)

	if len(s.DriverPaths) > 0 {
		out[PassOfflineServicing] = append(out[PassOfflineServicing], driverComponent(arch, s.DriverPaths))
		if s.DriverPathsAuditSystem {
			out[PassAuditSystem] = append(out[PassAuditSystem], driverComponent(arch, s.DriverPaths))
		}
	}
	if s.SkipRearm {
		spp := component(SecuritySPP, arch)
		addLeaf(spp, "SkipRearm", "1")
		out[PassGeneralize] = append(out[PassGeneralize], spp)
	}
	return out, action, nil
}

func driverComponent(arch string, paths []string) *node {
	dp := elem("DriverPaths")
	for i, p := range paths {
		pc := elem("PathAndCredentials", leaf("Path", p))
		pc.setAttr("wcm", "action", "add")
		pc.setAttr("wcm", "keyValue", fmt.Sprint(i+1))
		dp.children = append(dp.children, pc)
	}
	c := component(PnpNonWinPE, arch)
	c.children = append(c.children, dp)
	return c
}

func newDocument() *node {
	root := elem("unattend")
	root.setAttr("", "xmlns", Namespace)
	root.setAttr("xmlns", "wcm", WCMNamespace)
	root.setAttr("xmlns", "xsi", XSINamespace)
	return root
}

// Generate writes the answer file. user, when not empty, is a
// user-supplied answer file to merge: our components replace the values
// they set (matched by pass, component name and architecture) and
// everything else in it is kept.
func Generate(s Settings, user []byte) (*Result, error) {
	arch, err := Arch(s.Arch)
	if err != nil {
		return nil, err
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	ours, action, err := s.build(arch)
	if err != nil {
		return nil, err
	}
	var root *node
	if len(user) > 0 {
		if root, err = parseUnattend(user); err != nil {
			return nil, err
		}
	} else {
		root = newDocument()
	}
	if err := mergeInto(root, ours); err != nil {
		return nil, err
	}
	return &Result{XML: render(root), AdminAccount: action}, nil
}

// DriverPathsFile is a small answer file with only the offlineServicing
// DriverPaths, for `dism /Image:X:\ /Apply-Unattend:FILE` (the way
// Configuration Manager stages drivers into an applied image).
func DriverPathsFile(arch string, paths []string) ([]byte, error) {
	a, err := Arch(arch)
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, errors.New("no driver paths")
	}
	root := newDocument()
	if err := mergeInto(root, map[string][]*node{PassOfflineServicing: {driverComponent(a, paths)}}); err != nil {
		return nil, err
	}
	return render(root), nil
}
