package sequence

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/refimage/refimage/engine/sequence/msg"
	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/internal/lazyre"
)

// Limits from Configuration Manager (see docs/sequence.md).
const (
	MaxSequenceName        = 50
	MaxSequenceDescription = 512
	MaxStepName            = 50
	MaxStepDescription     = 256
	MaxVariableName        = 256
	MaxVariableValue       = 4000
	MaxCapturePath         = 255
	MaxImageVersion        = 32
	MaxImageText           = 255 // created by, image description
	MaxWorkgroup           = 32
	MaxDomain              = 255
	MaxDomainOU            = 32767
	MaxRestartMessage      = 512
	MaxCommandLine         = 32000
	MaxRetryCount          = 5
	MinServerConnections   = 5
	MaxServerConnections   = 9999
	MaxImageIndex          = 2147483647
	MaxDiskNumber          = 10000
)

var (
	// VariableNamePattern is what a settable variable name looks like.
	VariableNamePattern = lazyre.New(`^[A-Za-z][A-Za-z0-9_-]*$`)
	anyVariableName     = lazyre.New(`^[A-Za-z_][A-Za-z0-9_-]*$`)
	productKeyPattern   = lazyre.New(`^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){4}$`)
	accountPattern      = lazyre.New(`^[^\\/\s"%]+\\[^\\/\s"%]+$`)
	varRefPattern       = lazyre.New(`^%[A-Za-z_][A-Za-z0-9_-]*%$`)
	ldapOUPattern       = lazyre.New(`(?i)^LDAP://OU=(?:[^,\\]|\\.)+(,\s*(OU|CN)=(?:[^,\\]|\\.)+)*(,\s*DC=[^,]+)+$`) // values may escape a comma: OU=R\,ef
	uncPattern          = lazyre.New(`^\\\\[^\\/:*?"<>|]+\\[^\\/:*?"<>|]+(\\[^\\/:*?"<>|]+)+$`)
	absWindowsPath      = lazyre.New(`^[A-Za-z]:\\`)
	driveLetterPattern  = lazyre.New(`^[A-Za-z]:?$`)
)

// ValidateVariableName checks a variable name that is to be set. It
// returns "" when the name is fine, else what is wrong (in English;
// CheckVariableName gives the message to translate).
func ValidateVariableName(name string) string { return CheckVariableName(name).String() }

// ValidateProductKey is CheckProductKey's English text.
func ValidateProductKey(k string) string { return CheckProductKey(k).String() }

// ValidateAccount is CheckAccount's English text.
func ValidateAccount(a string) string { return CheckAccount(a).String() }

// ValidateDomainOU is CheckDomainOU's English text.
func ValidateDomainOU(ou string) string { return CheckDomainOU(ou).String() }

// ValidateCapturePath is CheckCapturePath's English text.
func ValidateCapturePath(p string) string { return CheckCapturePath(p).String() }

// CheckVariableName checks a variable name that is to be set. It returns
// the zero Message when the name is fine, else what is wrong.
func CheckVariableName(name string) msg.Message {
	switch {
	case name == "":
		return msg.New("a variable name is required")
	case utf8.RuneCountInString(name) > MaxVariableName:
		return msg.New("a variable name has at most %d characters", MaxVariableName)
	case strings.HasPrefix(name, "_"):
		return msg.New("%s is read-only: variables whose names start with _ are set by the engine", name)
	case !VariableNamePattern.MatchString(name):
		return msg.New("%q is not a variable name: start with a letter, then letters, digits, _ or -", name)
	}
	return msg.Message{}
}

// CheckProductKey checks a product key in clear: empty, or five groups
// of five letters or digits separated by dashes.
func CheckProductKey(k string) msg.Message {
	if k == "" || productKeyPattern.MatchString(k) {
		return msg.Message{}
	}
	return msg.New("a product key is five groups of five letters or digits separated by dashes (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)")
}

// CheckAccount checks a DOMAIN\user account or a %VARIABLE% reference.
func CheckAccount(a string) msg.Message {
	if accountPattern.MatchString(a) || varRefPattern.MatchString(a) {
		return msg.Message{}
	}
	return msg.New(`%q is not an account: write DOMAIN\user or %%VARIABLE%%`, a)
}

