package engine

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"

	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/engine/unattend"
)

// Helpers of the part-B steps (issue #6) that write the answer file:
// Apply Windows Settings, Apply Network Settings, Auto Apply Drivers and
// Apply Driver Package each merge their part into the same
// Windows\Panther\unattend.xml on the target's Windows volume.
//
// How the parts meet: every step reads the file on disk (which Apply
// Operating System leaves there when the sequence has an answer file, or
// an earlier step of ours wrote), reads back from it the settings the
// other steps own (the join, the administrator password, the driver
// paths), adds its own and lets unattend.Generate merge the whole into the
// file, which is written atomically. So the order of the steps does not
// matter and a user's answer file keeps everything we do not set.

// Variables of the part-B steps.
const (
	// VarTargetSystemDrive is set by Apply Operating System Image: the
	// drive letter of the applied Windows (C:).
	VarTargetSystemDrive = "OSDTargetSystemDrive"
	// VarTargetArch, when set (by the user or by Apply Operating System
	// Image from the image's metadata), is the processor architecture of
	// the applied Windows: amd64, x86 or arm64.
	VarTargetArch = "OSDTargetArchitecture"
	// VarAdminAccount is what Setup Windows and ConfigMgr's
	// SetupComplete.cmd does with the built-in Administrator: enable or
	// disable (unattend.AdminEnable/AdminDisable). Apply Windows Settings
	// sets it.
	VarAdminAccount = "RefimageAdminAccount"
)

// pantherUnattend is where the answer file for the applied Windows goes.
const pantherUnattend = `Windows\Panther\unattend.xml`

// maxAnswerFile is the largest answer file read (unattend's own limit).
const maxAnswerFile = 4 << 20

// targetRoot is the root of the target's Windows volume: the offline
// folder, OSDTargetSystemDrive in Windows PE, the system drive in the full
// OS.
func targetRoot(sc *StepContext) (string, error) {
	if sc.Offline != "" {
		return sc.Offline, nil
	}
	d := strings.TrimRight(strings.TrimSpace(sc.Vars.Value(VarTargetSystemDrive)), `\/`)
	if d != "" {
		return d, nil
	}
	if !sc.Machine.InWinPE {
		return systemDrive(), nil
	}
	return "", &Error{Code: CodePathNotFound, Msg: "the variable " + VarTargetSystemDrive + " is not set: the Windows volume is not known (run Apply Operating System Image first, or set " + VarTargetSystemDrive + ", e.g. C:)"}
}

