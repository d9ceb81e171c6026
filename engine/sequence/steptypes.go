package sequence

import (
	"sort"

	"github.com/refimage/refimage/engine/sequence/secret"
)

// StepInfo describes a step type.
type StepInfo struct {
	Type       string   // file name of the type, e.g. "apply-os-image"
	EditorName string   // ConfigMgr editor name, e.g. "Apply Operating System Image"
	WizardName string   // the name the wizard gives the step, e.g. "Apply Operating System"
	Category   string   // the editor's Add menu: General, Disks, Images, Drivers, Settings, Software
	RunIn      []string // where it can run; the first is the default
	Component  string   // CMTrace log component
	New        func() Props
}

var stepInfos = map[string]*StepInfo{}

func registerStep(si *StepInfo) { stepInfos[si.Type] = si }

// LookupStep returns the description of a step type.
func LookupStep(typ string) (*StepInfo, bool) {
	si, ok := stepInfos[typ]
	return si, ok
}

// StepTypes returns every step type refimage runs, sorted by category then
// editor name (not the preserved foreign step, see ForeignType).
func StepTypes() []*StepInfo {
	out := make([]*StepInfo, 0, len(stepInfos))
	for _, si := range stepInfos {
		if si.Type != ForeignType {
			out = append(out, si)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Category != out[j].Category {
			return out[i].Category < out[j].Category
		}
		return out[i].EditorName < out[j].EditorName
	})
	return out
}

// NewStep returns a step of the type with its defaults, named after the
// type as the editor does.
func NewStep(typ string) *Item {
	si, ok := stepInfos[typ]
	if !ok {
		return nil
	}
	return &Item{
		Type:         typ,
		Name:         si.EditorName,
		RunIn:        si.RunIn[0],
		SuccessCodes: append([]int(nil), DefaultSuccessCodes...),
		Props:        si.New(),
	}
}

// NewGroup returns an empty group.
func NewGroup(name string) *Item { return &Item{Type: GroupType, Name: name} }

// Step types. Field tags: toml is the key; secret:"productkey" masks a
// product key; text:"multiline" lets a string hold line breaks and tabs
// (every other string is one line and holds no control character, see
// FindControl); the zero values and New() defaults are what a file may
// omit.

// RestartComputer restarts into the boot image (WinPE) or the installed OS.
type RestartComputer struct {
	Target         string `toml:"target"` // winpe | installed-os
	Notify         bool   `toml:"notify"`
	Message        string `toml:"message" text:"multiline"` // the notification may span lines
	MessageTimeout int    `toml:"message_timeout"`          // seconds
}

// Restart targets.
const (
	TargetWinPE       = "winpe"
	TargetInstalledOS = "installed-os"
)

// DefaultRestartMessage is the wizard's default notification.
const DefaultRestartMessage = "A new Microsoft Windows operating system is being installed. The computer must restart to continue."

// PartitionDisk is Format and Partition Disk.
type PartitionDisk struct {
	Disk         int         `toml:"disk"`
	DiskVariable string      `toml:"disk_variable"` // variable holding the disk number; overrides disk
	Style        string      `toml:"style"`         // gpt | mbr
	Partitions   []Partition `toml:"partitions"`
}

// Partition is one entry of a partition-disk volume list.
type Partition struct {
	Name           string `toml:"name"`            // volume label
	Type           string `toml:"type"`            // primary | extended | logical | hidden | efi | msr | recovery
	Size           int    `toml:"size"`            // 0 = all remaining space
	SizeUnit       string `toml:"size_unit"`       // mb | gb | percent (of the remaining space)
	FileSystem     string `toml:"file_system"`     // ntfs | fat32 | "" (do not format)
	QuickFormat    bool   `toml:"quick_format"`    //
	Bootable       bool   `toml:"bootable"`        // MBR active partition / the Windows partition for GPT
	AssignLetter   bool   `toml:"assign_letter"`   //
	LetterVariable string `toml:"letter_variable"` // receives the drive letter
}