// CheckDomainOU checks an LDAP path such as LDAP://OU=Ref,DC=corp,DC=example.
func CheckDomainOU(ou string) msg.Message {
	if ou == "" || varRefPattern.MatchString(ou) {
		return msg.Message{}
	}
	if len(ou) > MaxDomainOU {
		return msg.New("an OU path has at most %d characters", MaxDomainOU)
	}
	if !ldapOUPattern.MatchString(ou) {
		return msg.New("an OU is an LDAP path such as LDAP://OU=Workstations,DC=corp,DC=example,DC=com")
	}
	return msg.Message{}
}

// CheckCapturePath checks a capture destination: a UNC path
// (\\server\share\…\name.wim) or an absolute path ending in .wim.
func CheckCapturePath(p string) msg.Message {
	switch {
	case p == "":
		return msg.New("a capture destination is required, e.g. \\\\server\\captures\\reference.wim")
	case utf8.RuneCountInString(p) > MaxCapturePath:
		return msg.New("a capture destination has at most %d characters (this one has %d)", MaxCapturePath, utf8.RuneCountInString(p))
	case !strings.HasSuffix(strings.ToLower(p), ".wim"):
		return msg.New("a capture destination is a .wim file, e.g. \\\\server\\captures\\reference.wim")
	case strings.HasPrefix(p, `\\`):
		if !uncPattern.MatchString(p) {
			return msg.New(`a network destination is \\server\share\folder\name.wim`)
		}
	case absWindowsPath.MatchString(p), strings.HasPrefix(p, "/"), strings.HasPrefix(p, "%"):
	default:
		return msg.New(`a capture destination is a UNC path (\\server\share\name.wim) or an absolute path (D:\captures\name.wim)`)
	}
	return msg.Message{}
}

// textLimit checks a length limit in characters.
func textLimit(s string, max int) msg.Message {
	if n := utf8.RuneCountInString(s); n > max {
		return msg.New("at most %d characters (this has %d)", max, n)
	}
	return msg.Message{}
}

// FindControl finds the first control character a terminal would act on
// in s: the C0 controls (ESC, BEL, CR, LF, TAB and the rest of
// U+0000–U+001F), DEL and the C1 controls U+0080–U+009F. Multi-line text
// may hold line breaks (LF, or CR LF) and tabs; one line of text holds
// none of them. It returns the character, its byte offset in s and its
// position in characters (from 1); ok is false when s has none.
func FindControl(s string, multiline bool) (r rune, off, char int, ok bool) {
	char = 0
	for i, c := range s {
		char++
		if multiline && (c == '\n' || c == '\t' || c == '\r' && strings.HasPrefix(s[i+1:], "\n")) {
			continue
		}
		if IsControl(c) {
			return c, i, char, true
		}
	}
	return 0, 0, 0, false
}

// IsControl reports whether r is a C0 or C1 control character or DEL.
func IsControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) }

// controlChar is FindControl's finding as a phrase: "a control character
// (U+001B) at character 8".
func controlChar(s string, multiline bool) msg.Message {
	if r, _, i, ok := FindControl(s, multiline); ok {
		return msg.New("a control character (%s) at character %d", fmt.Sprintf("U+%04X", r), i)
	}
	return msg.Message{}
}

// CheckLine checks one line of text typed or given on a command line:
// the zero Message when it holds no control character (a tab and a line
// break are control characters here), else what is wrong.
func CheckLine(s string) msg.Message {
	if m := controlChar(s, false); !m.IsZero() {
		return msg.New("the text has %s; a one-line value holds no control characters, tabs or line breaks", m)
	}
	return msg.Message{}
}

// CheckTextLimit checks a length limit in characters: "at most 50
// characters (this has 61)".
func CheckTextLimit(s string, max int) msg.Message { return textLimit(s, max) }

type validator struct {
	seq   *Sequence
	probs Problems
	// ctrl holds the paths of the values that have a control
	// character: that is their one problem (their other rules would
	// only repeat it, e.g. "not a variable name").
	ctrl map[string]bool
}

func (v *validator) errAt(path, format string, args ...any) {
	if v.ctrl[path] {
		return
	}
	m := msg.New(format, args...)
	v.probs = append(v.probs, Problem{File: v.seq.file, Pos: v.seq.ix.value(path), Path: path, Msg: m.String(), Message: m})
}

