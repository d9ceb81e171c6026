package wizard

import "github.com/refimage/refimage/engine/sequence"

// Flow is the choice of the first page.
type Flow string

// Flows.
const (
	FlowBuild  Flow = "build-and-capture" // Build and capture a reference operating system image
	FlowCustom Flow = "custom"            // Create a new custom task sequence (capture an existing computer)
	FlowOpen   Flow = "open"              // Open an existing sequence
	FlowImport Flow = "import"            // Import a ConfigMgr or MDT task sequence (docs/interop.md)
)

// Administrator account options.
const (
	AdminRandom = "random" // random password, account disabled (recommended)
	AdminEnable = "enable" // enabled with the given password
)

// Updates options.
const (
	UpdatesMandatory = sequence.UpdatesMandatory
	UpdatesAll       = sequence.UpdatesAll
	UpdatesNone      = "none"
)

// App is one entry of the Install Applications list. Success codes are
// kept as typed ("0 3010").
type App struct {
	Name         string
	Source       string
	CommandLine  string
	SuccessCodes string
}

// Answers are every value the wizard asks for. Numbers are kept as typed so
// that Previous keeps an invalid value; secrets hold what was typed (clear
// text, or a reference: env:NAME, prompt, enc:v1:…).
type Answers struct {
	Flow     Flow
	OpenPath string

	// Task Sequence Information.
	Name        string
	Description string
	BootPath    string
	BootArch    string

	// Install Windows.
	ImagePath      string
	ImageIndex     string
	ProductKey     string
	LicenseMode    string
	MaxConnections string
	Admin          string
	AdminPassword  string
	AdminConfirm   string
	TimeZone       string
	RegisteredUser string
	RegisteredOrg  string

	// Configure Network.
	Join         string
	Workgroup    string
	Domain       string
	DomainOU     string
	JoinAccount  string
	JoinPassword string
	JoinConfirm  string

	// Install Configuration Manager.
	ClientPackage     string
	InstallProperties string

	// Include Updates.
	Updates       string
	UpdatesSource string

	// Install Applications.
	Apps              []App
	ContinueOnFailure bool

	// System Preparation.
	SysprepPackage string
	KeepActivation bool
	Shutdown       bool

	// Image Properties.
	CreatedBy        string
	ImageVersion     string
	ImageDescription string

	// Capture Image.
	CaptureDest     string
	CaptureAccount  string
	CapturePassword string
	CaptureConfirm  string

	// Custom flow: is the ConfigMgr client installed on the reference computer.
	ClientInstalled bool

	// Summary: where to write and how to protect the secrets.
	Output            string
	Overwrite         bool
	Passphrase        string
	PassphraseConfirm string
}

// defaults fills the answers a new wizard starts with.
func (a *Answers) defaults(env *Env) {
	a.Flow = FlowBuild
	a.BootArch = sequence.ArchX64
	a.ImageIndex = "1"
	a.LicenseMode = sequence.LicenseNone
	a.Admin = AdminRandom
	a.TimeZone = "UTC"
	a.RegisteredUser = env.User
	a.RegisteredOrg = env.Organization
	a.Join = sequence.JoinWorkgroup
	a.Workgroup = sequence.DefaultWorkgroup
	a.Updates = UpdatesMandatory
	a.ContinueOnFailure = true
	a.CreatedBy = env.User
}