// ApplyOSImage is Apply Operating System Image.
type ApplyOSImage struct {
	Image      string `toml:"image"` // path of the .wim or .esd (or first .swm)
	Index      int    `toml:"index"`
	Split      bool   `toml:"split"`       // the image is a split set (.swm parts)
	AnswerFile string `toml:"answer_file"` // unattend.xml to merge
	// Destination: next-available | disk-partition | drive-letter | variable
	Destination   string `toml:"destination"`
	DestDisk      int    `toml:"destination_disk"`
	DestPartition int    `toml:"destination_partition"`
	DestLetter    string `toml:"destination_letter"`
	DestVariable  string `toml:"destination_variable"`
}

// ApplyWindowsSettings writes the Windows settings into the answer file.
type ApplyWindowsSettings struct {
	RegisteredUser      string       `toml:"registered_user"`
	RegisteredOrg       string       `toml:"registered_organization"`
	ProductKey          secret.Value `toml:"product_key" secret:"productkey"`
	LicenseMode         string       `toml:"license_mode"` // none | per-seat | per-server
	MaxConnections      int          `toml:"max_connections"`
	RandomAdminPassword bool         `toml:"random_admin_password"`
	AdminPassword       secret.Value `toml:"admin_password"`
	TimeZone            string       `toml:"time_zone"`
	ComputerName        string       `toml:"computer_name"`
	InputLocale         string       `toml:"input_locale"`
	SystemLocale        string       `toml:"system_locale"`
	UILanguage          string       `toml:"ui_language"`
	UILanguageFallback  string       `toml:"ui_language_fallback"`
	UserLocale          string       `toml:"user_locale"`
}

// License modes.
const (
	LicenseNone      = "none"
	LicensePerSeat   = "per-seat"
	LicensePerServer = "per-server"
)

// Secrets implements secretHolder.
func (p *ApplyWindowsSettings) Secrets() []*secret.Value {
	return []*secret.Value{&p.ProductKey, &p.AdminPassword}
}

// Network join types.
const (
	JoinWorkgroup = "workgroup"
	JoinDomain    = "domain"
)

// ApplyNetworkSettings writes the network join settings into the answer file.
type ApplyNetworkSettings struct {
	Join      string       `toml:"join"` // workgroup | domain
	Workgroup string       `toml:"workgroup"`
	Domain    string       `toml:"domain"`
	DomainOU  string       `toml:"domain_ou"`
	Account   string       `toml:"account"`
	Password  secret.Value `toml:"password"`
	DNSDomain string       `toml:"dns_domain"`
}

// Secrets implements secretHolder.
func (p *ApplyNetworkSettings) Secrets() []*secret.Value { return []*secret.Value{&p.Password} }

// AutoApplyDrivers matches drivers from a driver store to the hardware.
type AutoApplyDrivers struct {
	Source        string   `toml:"source"` // folder of driver packages (INF)
	BestMatch     bool     `toml:"best_match"`
	Categories    []string `toml:"categories"`
	AllowUnsigned bool     `toml:"allow_unsigned"`
}

// ApplyDriverPackage stages every driver of one package.
type ApplyDriverPackage struct {
	Package           string `toml:"package"` // folder of the driver package
	Recurse           bool   `toml:"recurse"`
	AdditionalOptions string `toml:"additional_options"`
	AllowUnsigned     bool   `toml:"allow_unsigned"`
}

// SetupWindowsAndConfigMgr is the WinPE to full OS transition.
type SetupWindowsAndConfigMgr struct {
	ClientPackage        string `toml:"client_package"`
	PreProductionPackage string `toml:"preproduction_package"`
	InstallProperties    string `toml:"install_properties"`
}

// Update targets.
const (
	UpdatesMandatory = "mandatory"
	UpdatesAll       = "all"
)

// InstallSoftwareUpdates installs updates.
type InstallSoftwareUpdates struct {
	Target   string `toml:"target"` // mandatory | all
	UseCache bool   `toml:"use_cache"`
	Source   string `toml:"source"` // folder of .msu/.cab packages
}

// InstallApplications installs an ordered list of applications.
type InstallApplications struct {
	Applications      []Application `toml:"applications"`
	ContinueOnFailure bool          `toml:"continue_on_failure"`
	ClearCache        bool          `toml:"clear_cache"`
}