func (v *validator) warnAt(path, format string, args ...any) {
	if v.ctrl[path] {
		return
	}
	m := msg.New(format, args...)
	v.probs = append(v.probs, Problem{File: v.seq.file, Pos: v.seq.ix.value(path), Path: path, Msg: m.String(), Message: m, Warning: true})
}

func (v *validator) check(path string, m msg.Message) {
	if !m.IsZero() && !v.ctrl[path] {
		v.probs = append(v.probs, Problem{File: v.seq.file, Pos: v.seq.ix.value(path), Path: path, Msg: m.String(), Message: m})
	}
}

// Validate runs every semantic rule and returns all problems at once.
func Validate(s *Sequence) Problems {
	v := &validator{seq: s, ctrl: map[string]bool{}}
	v.controls()
	v.header()
	v.variables()
	v.items("steps", s.Steps)
	v.crossChecks()
	v.probs.sort()
	return v.probs
}

func (v *validator) header() {
	s := v.seq
	switch {
	case strings.TrimSpace(s.Name) == "":
		v.errAt("name", "a task sequence name is required")
	default:
		if m := textLimit(s.Name, MaxSequenceName); !m.IsZero() {
			v.errAt("name", "the task sequence name has %s", m)
		}
	}
	if m := textLimit(s.Description, MaxSequenceDescription); !m.IsZero() {
		v.errAt("description", "the description has %s", m)
	}
	switch s.Kind {
	case KindBuildAndCapture, KindCustom:
	case "":
		v.errAt("kind", `the kind is required: "build-and-capture" or "custom"`)
	default:
		v.errAt("kind", `kind is "build-and-capture" or "custom", not %q`, s.Kind)
	}
	switch s.BootImage.Arch {
	case ArchX86, ArchX64, ArchARM64:
	case "":
		if s.BootImage.Path != "" {
			v.errAt("boot_image.arch", "the boot image architecture is required: x86, x64 or arm64")
		}
	default:
		v.errAt("boot_image.arch", "the architecture is x86, x64 or arm64, not %q", s.BootImage.Arch)
	}
	if s.Kind == KindBuildAndCapture && s.BootImage.Path == "" {
		v.errAt("boot_image.path", "a build-and-capture sequence needs a boot image: it restarts into Windows PE")
	}
}

func (v *validator) variables() {
	seen := map[string]string{}
	for _, vr := range v.seq.Variables {
		p := join("variables", tomlKey(vr.Name))
		v.check(p, CheckVariableName(vr.Name))
		if prev, dup := seen[strings.ToLower(vr.Name)]; dup {
			v.errAt(p, "%s is set twice (variable names are case-insensitive; see %s)", vr.Name, prev)
		}
		seen[strings.ToLower(vr.Name)] = vr.Name
		if m := textLimit(vr.Value, MaxVariableValue); !m.IsZero() {
			v.errAt(p, "a variable value has %s", m)
		}
	}
}

func (v *validator) items(path string, items []*Item) {
	for i, it := range items {
		p := fmt.Sprintf("%s[%d]", path, i)
		v.common(p, it)
		if it.IsGroup() {
			v.items(join(p, "steps"), it.Steps)
			continue
		}
		v.step(p, it)
	}
}

func (v *validator) common(p string, it *Item) {
	if strings.TrimSpace(it.Name) == "" {
		v.errAt(join(p, "name"), "a name is required")
	} else if m := textLimit(it.Name, MaxStepName); !m.IsZero() {
		v.errAt(join(p, "name"), "a step or group name has %s", m)
	}
	if m := textLimit(it.Description, MaxStepDescription); !m.IsZero() {
		v.errAt(join(p, "description"), "a description has %s", m)
	}
	if it.Condition != "" && !v.ctrl[join(p, "condition")] {
		v.condition(join(p, "condition"), it.Condition)
	}
}

func (v *validator) step(p string, it *Item) {
	si, _ := LookupStep(it.Type)
	switch it.RunIn {
	case RunInWinPE, RunInFullOS, RunInAny:
		if !contains(si.RunIn, it.RunIn) {
			v.errAt(join(p, "run_in"), "a %s step runs only in %s (run_in = %q)", it.Type, envWords(si.RunIn[0]), si.RunIn[0])
		}
	default:
		v.errAt(join(p, "run_in"), `run_in is "winpe", "full-os" or "any", not %q`, it.RunIn)
	}
	if len(it.SuccessCodes) == 0 {
		v.errAt(join(p, "success_codes"), "at least one success code is needed (the default is [0, 3010])")
	}
	if it.RetryCount < 0 || it.RetryCount > MaxRetryCount {
		v.errAt(join(p, "retry_count"), "retry_count is 0 to %d", MaxRetryCount)
	}
	if r, ok := stepRules[it.Type]; ok {
		r(v, p, it.Props)
	}
}