// systemDrive is the drive Windows runs from (full OS).
func systemDrive() string {
	if d := os.Getenv("SystemDrive"); d != "" {
		return strings.TrimRight(d, `\`)
	}
	return "C:"
}

// targetPath joins a Windows relative path (backslashes) to a target root:
// with the OS's separator offline, with backslashes on a live target.
func targetPath(sc *StepContext, root, rel string) string {
	if sc.Offline != "" {
		return filepath.Join(root, filepath.FromSlash(strings.ReplaceAll(rel, `\`, "/")))
	}
	return root + `\` + rel
}

// parentDir is the folder of a target path.
func parentDir(sc *StepContext, p string) string {
	if sc.Offline != "" {
		return filepath.Dir(p)
	}
	if i := strings.LastIndexByte(p, '\\'); i > 0 {
		return p[:i]
	}
	return p
}

// readOptional reads a file through the platform; a missing file is nil
// without an error.
func readOptional(sc *StepContext, path string) ([]byte, error) {
	b, err := sc.Platform.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// peMachine maps the Machine field of a PE header to an architecture.
var peMachine = map[uint16]string{0x8664: "amd64", 0x14c: "x86", 0xaa64: "arm64"}

// peArch reads the architecture of a PE file ("" if it is not one).
func peArch(b []byte) string {
	if len(b) < 0x40 || b[0] != 'M' || b[1] != 'Z' {
		return ""
	}
	off := int(binary.LittleEndian.Uint32(b[0x3c:]))
	if off < 0 || off+6 > len(b) || string(b[off:off+4]) != "PE\x00\x00" {
		return ""
	}
	return peMachine[binary.LittleEndian.Uint16(b[off+4:])]
}

// archProbe is a small executable every Windows has; its PE header says
// the architecture of the applied image.
const archProbe = `Windows\System32\smss.exe`

// targetArch is the processorArchitecture of the applied Windows: the
// variable OSDTargetArchitecture, else the PE header of the image's
// smss.exe, else the machine's (Windows PE runs the same architecture as
// the Windows it applies); offline without either, amd64.
func targetArch(sc *StepContext, root string) (string, error) {
	if v := strings.TrimSpace(sc.Vars.Value(VarTargetArch)); v != "" {
		a, err := unattend.Arch(v)
		if err != nil {
			return "", &Error{Code: CodeInvalidParam, Msg: VarTargetArch + ": " + err.Error()}
		}
		return a, nil
	}
	if b, err := readOptional(sc, targetPath(sc, root, archProbe)); err == nil {
		if a := peArch(b); a != "" {
			sc.Log("The applied Windows is %s (the PE header of %s).", a, archProbe)
			return a, nil
		}
	}
	if sc.Offline == "" && sc.Machine.Arch != "" {
		if a, err := unattend.Arch(sc.Machine.Arch); err == nil {
			return a, nil
		}
	}
	sc.Warn("The processor architecture of the Windows in %s is not known (no %s, no %s variable): amd64 is assumed.", root, archProbe, VarTargetArch)
	return "amd64", nil
}

// secretOr reveals a secret property, or, when it is not set, takes the
// reference's variable (e.g. OSDJoinPassword set with --var).
func secretOr(sc *StepContext, v *secret.Value, variable string) (string, error) {
	if v.IsSet() {
		return sc.Secret(v)
	}
	return sc.Vars.Value(variable), nil
}

// The parts of an existing answer file the steps read back.
type uaDoc struct {
	Settings []struct {
		Pass       string `xml:"pass,attr"`
		Components []struct {
			Name           string `xml:"name,attr"`
			Arch           string `xml:"processorArchitecture,attr"`
			Identification *struct {
				JoinWorkgroup   string `xml:"JoinWorkgroup"`
				JoinDomain      string `xml:"JoinDomain"`
				MachineObjectOU string `xml:"MachineObjectOU"`
				Credentials     *struct {
					Domain   string `xml:"Domain"`
					Password string `xml:"Password"`
					Username string `xml:"Username"`
				} `xml:"Credentials"`
			} `xml:"Identification"`
			AdminPassword *struct {
				Value     string `xml:"Value"`
				PlainText string `xml:"PlainText"`
			} `xml:"UserAccounts>AdministratorPassword"`
			DriverPaths []string `xml:"DriverPaths>PathAndCredentials>Path"`
		} `xml:"component"`
	} `xml:"settings"`
}

// existingParts is what an answer file already holds that a step keeps.
type existingParts struct {
	join                                     bool // an Identification was found
	workgroup, domain, ou, account, password string
	admin                                    bool // an AdministratorPassword was found (and decoded)
	adminPassword                            string
	driverPaths                              []string
}

// decodePassword reverses unattend.EncodePassword.
func decodePassword(value, setting string) (string, bool) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
	if err != nil || len(raw)%2 != 0 {
		return "", false
	}
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(raw[2*i:])
	}
	s := string(utf16.Decode(u))
	if !strings.HasSuffix(s, setting) {
		return "", false
	}
	return strings.TrimSuffix(s, setting), true
}

// readParts reads back the parts of an answer file for the architecture.
// The file is Generate's to validate; here it only has to decode.
func readParts(data []byte, arch string) (existingParts, error) {
	var p existingParts
	if len(data) == 0 {
		return p, nil
	}
	if len(data) > maxAnswerFile {
		return p, fmt.Errorf("the answer file has %d bytes; at most %d are read", len(data), maxAnswerFile)
	}
	data = utf8Answer(data)
	var doc uaDoc
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) { return r, nil }
	if err := d.Decode(&doc); err != nil {
		return p, fmt.Errorf("the answer file is not valid XML: %v", err)
	}
	for _, s := range doc.Settings {
		for _, c := range s.Components {
			if a, err := unattend.Arch(c.Arch); err != nil || a != arch {
				continue
			}
			switch {
			case s.Pass == unattend.PassSpecialize && c.Name == unattend.UnattendedJoin && c.Identification != nil:
				id := c.Identification
				p.join = true
				p.workgroup = strings.TrimSpace(id.JoinWorkgroup)
				p.domain = strings.TrimSpace(id.JoinDomain)
				p.ou = strings.TrimSpace(id.MachineObjectOU)
				if cr := id.Credentials; cr != nil {
					p.account = strings.TrimSpace(cr.Username)
					if dom := strings.TrimSpace(cr.Domain); dom != "" && p.account != "" && !strings.ContainsAny(p.account, `\@`) {
						p.account = dom + `\` + p.account
					}
					p.password = cr.Password
				}
			case s.Pass == unattend.PassOOBESystem && c.Name == unattend.ShellSetup && c.AdminPassword != nil:
				v := c.AdminPassword
				if strings.EqualFold(strings.TrimSpace(v.PlainText), "true") {
					p.admin, p.adminPassword = true, v.Value
				} else if pw, ok := decodePassword(v.Value, "AdministratorPassword"); ok {
					p.admin, p.adminPassword = true, pw
				}
			case s.Pass == unattend.PassOfflineServicing && c.Name == unattend.PnpNonWinPE:
				for _, dp := range c.DriverPaths {
					if dp = strings.TrimSpace(dp); dp != "" {
						p.driverPaths = append(p.driverPaths, dp)
					}
				}
			}
		}
	}
	return p, nil
}

// utf8Answer turns a UTF-16 answer file (with a BOM) into UTF-8 and drops
// the encoding declaration's effect (the decoder reads UTF-8).
func utf8Answer(b []byte) []byte {
	switch {
	case len(b) >= 2 && b[0] == 0xff && b[1] == 0xfe, len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff:
		be := b[0] == 0xfe
		b = b[2:]
		u := make([]uint16, len(b)/2)
		for i := range u {
			if be {
				u[i] = binary.BigEndian.Uint16(b[2*i:])
			} else {
				u[i] = binary.LittleEndian.Uint16(b[2*i:])
			}
		}
		return []byte(string(utf16.Decode(u)))
	case len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf:
		return b[3:]
	}
	return b
}

// answerFile is the answer file a step is about to change.
type answerFile struct {
	root, path, arch string
	existing         []byte
	parts            existingParts
}

// openAnswerFile finds the target, its architecture and the answer file
// already there (from Apply Operating System's answer_file or an earlier
// step), and reads back its parts. Secrets read back are registered for
// masking.
func openAnswerFile(sc *StepContext) (*answerFile, error) {
	root, err := targetRoot(sc)
	if err != nil {
		return nil, err
	}
	af := &answerFile{root: root, path: targetPath(sc, root, pantherUnattend)}
	if af.arch, err = targetArch(sc, root); err != nil {
		return nil, err
	}
	if af.existing, err = readOptional(sc, af.path); err != nil {
		return nil, &Error{Code: CodeOf(err), Msg: "cannot read " + af.path, Err: err}
	}
	if len(af.existing) > 0 {
		sc.Log("Merging into the answer file already in %s (%d bytes).", af.path, len(af.existing))
	}
	if af.parts, err = readParts(af.existing, af.arch); err != nil {
		return nil, &Error{Code: CodeAnswerFile, Msg: af.path + ": " + err.Error()}
	}
	for _, s := range []string{af.parts.password, af.parts.adminPassword} {
		if s != "" {
			sc.r.red.Add(s, false)
		}
	}
	return af, nil
}

// base is the settings the file already holds that the step does not own.
func (af *answerFile) base() unattend.Settings {
	s := unattend.Settings{Arch: af.arch, RandomAdminPassword: true}
	p := af.parts
	if p.join {
		if p.domain != "" && p.account != "" {
			s.Join, s.Domain, s.DomainOU, s.JoinAccount, s.JoinPassword = "domain", p.domain, p.ou, p.account, p.password
		} else if p.workgroup != "" {
			s.Join, s.Workgroup = "workgroup", p.workgroup
		}
	}
	if p.admin {
		s.RandomAdminPassword, s.AdminPassword = false, p.adminPassword
	}
	return s
}

// write merges the settings into the file and writes it atomically.
func (af *answerFile) write(sc *StepContext, s unattend.Settings) (*unattend.Result, error) {
	res, err := unattend.Generate(s, af.existing)
	if err != nil {
		return nil, &Error{Code: CodeAnswerFile, Msg: "the answer file cannot be written: " + sc.Redact(err.Error())}
	}
	if err := sc.Platform.MkdirAll(parentDir(sc, af.path)); err != nil {
		return nil, &Error{Code: CodeOf(err), Msg: "cannot make the folder of " + af.path, Err: err}
	}
	if err := sc.Platform.WriteFile(af.path, res.XML, 0o600); err != nil {
		return nil, &Error{Code: CodeOf(err), Msg: "cannot write " + af.path, Err: err}
	}
	sc.Log("Wrote the answer file %s (%d bytes).", af.path, len(res.XML))
	return res, nil
}