// Application is one entry of install-applications.
type Application struct {
	Name         string `toml:"name"`
	Source       string `toml:"source"`
	CommandLine  string `toml:"command_line"`
	SuccessCodes []int  `toml:"success_codes"`
}

// JoinDomainOrWorkgroup joins from the installed OS.
type JoinDomainOrWorkgroup struct {
	Join       string       `toml:"join"`
	Workgroup  string       `toml:"workgroup"`
	Domain     string       `toml:"domain"`
	DomainOU   string       `toml:"domain_ou"`
	Account    string       `toml:"account"`
	Password   secret.Value `toml:"password"`
	SkipReboot bool         `toml:"skip_reboot"`
}

// Secrets implements secretHolder.
func (p *JoinDomainOrWorkgroup) Secrets() []*secret.Value { return []*secret.Value{&p.Password} }

// PrepareConfigMgrClient removes the client's identity before capture.
type PrepareConfigMgrClient struct{}

// PrepareWindowsForCapture runs sysprep.
type PrepareWindowsForCapture struct {
	KeepActivation         bool   `toml:"keep_activation"`
	BuildStorageDriverList bool   `toml:"build_storage_driver_list"`
	Shutdown               bool   `toml:"shutdown"`
	SysprepPackage         string `toml:"sysprep_package"` // legacy; not needed from Vista on
}

// Capture compressions.
const (
	CompressXpress = "xpress"
	CompressNone   = "none"
	CompressLZX    = "lzx"
)

// CaptureOSImage captures the reference computer into a WIM.
type CaptureOSImage struct {
	Destination string       `toml:"destination"`
	Account     string       `toml:"account"`
	Password    secret.Value `toml:"password"`
	CreatedBy   string       `toml:"created_by"`
	Version     string       `toml:"image_version"`
	Description string       `toml:"image_description"`
	Compression string       `toml:"compression"`
}

// Secrets implements secretHolder.
func (p *CaptureOSImage) Secrets() []*secret.Value { return []*secret.Value{&p.Password} }

// RunCommandLine runs a command.
type RunCommandLine struct {
	CommandLine             string `toml:"command_line"`
	WorkingDirectory        string `toml:"working_directory"`
	OutputVariable          string `toml:"output_variable"`
	DisableWow64Redirection bool   `toml:"disable_wow64_redirection"`
	HideCommand             bool   `toml:"hide_command"` // OSDDoNotLogCommand
}

// SetVariable sets a task sequence variable; an empty value deletes it.
type SetVariable struct {
	Variable string `toml:"variable"`
	Value    string `toml:"value"`
}

func (*RestartComputer) StepType() string          { return "restart-computer" }
func (*PartitionDisk) StepType() string            { return "partition-disk" }
func (*ApplyOSImage) StepType() string             { return "apply-os-image" }
func (*ApplyWindowsSettings) StepType() string     { return "apply-windows-settings" }
func (*ApplyNetworkSettings) StepType() string     { return "apply-network-settings" }
func (*AutoApplyDrivers) StepType() string         { return "auto-apply-drivers" }
func (*ApplyDriverPackage) StepType() string       { return "apply-driver-package" }
func (*SetupWindowsAndConfigMgr) StepType() string { return "setup-windows-and-configmgr" }
func (*InstallSoftwareUpdates) StepType() string   { return "install-software-updates" }
func (*InstallApplications) StepType() string      { return "install-applications" }
func (*JoinDomainOrWorkgroup) StepType() string    { return "join-domain-or-workgroup" }
func (*PrepareConfigMgrClient) StepType() string   { return "prepare-configmgr-client" }
func (*PrepareWindowsForCapture) StepType() string { return "prepare-windows-for-capture" }
func (*CaptureOSImage) StepType() string           { return "capture-os-image" }
func (*RunCommandLine) StepType() string           { return "run-command-line" }
func (*SetVariable) StepType() string              { return "set-variable" }

var (
	winpe  = []string{RunInWinPE}
	fullOS = []string{RunInFullOS}
	anyEnv = []string{RunInAny, RunInWinPE, RunInFullOS}
)