func envWords(runIn string) msg.Message {
	switch runIn {
	case RunInWinPE:
		return msg.New("Windows PE")
	case RunInFullOS:
		return msg.New("the full operating system")
	}
	return msg.New("any environment")
}

// stepRules holds the semantic rules of each step type.
var stepRules = map[string]func(v *validator, p string, props Props){
	"restart-computer": func(v *validator, p string, props Props) {
		r := props.(*RestartComputer)
		if r.Target != TargetWinPE && r.Target != TargetInstalledOS {
			v.errAt(join(p, "target"), `target is "winpe" (the boot image) or "installed-os", not %q`, r.Target)
		}
		if m := textLimit(r.Message, MaxRestartMessage); !m.IsZero() {
			v.errAt(join(p, "message"), "the message has %s", m)
		}
		if r.MessageTimeout < 0 || r.MessageTimeout > 86400 {
			v.errAt(join(p, "message_timeout"), "message_timeout is 0 to 86400 seconds")
		}
	},
	"partition-disk": func(v *validator, p string, props Props) {
		r := props.(*PartitionDisk)
		if r.Disk < 0 || r.Disk > MaxDiskNumber {
			v.errAt(join(p, "disk"), "disk is a disk number from 0 to %d", MaxDiskNumber)
		}
		if r.DiskVariable != "" && !anyVariableName.MatchString(r.DiskVariable) {
			v.errAt(join(p, "disk_variable"), "%q is not a variable name", r.DiskVariable)
		}
		if r.Style != "gpt" && r.Style != "mbr" {
			v.errAt(join(p, "style"), `style is "gpt" (UEFI) or "mbr" (BIOS), not %q`, r.Style)
		}
		if len(r.Partitions) == 0 {
			v.errAt(join(p, "partitions"), "at least one partition is needed")
		}
		hasEFI := false
		for i, pt := range r.Partitions {
			pp := fmt.Sprintf("%s.partitions[%d]", p, i)
			types := []string{"primary", "efi", "msr", "recovery"}
			if r.Style == "mbr" {
				types = []string{"primary", "extended", "logical", "hidden"}
			}
			if !contains(types, pt.Type) {
				v.errAt(join(pp, "type"), "on a %s disk a partition type is one of %s, not %q", strings.ToUpper(r.Style), strings.Join(types, ", "), pt.Type)
			}
			hasEFI = hasEFI || pt.Type == "efi"
			switch pt.SizeUnit {
			case "mb", "gb":
			case "percent":
				if pt.Size < 1 || pt.Size > 100 {
					v.errAt(join(pp, "size"), "a size in percent (of the remaining space) is 1 to 100")
				}
			default:
				v.errAt(join(pp, "size_unit"), `size_unit is "mb", "gb" or "percent", not %q`, pt.SizeUnit)
			}
			if pt.Size < 0 {
				v.errAt(join(pp, "size"), "a size cannot be negative (0 means all the remaining space)")
			}
			if pt.Size == 0 && i != len(r.Partitions)-1 {
				v.errAt(join(pp, "size"), "only the last partition can take all the remaining space (size 0)")
			}
			switch pt.FileSystem {
			case "", "ntfs", "fat32":
			default:
				v.errAt(join(pp, "file_system"), `file_system is "ntfs", "fat32" or "" (do not format), not %q`, pt.FileSystem)
			}
			if pt.Type == "efi" && pt.FileSystem != "fat32" {
				v.errAt(join(pp, "file_system"), `an EFI system partition is formatted "fat32"`)
			}
			max := 32
			if pt.FileSystem == "fat32" {
				max = 11
			}
			if m := textLimit(pt.Name, max); !m.IsZero() {
				v.errAt(join(pp, "name"), "a volume label has %s", m)
			}
			if pt.LetterVariable != "" {
				v.check(join(pp, "letter_variable"), CheckVariableName(pt.LetterVariable))
			}
		}
		if r.Style == "gpt" && len(r.Partitions) > 0 && !hasEFI {
			v.warnAt(join(p, "partitions"), "a GPT disk without an EFI partition cannot start Windows on a UEFI computer")
		}
	},
	"apply-os-image": func(v *validator, p string, props Props) {
		r := props.(*ApplyOSImage)
		if r.Image == "" {
			v.errAt(join(p, "image"), "the image to apply is required (a .wim or .esd file, or the first .swm of a split image)")
		}
		if r.Index < 1 || r.Index > MaxImageIndex {
			v.errAt(join(p, "index"), "the image index is 1 to %d", MaxImageIndex)
		}
		switch r.Destination {
		case "next-available":
		case "disk-partition":
			if r.DestDisk < 0 || r.DestDisk > 99 {
				v.errAt(join(p, "destination_disk"), "the destination disk is 0 to 99")
			}
			if r.DestPartition < 1 || r.DestPartition > 99 {
				v.errAt(join(p, "destination_partition"), "the destination partition is 1 to 99")
			}
		case "drive-letter":
			if !driveLetterPattern.MatchString(r.DestLetter) {
				v.errAt(join(p, "destination_letter"), `a drive letter such as "C:"`)
			}
		case "variable":
			if !anyVariableName.MatchString(r.DestVariable) {
				v.errAt(join(p, "destination_variable"), "the name of the variable that holds the drive letter is required")
			}
		default:
			v.errAt(join(p, "destination"), `destination is "next-available", "disk-partition", "drive-letter" or "variable", not %q`, r.Destination)
		}
	},
	"apply-windows-settings": func(v *validator, p string, props Props) {
		r := props.(*ApplyWindowsSettings)
		for _, f := range []struct {
			key, val string
			what     msg.Message
		}{
			{"registered_user", r.RegisteredUser, msg.New("user name")},
			{"registered_organization", r.RegisteredOrg, msg.New("organization name")},
		} {
			if f.val == "" {
				v.errAt(join(p, f.key), "the registered %s is required (1 to 255 characters)", f.what)
			} else if m := textLimit(f.val, 255); !m.IsZero() {
				v.errAt(join(p, f.key), "the registered %s has %s", f.what, m)
			}
		}
		v.clearSecret(join(p, "product_key"), r.ProductKey, CheckProductKey)
		switch r.LicenseMode {
		case LicenseNone, LicensePerSeat:
			if r.MaxConnections != 0 {
				v.errAt(join(p, "max_connections"), `max_connections goes only with license_mode = "per-server"`)
			}
		case LicensePerServer:
			if r.MaxConnections < MinServerConnections || r.MaxConnections > MaxServerConnections {
				v.errAt(join(p, "max_connections"), "per-server licensing needs %d to %d connections, not %d", MinServerConnections, MaxServerConnections, r.MaxConnections)
			}
		default:
			v.errAt(join(p, "license_mode"), `license_mode is "none", "per-seat" or "per-server", not %q`, r.LicenseMode)
		}
		if r.RandomAdminPassword {
			if r.AdminPassword.IsSet() {
				v.warnAt(join(p, "admin_password"), "ignored: random_admin_password is true, so the account is disabled with a random password")
			}
		} else if !r.AdminPassword.IsSet() {
			v.errAt(join(p, "admin_password"), "an enabled administrator account needs a password (or set random_admin_password = true)")
		} else {
			v.clearSecret(join(p, "admin_password"), r.AdminPassword, func(s string) msg.Message { return textLimit(s, 255) })
		}
		if r.TimeZone == "" {
			v.errAt(join(p, "time_zone"), `the time zone is required, e.g. "UTC" or "Korea Standard Time"`)
		} else {
			v.check(join(p, "time_zone"), CheckTimeZone(r.TimeZone))
		}
		if r.ComputerName != "" && !strings.Contains(r.ComputerName, "%") {
			if m := textLimit(r.ComputerName, 15); !m.IsZero() {
				v.errAt(join(p, "computer_name"), "a computer name has %s", m)
			}
		}
	},
	"apply-network-settings": func(v *validator, p string, props Props) {
		r := props.(*ApplyNetworkSettings)
		v.join(p, r.Join, r.Workgroup, r.Domain, r.DomainOU, r.Account, r.Password)
	},
	"join-domain-or-workgroup": func(v *validator, p string, props Props) {
		r := props.(*JoinDomainOrWorkgroup)
		v.join(p, r.Join, r.Workgroup, r.Domain, r.DomainOU, r.Account, r.Password)
	},
	"auto-apply-drivers": func(v *validator, p string, props Props) {
		r := props.(*AutoApplyDrivers)
		if strings.TrimSpace(r.Source) == "" {
			v.errAt(join(p, "source"), "the driver source folder is required (the driver packages' INF files are matched from it)")
		}
		for i, c := range r.Categories {
			if strings.TrimSpace(c) == "" {
				v.errAt(fmt.Sprintf("%s.categories[%d]", p, i), "a category cannot be empty")
			}
		}
	},
	"apply-driver-package": func(v *validator, p string, props Props) {
		if strings.TrimSpace(props.(*ApplyDriverPackage).Package) == "" {
			v.errAt(join(p, "package"), "the driver package folder is required")
		}
	},
	"setup-windows-and-configmgr": func(v *validator, p string, props Props) {
		r := props.(*SetupWindowsAndConfigMgr)
		if strings.Contains(strings.ToUpper(r.InstallProperties), "SMSSITECODE") {
			v.errAt(join(p, "install_properties"), "leave SMSSITECODE out: the site is assigned automatically")
		}
	},
	"install-software-updates": func(v *validator, p string, props Props) {
		r := props.(*InstallSoftwareUpdates)
		if r.Target != UpdatesMandatory && r.Target != UpdatesAll {
			v.errAt(join(p, "target"), `target is "mandatory" or "all", not %q`, r.Target)
		}
	},
	"install-applications": func(v *validator, p string, props Props) {
		r := props.(*InstallApplications)
		if len(r.Applications) == 0 {
			v.errAt(join(p, "applications"), "at least one application is needed")
		}
		for i, a := range r.Applications {
			ap := fmt.Sprintf("%s.applications[%d]", p, i)
			if a.Name == "" {
				v.errAt(join(ap, "name"), "an application needs a name")
			} else if m := textLimit(a.Name, 255); !m.IsZero() {
				v.errAt(join(ap, "name"), "an application name has %s", m)
			}
			if a.CommandLine == "" {
				v.errAt(join(ap, "command_line"), "an application needs the command line that installs it")
			} else if m := textLimit(a.CommandLine, MaxCommandLine); !m.IsZero() {
				v.errAt(join(ap, "command_line"), "a command line has %s", m)
			}
			if len(a.SuccessCodes) == 0 {
				v.errAt(join(ap, "success_codes"), "at least one success code is needed (the default is [0, 3010])")
			}
		}
	},
	"capture-os-image": func(v *validator, p string, props Props) {
		r := props.(*CaptureOSImage)
		v.check(join(p, "destination"), CheckCapturePath(r.Destination))
		if r.Account != "" {
			v.check(join(p, "account"), CheckAccount(r.Account))
			if !r.Password.IsSet() {
				v.errAt(join(p, "password"), "the capture account needs a password")
			}
		} else if strings.HasPrefix(r.Destination, `\\`) {
			v.errAt(join(p, "account"), `a network destination needs an account with write access (DOMAIN\user)`)
		}
		if m := textLimit(r.CreatedBy, MaxImageText); !m.IsZero() {
			v.errAt(join(p, "created_by"), "created_by has %s", m)
		}
		if m := textLimit(r.Version, MaxImageVersion); !m.IsZero() {
			v.errAt(join(p, "image_version"), "the image version has %s", m)
		}
		if m := textLimit(r.Description, MaxImageText); !m.IsZero() {
			v.errAt(join(p, "image_description"), "the image description has %s", m)
		}
		switch r.Compression {
		case CompressXpress, CompressNone, CompressLZX:
		default:
			v.errAt(join(p, "compression"), `compression is "xpress", "lzx" or "none", not %q`, r.Compression)
		}
	},
	"run-command-line": func(v *validator, p string, props Props) {
		r := props.(*RunCommandLine)
		if r.CommandLine == "" {
			v.errAt(join(p, "command_line"), "the command line is required")
		} else if m := textLimit(r.CommandLine, MaxCommandLine); !m.IsZero() {
			v.errAt(join(p, "command_line"), "a command line has %s", m)
		}
		if m := textLimit(r.WorkingDirectory, 255); !m.IsZero() {
			v.errAt(join(p, "working_directory"), "the working folder has %s", m)
		}
		if r.OutputVariable != "" {
			v.check(join(p, "output_variable"), CheckVariableName(r.OutputVariable))
		}
	},
	"set-variable": func(v *validator, p string, props Props) {
		r := props.(*SetVariable)
		v.check(join(p, "variable"), CheckVariableName(r.Variable))
		if m := textLimit(r.Value, MaxVariableValue); !m.IsZero() {
			v.errAt(join(p, "value"), "a variable value has %s", m)
		}
	},
}

// clearSecret runs check on a secret whose clear value is in the file
// (plain:); references are checked when they are revealed.
func (v *validator) clearSecret(path string, s secret.Value, check func(string) msg.Message) {
	if !s.IsPlaintext() {
		return
	}
	clear, _ := s.Reveal(path, nil)
	v.check(path, check(clear))
}

func (v *validator) join(p, mode, workgroup, domain, ou, account string, password secret.Value) {
	switch mode {
	case JoinWorkgroup:
		switch {
		case workgroup == "":
			v.errAt(join(p, "workgroup"), "the workgroup name is required (1 to 32 characters)")
		case utf8.RuneCountInString(workgroup) > MaxWorkgroup:
			v.errAt(join(p, "workgroup"), "a workgroup name has at most %d characters", MaxWorkgroup)
		}
	case JoinDomain:
		switch {
		case domain == "":
			v.errAt(join(p, "domain"), "the domain to join is required, e.g. corp.example.com")
		case utf8.RuneCountInString(domain) > MaxDomain:
			v.errAt(join(p, "domain"), "a domain name has at most %d characters", MaxDomain)
		}
		v.check(join(p, "domain_ou"), CheckDomainOU(ou))
		if account == "" {
			v.errAt(join(p, "account"), `joining a domain needs an account with permission to join (DOMAIN\user or %%VARIABLE%%)`)
		} else {
			v.check(join(p, "account"), CheckAccount(account))
		}
		if !password.IsSet() {
			v.errAt(join(p, "password"), "joining a domain needs the account's password")
		}
	default:
		v.errAt(join(p, "join"), `join is "workgroup" or "domain", not %q`, mode)
	}
}