func init() {
	for _, si := range []*StepInfo{
		{"restart-computer", "Restart Computer", "Restart in Windows PE", "General", anyEnv, "TSManager",
			func() Props {
				return &RestartComputer{Target: TargetWinPE, Notify: true, Message: DefaultRestartMessage, MessageTimeout: 60}
			}},
		{"partition-disk", "Format and Partition Disk", "Partition Disk 0", "Disks", winpe, "OSDDiskPart",
			func() Props { return &PartitionDisk{Style: "gpt"} }},
		{"apply-os-image", "Apply Operating System Image", "Apply Operating System", "Images", winpe, "ApplyOperatingSystem",
			func() Props { return &ApplyOSImage{Index: 1, Destination: "next-available"} }},
		{"apply-windows-settings", "Apply Windows Settings", "Apply Windows Settings", "Settings", winpe, "OSDWinSettings",
			func() Props {
				return &ApplyWindowsSettings{LicenseMode: LicenseNone, RandomAdminPassword: true, TimeZone: "UTC", ComputerName: "%_SMSTSMachineName%"}
			}},
		{"apply-network-settings", "Apply Network Settings", "Apply Network Settings", "Settings", winpe, "OSDNetSettings",
			func() Props { return &ApplyNetworkSettings{Join: JoinWorkgroup, Workgroup: "WORKGROUP"} }},
		{"auto-apply-drivers", "Auto Apply Drivers", "Apply Device Drivers", "Drivers", winpe, "OSDDriverClient",
			func() Props { return &AutoApplyDrivers{BestMatch: true} }},
		{"apply-driver-package", "Apply Driver Package", "Apply Driver Package", "Drivers", winpe, "OSDDriverClient",
			func() Props { return &ApplyDriverPackage{Recurse: true} }},
		{"setup-windows-and-configmgr", "Setup Windows and ConfigMgr", "Setup Windows and ConfigMgr", "Images", winpe, "OSDSetupWindows",
			func() Props { return &SetupWindowsAndConfigMgr{} }},
		{"install-software-updates", "Install Software Updates", "Install Updates", "Software", fullOS, "InstallSWUpdate",
			func() Props { return &InstallSoftwareUpdates{Target: UpdatesMandatory, UseCache: true} }},
		{"install-applications", "Install Application", "Install Applications", "Software", fullOS, "InstallApplication",
			func() Props { return &InstallApplications{} }},
		{"join-domain-or-workgroup", "Join Domain or Workgroup", "Join Workgroup", "General", fullOS, "OSDJoin",
			func() Props { return &JoinDomainOrWorkgroup{Join: JoinWorkgroup, Workgroup: "WORKGROUP"} }},
		{"prepare-configmgr-client", "Prepare ConfigMgr Client for Capture", "Prepare ConfigMgr Client", "Images", fullOS, "OSDPrepareSmsClient",
			func() Props { return &PrepareConfigMgrClient{} }},
		{"prepare-windows-for-capture", "Prepare Windows for Capture", "Prepare Operating System", "Images", fullOS, "OSDPrepareOS",
			func() Props { return &PrepareWindowsForCapture{} }},
		{"capture-os-image", "Capture Operating System Image", "Capture the Reference Computer", "Images", winpe, "OSDCaptureSystemImage",
			func() Props { return &CaptureOSImage{Compression: CompressLZX} }},
		{"run-command-line", "Run Command Line", "Run Command Line", "General", anyEnv, "SMSSWD",
			func() Props { return &RunCommandLine{} }},
		{"set-variable", "Set Task Sequence Variable", "Set Task Sequence Variable", "General", anyEnv, "TSManager",
			func() Props { return &SetVariable{} }},
	} {
		registerStep(si)
	}
}

func (p *Partition) setDefaults() {
	p.Type = "primary"
	p.SizeUnit = "mb"
	p.QuickFormat = true
	p.AssignLetter = true
}

func (a *Application) setDefaults() {
	a.SuccessCodes = append([]int(nil), DefaultSuccessCodes...)
}