// controls finds the control characters in every text of the sequence
// (docs/errors.md): its header, the variables' names and values, and
// every string of every item, the step types' own fields found by
// reflection so that a new field cannot be left out. Fields tagged
// text:"multiline" (and the descriptions and conditions) may hold line
// breaks and tabs; every other text is one line.
func (v *validator) controls() {
	s := v.seq
	v.control("name", s.Name, 0, false, "the task sequence name has %s")
	v.control("description", s.Description, 0, true, "the description has %s")
	v.control("kind", s.Kind, 0, false, "")
	v.control("boot_image.path", s.BootImage.Path, 0, false, "")
	v.control("boot_image.arch", s.BootImage.Arch, 0, false, "")
	for _, vr := range s.Variables {
		p := join("variables", tomlKey(vr.Name))
		if r, _, i, ok := FindControl(vr.Name, false); ok {
			// The name is a key: point at the key.
			m := msg.New("a variable name has %s", msg.New("a control character (%s) at character %d", fmt.Sprintf("U+%04X", r), i))
			v.probs = append(v.probs, Problem{File: s.file, Pos: s.ix.key(p), Path: p, Msg: m.String(), Message: m})
			v.ctrl[p] = true
			continue
		}
		v.control(p, vr.Value, 0, false, "a variable value has %s")
	}
	var items func(path string, list []*Item)
	items = func(path string, list []*Item) {
		for i, it := range list {
			p := fmt.Sprintf("%s[%d]", path, i)
			v.control(join(p, "name"), it.Name, 0, false, "a step or group name has %s")
			v.control(join(p, "description"), it.Description, 0, true, "a description has %s")
			v.control(join(p, "condition"), it.Condition, 0, true, "")
			if it.IsGroup() {
				items(join(p, "steps"), it.Steps)
				continue
			}
			v.control(join(p, "run_in"), it.RunIn, 0, false, "")
			if it.Props != nil {
				v.textFields(p, reflect.ValueOf(it.Props).Elem())
			}
		}
	}
	items("steps", s.Steps)
}

// textFields checks the strings of a step type's struct (and of its
// lists of tables), by their toml keys.
func (v *validator) textFields(p string, rv reflect.Value) {
	t := rv.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := f.Tag.Get("toml")
		if key == "" || key == "-" {
			continue
		}
		fp, fv := join(p, key), rv.Field(i)
		multi := f.Tag.Get("text") == "multiline"
		switch {
		case f.Type == secretType:
			// A secret in clear in the file (plain:VALUE) or typed in the
			// wizard; references are checked when they are revealed. The
			// message names the character, never the secret.
			sv := fv.Interface().(secret.Value)
			if sv.Kind() == secret.Clear {
				clear, _ := sv.Reveal(fp, nil)
				prefix := 0
				if sv.IsPlaintext() {
					prefix = len("plain:")
				}
				v.control(fp, clear, prefix, false, "")
			}
		case f.Type.Kind() == reflect.String:
			v.control(fp, fv.String(), 0, multi, "")
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
			for j := 0; j < fv.Len(); j++ {
				v.control(fmt.Sprintf("%s[%d]", fp, j), fv.Index(j).String(), 0, multi, "")
			}
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			for j := 0; j < fv.Len(); j++ {
				v.textFields(fmt.Sprintf("%s[%d]", fp, j), fv.Index(j))
			}
		}
	}
}

// control reports the first control character of the text at path, at
// its exact position in the file (prefix is how many bytes of the value
// as written come before the text, e.g. plain:). format words the
// problem ("a step or group name has %s"); "" uses the general one.
func (v *validator) control(path, text string, prefix int, multiline bool, format string) {
	r, off, i, ok := FindControl(text, multiline)
	if !ok {
		return
	}
	c := msg.New("a control character (%s) at character %d", fmt.Sprintf("U+%04X", r), i)
	var m msg.Message
	switch {
	case format != "":
		m = msg.New(format, c)
	case multiline:
		m = msg.New("the text has %s; only line breaks and tabs may appear in it", c)
	default:
		m = msg.New("the text has %s; a one-line value holds no control characters, tabs or line breaks", c)
	}
	v.probs = append(v.probs, Problem{File: v.seq.file, Pos: v.seq.ix.within(path, prefix+off), Path: path, Msg: m.String(), Message: m})
	v.ctrl[path] = true
}

// crossChecks are the rules that look at several steps together.
func (v *validator) crossChecks() {
	type found struct {
		path string
		it   *Item
	}
	var network []found
	var domainJoin *found
	var walk func(path string, items []*Item)
	walk = func(path string, items []*Item) {
		for i, it := range items {
			p := fmt.Sprintf("%s[%d]", path, i)
			if it.IsGroup() {
				if !it.Disabled {
					walk(join(p, "steps"), it.Steps)
				}
				continue
			}
			if it.Disabled {
				continue
			}
			switch props := it.Props.(type) {
			case *ApplyNetworkSettings:
				network = append(network, found{p, it})
				if props.Join == JoinDomain && domainJoin == nil {
					domainJoin = &found{p, it}
				}
			case *JoinDomainOrWorkgroup:
				if props.Join == JoinDomain {
					domainJoin = &found{p, it}
				} else {
					domainJoin = nil // joining a workgroup again undoes it
				}
			case *PrepareWindowsForCapture:
				if domainJoin != nil {
					v.warnAt(p, "Prepare Windows for Capture fails on a domain-joined computer, and %q joins a domain; join a workgroup before capturing", domainJoin.it.Name)
				}
			}
		}
	}
	walk("steps", v.seq.Steps)
	if len(network) > 1 {
		for _, f := range network[1:] {
			v.warnAt(f.path, "several Apply Network Settings steps: their conditions do not apply and the last one wins (put each in its own group)")
		}
	}
}

// condition checks a condition's syntax; see condition.go.
func (v *validator) condition(path, text string) {
	if off, text2, ok := checkCondition(text); !ok {
		pos := v.seq.ix.within(path, min(off, len(text)))
		m := msg.New("condition: %s", text2)
		v.probs = append(v.probs, Problem{File: v.seq.file, Pos: pos, Path: path, Msg: m.String(), Message: m})
	}
}
