package wizard

import (
	"strings"

	"github.com/refimage/refimage/wizard/form"
)

// Lang is a language of the wizard's messages (package form's: both
// wizards and the screens speak the same languages). Each wizard has its
// own (New takes it); there is no language of the process.
type Lang = form.Lang

// The languages: one catalog each (catalogEN here, catalogKO in
// messages_ko.go). A test fails when a key is missing from either.
const (
	English = form.English
	Korean  = form.Korean
)

var catalogs = form.Catalog{English: catalogEN, Korean: catalogKO}

// Langs lists the languages.
func Langs() []Lang { return []Lang{English, Korean} }

// CatalogKeys returns the keys of a language's catalog, sorted.
func CatalogKeys(l Lang) []string { return catalogs.Keys(l) }

// ParseLang reads a language: en or ko, or a locale such as ko_KR.UTF-8
// or en-US. C and POSIX are English.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "c" || s == "posix" || strings.HasPrefix(s, "c.") {
		return English, true
	}
	code := s
	if i := strings.IndexAny(s, "_-.@"); i >= 0 {
		code = s[:i]
	}
	switch code {
	case "en":
		return English, true
	case "ko", "kor":
		return Korean, true
	}
	return English, false
}

// LangFromEnv is the language of the locale: the first of LC_ALL,
// LC_MESSAGES and LANG that is set decides; English otherwise (also for a
// language without a catalog).
func LangFromEnv(getenv func(string) string) Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			l, _ := ParseLang(v)
			return l
		}
	}
	return English
}

// Every user-visible string of the wizard, keyed by message ID: page
// texts (page.KEY.title|nav|help), field texts (PAGE.FIELD.label|help,
// options PAGE.FIELD.VALUE), errors (err.*), warnings (warn.*) and
// navigation messages (nav.*). Keys under "_." are shared by every page
// (a lookup of "capture.password.label" falls back to
// "_.password.label"). Group and step names the wizard writes are under
// "name.*".
var catalogEN = map[string]string{
	// Pages.
	"page.start.title":            "Create a New Task Sequence",
	"page.start.nav":              "New Task Sequence",
	"page.start.help":             "Choose what to create. Build and capture installs Windows on a reference computer and captures it to a .wim; the custom sequence captures a reference computer that is already set up.",
	"page.info.title":             "Task Sequence Information",
	"page.info.nav":               "Sequence Information",
	"page.info.help":              "Name the task sequence and choose the Windows PE boot image it restarts into.",
	"page.windows.title":          "Install Windows",
	"page.windows.nav":            "Install Windows",
	"page.windows.help":           "The image to install, its product key and licensing, and the local Administrator account.",
	"page.network.title":          "Configure Network",
	"page.network.nav":            "Configure Network",
	"page.network.help":           "Join a workgroup or a domain. The sequence always joins a workgroup before it captures the image.",
	"page.client.title":           "Install Configuration Manager",
	"page.client.nav":             "Install ConfigMgr",
	"page.client.help":            "The Configuration Manager client package installed while Windows is set up, and its installation properties.",
	"page.updates.title":          "Include Updates",
	"page.updates.nav":            "Include Updates",
	"page.updates.help":           "Which software updates to install on the reference computer.",
	"page.applications.title":     "Install Applications",
	"page.applications.nav":       "Install Applications",
	"page.applications.help":      "Applications install in list order. With no applications the Install Applications step is left out.",
	"page.sysprep.title":          "System Preparation",
	"page.sysprep.nav":            "System Preparation",
	"page.sysprep.help":           "How Windows is prepared (sysprep) before the capture.",
	"page.image.title":            "Image Properties",
	"page.image.nav":              "Image Properties",
	"page.image.help":             "Stored in the captured .wim file.",
	"page.capture.title":          "Capture Image",
	"page.capture.nav":            "Capture Image",
	"page.capture.help":           "Where the captured image is written, and the account that can write there.",
	"page.capture_settings.title": "Capture Settings",
	"page.capture_settings.nav":   "Capture Settings",
	"page.capture_settings.help":  "The sequence prepares the computer in front of you (sysprep), restarts into Windows PE and captures it. Do not join the reference computer to a domain.",
	"page.summary.title":          "Summary",
	"page.summary.nav":            "Summary",
	"page.summary.help":           "Check your choices. Write saves the task sequence.",
	"page.progress.title":         "Progress",
	"page.progress.nav":           "Progress",
	"page.progress.help":          "The task sequence is written and checked.",
	"page.completion.title":       "Completion",
	"page.completion.nav":         "Completion",
	"page.completion.help":        "The task sequence is ready. Choose what to do next.",

	// Create a New Task Sequence.
	"start.flow.label":             "What to create",
	"start.flow.help":              "Up and down choose.",
	"start.flow.build-and-capture": "Build and capture a reference operating system image",
	"start.flow.custom":            "Create a new custom task sequence (capture an existing reference computer)",
	"start.flow.open":              "Open an existing sequence",
	"start.open.label":             "Sequence file",
	"start.open.help":              "A .toml task sequence. The pages are filled from it; what the wizard does not show is kept.",
	"start.flow.import":            "Import a ConfigMgr or MDT task sequence",
	"start.import.label":           "Task sequence to import",
	"start.import.help":            "A ConfigMgr task sequence (.xml, an export's object.xml or the exported .zip) or an MDT ts.xml. Steps refimage does not run are kept, not run; see docs/interop.md.",

	// Task Sequence Information.
	"info.name.label":        "Task sequence name",
	"info.name.help":         "Up to 50 characters.",
	"info.description.label": "Description",
	"info.description.help":  "Optional, up to 512 characters.",
	"info.boot_image.label":  "Boot image",
	"info.boot_image.help":   `The Windows PE boot.wim the sequence restarts into, e.g. \\server\boot$\x64\boot.wim. Its architecture must suit the computer: an x64 computer starts x86 or x64 boot images, an x86 computer only x86.`,
	"info.boot_arch.label":   "Boot image architecture",
	"info.boot_arch.help":    "Up and down choose.",
	"info.boot_arch.x64":     "x64",
	"info.boot_arch.x86":     "x86",
	"info.boot_arch.arm64":   "arm64",

	// Install Windows.
	"windows.image.label":                   "Image package",
	"windows.image.help":                    `The operating system image (.wim) to install, e.g. \\server\images$\install.wim.`,
	"windows.index.label":                   "Image index",
	"windows.index.help":                    "Which image of the .wim to install (1 or more). When the file can be read, choose it from the list.",
	"windows.arch.label":                    "Architecture",
	"windows.arch.text":                     "boot image %s, image %s",
	"windows.arch.unknown":                  "unknown until the .wim can be read",
	"windows.product_key.label":             "Product key",
	"windows.product_key.help":              "Optional: XXXXX-XXXXX-XXXXX-XXXXX-XXXXX, or env:NAME to read it when the sequence runs.",
	"windows.license.label":                 "Server licensing",
	"windows.license.help":                  "Only for legacy Windows Server versions.",
	"windows.license.none":                  "Do not specify",
	"windows.license.per-seat":              "Per seat",
	"windows.license.per-server":            "Per server",
	"windows.max_connections.label":         "Maximum server connections",
	"windows.max_connections.help":          "5 to 9999.",
	"windows.admin.label":                   "Administrator account",
	"windows.admin.help":                    "Up and down choose.",
	"windows.admin.random":                  "Randomly generate the local administrator password and disable the account (recommended)",
	"windows.admin.enable":                  "Enable the account and specify the local administrator password",
	"windows.admin_password.label":          "Password",
	"windows.admin_password.help":           "1 to 255 characters; or env:NAME, or prompt to ask when the sequence runs.",
	"windows.admin_password.required":       "an enabled Administrator account needs a password (or env:NAME, or prompt)",
	"windows.admin_password_confirm.label":  "Confirm password",
	"windows.time_zone.label":               "Time zone",
	"windows.time_zone.help":                `The Windows time zone name, e.g. UTC or Korea Standard Time.`,
	"windows.registered_user.label":         "Registered user",
	"windows.registered_user.help":          "Written into Windows; defaults to you.",
	"windows.registered_organization.label": "Organization name",
	"windows.registered_organization.help":  "Written into Windows; defaults to this computer's name.",

	// Configure Network.
	"network.join.label":             "Join",
	"network.join.help":              "Up and down choose.",
	"network.join.workgroup":         "Join a workgroup",
	"network.join.domain":            "Join a domain",
	"network.workgroup.label":        "Workgroup",
	"network.workgroup.help":         "1 to 32 characters.",
	"network.domain.label":           "Domain",
	"network.domain.help":            "The Active Directory domain, e.g. corp.example.com.",
	"network.domain_ou.label":        "Domain OU",
	"network.domain_ou.help":         "Optional: LDAP://OU=Workstations,DC=corp,DC=example,DC=com",
	"network.account.label":          "Account",
	"network.account.help":           `An account that may join computers: DOMAIN\user or %VARIABLE%.`,
	"network.password.required":      "joining a domain needs the account's password (or env:NAME, or prompt)",
	"network.password.help":          "The account's password; or env:NAME, or prompt to ask when the sequence runs.",
	"network.password_confirm.label": "Confirm password",

	// Install Configuration Manager.
	"client.package.label":    "Client package",
	"client.package.help":     `The folder of the Configuration Manager client installation, e.g. \\server\client$. Empty: Windows is set up without the client and Prepare ConfigMgr Client is left out.`,
	"client.properties.label": "Installation properties",
	"client.properties.help":  `Separated by spaces; quote values with spaces. Leave out SMSSITECODE. E.g. /mp:mp01.contoso.com SMSCACHESIZE="15000"`,

	// Include Updates.
	"updates.install.label":     "Software updates",
	"updates.install.help":      "Up and down choose.",
	"updates.install.mandatory": "Required for installation - Mandatory software updates only",
	"updates.install.all":       "Available for installation - All software updates",
	"updates.install.none":      "Do not install any software updates",
	"updates.source.label":      "Updates folder",
	"updates.source.help":       "Optional: a folder of .msu and .cab packages to install offline.",

	// Install Applications.
	"applications.list.label":                "Applications",
	"applications.list.help":                 "a add, e or enter edit, d remove, [ and ] move up and down.",
	"applications.name.label":                "Application name",
	"applications.name.help":                 "Up to 255 characters.",
	"applications.source.label":              "Source folder",
	"applications.source.help":               "Optional: the folder that holds the installer.",
	"applications.command_line.label":        "Command line",
	"applications.command_line.help":         "Installs silently, e.g. msiexec /i app.msi /qn. Must not restart by itself: return 3010.",
	"applications.success_codes.label":       "Success codes",
	"applications.success_codes.help":        "Exit codes that mean success, e.g. 0 3010. Enter on the last field finishes the application.",
	"applications.continue_on_failure.label": "If an application fails, continue installing other applications in the list",
	"applications.continue_on_failure.help":  "Space toggles.",
	"applications.unnamed":                   "application %d",
	"applications.none":                      "(none)",
	"applications.empty":                     "No applications. Press a to add one.",

	// System Preparation.
	"sysprep.legacy.label":    "Note",
	"sysprep.legacy.text":     "Sysprep comes with Windows Vista and later: a sysprep package is only needed for older Windows.",
	"sysprep.package.label":   "Sysprep package",
	"sysprep.package.help":    "Optional, legacy: the folder of a sysprep package.",
	"_.keep_activation.label": "Do not reset activation flag",
	"_.keep_activation.help":  "Space toggles. Off: sysprep resets the activation state.",
	"_.shutdown.label":        "Shut down the computer after running sysprep",
	"_.shutdown.help":         "Space toggles. Off: the computer restarts into Windows PE and is captured.",

	// Image Properties.
	"_.created_by.label":  "Created by",
	"_.created_by.help":   "Up to 255 characters; defaults to you.",
	"_.version.label":     "Version",
	"_.version.help":      "Up to 32 characters, your own numbering.",
	"_.description.label": "Description",
	"_.description.help":  "Up to 255 characters.",

	// Capture Image.
	"_.destination.label":                     "Destination",
	"capture.destination.label":               "Path",
	"_.destination.help":                      `The .wim file to write: \\server\share\name.wim or an absolute path. An existing file is overwritten.`,
	"_.account.label":                         "Account",
	"_.account.help":                          `DOMAIN\user with write access to the share (needed for a network path).`,
	"_.password.label":                        "Password",
	"_.password.help":                         "The account's password; or env:NAME, or prompt to ask when the sequence runs.",
	"_.password.required":                     "the account needs its password (or env:NAME, or prompt)",
	"_.password_confirm.label":                "Confirm password",
	"_.password_confirm.help":                 "Type the password again.",
	"capture_settings.client_installed.label": "The Configuration Manager client is installed",
	"capture_settings.client_installed.help":  "Space toggles. On: Prepare ConfigMgr Client for Capture runs first.",

	// Summary.
	"summary.output.label":             "Write to",
	"summary.output.help":              "The task sequence file (.toml).",
	"summary.overwrite.label":          "Overwrite the existing file",
	"summary.overwrite.help":           "Space toggles. The file exists.",
	"summary.passphrase.label":         "Passphrase for the secrets",
	"summary.passphrase.help":          "Encrypts the passwords you typed. Needed to run the sequence (or set REFIMAGE_PASSPHRASE).",
	"summary.passphrase_confirm.label": "Confirm passphrase",
	"summary.passphrase_confirm.help":  "Type the passphrase again.",

	// Values.
	"value.none":       "(none)",
	"value.yes":        "Yes",
	"value.no":         "No",
	"secret.encrypted": "(encrypted)",

	// Errors: what is wrong and how to fix it.
	"err.required":           "%s is required",
	"err.max":                "at most %d characters: this has %d, remove %d",
	"err.control":            "a control character (%s) at character %d: one line of text holds no control characters, tabs or line breaks",
	"err.control-lines":      "a control character (%s) at character %d: only line breaks and tabs may appear in this text",
	"err.choice":             "choose one of %s (not \"%s\")",
	"err.open-toml":          "a task sequence file ends in .toml",
	"err.import-ext":         "a ConfigMgr or MDT task sequence is an .xml file or an exported .zip",
	"err.open":               "the file cannot be read as a task sequence",
	"err.open-more":          " (and %d more problems; run refimage validate)",
	"err.boot-required":      `a build-and-capture sequence restarts into Windows PE: give the boot image, e.g. \\server\boot$\x64\boot.wim`,
	"err.index":              "the image index is a number from 1 to %d",
	"err.index-missing":      "the .wim has no image %d: choose 1 to %d",
	"err.connections":        "per-server licensing needs %d to %d connections",
	"err.confirm":            "does not match the password: type it again",
	"err.confirm-empty":      "type the password again to confirm it",
	"err.workgroup-required": "a workgroup name is required (1 to 32 characters), e.g. WORKGROUP",
	"err.workgroup-chars":    "a workgroup name cannot contain any of %s",
	"err.domain-required":    "the domain to join is required, e.g. corp.example.com",
	"err.domain":             "a domain name is letters, digits and hyphens separated by dots, e.g. corp.example.com",
	"err.join-account":       `joining a domain needs an account with permission to join: DOMAIN\user or %VARIABLE%`,
	"err.sitecode":           "leave SMSSITECODE out: the site is assigned automatically",
	"err.quotes":             `a quote is not closed: quote values with spaces, e.g. SMSCACHEDIR="C:\Cache Dir"`,
	"err.app":                "application %d (%s): %s",
	"err.app-name":           "an application needs a name",
	"err.app-command":        "an application needs the command line that installs it",
	"err.codes-empty":        "give at least one success code, e.g. 0 3010",
	"err.codes":              "\"%s\" is not an exit code: write numbers separated by spaces, e.g. 0 3010",
	"err.capture-account":    `a network destination needs an account with write access: DOMAIN\user`,
	"err.output-toml":        "the task sequence file ends in .toml",
	"err.output-dir":         "the folder %s does not exist: create it, or write somewhere else",
	"err.exists":             "%s exists: tick Overwrite or choose another file",
	"err.passphrase":         "the passwords you typed are encrypted with a passphrase: type one (or set REFIMAGE_PASSPHRASE)",

	// Warnings.
	"warn.boot-custom":           "without a boot image the sequence cannot restart into Windows PE to capture; media need one too",
	"warn.boot-arch-detected":    "the boot image is %s, not %s: choose %[1]s",
	"warn.image-ext":             "an image package is a .wim or .esd (or the first .swm of a split image)",
	"warn.arch-mismatch":         "the boot image is %s but the image is %s: use a boot image of the image's architecture",
	"warn.domain-capture":        "Prepare Windows for Capture fails on a domain-joined computer: the sequence joins the workgroup %s before capture",
	"warn.properties-no-package": "the installation properties are used only with a client package",
	"warn.shutdown":              "the computer shuts down after sysprep instead of restarting into Windows PE: the capture runs only when you start it from boot media",
	"warn.overwritten":           "this file exists: the capture will overwrite it",

	// Navigation.
	"nav.invalid":     "this page has errors: fix them to go on (Previous always works)",
	"nav.write-first": "write the task sequence first",
	"nav.last":        "this is the last page",
	"nav.first":       "this is the first page",
	"nav.written":     "the task sequence is written",
	"nav.fix-page":    "the page \"%s\" has errors: fix it first",

	// Answers files (docs/answers.md).
	"file.table":         "a page is a table: write [%s] on its own line, then its keys",
	"file.other-flow":    "the page \"%s\" is not part of the %s flow: remove the table",
	"file.unknown-table": "unknown table%s; the pages of this flow are %s",
	"file.not-used":      "is not used with the other answers of [%s] (see docs/answers.md): remove it",
	"file.unknown-key":   "unknown key%s; [%s] has %s",
	"file.bool":          "is true or false, not %s",
	"file.number":        "is a number, not %s",
	"file.string":        "is a string (in quotes), not %s",
	"file.apps":          "is a list of applications: write [[applications.app]] before each one",
	"file.app-key":       "unknown key%s; an application has %s",
	"file.not-list":      "is not a list",
	"file.codes":         "is a list of numbers, e.g. [0, 3010]",
	"file.a-string":      "a string",
	"file.a-number":      "a number",
	"file.a-decimal":     "a decimal number",
	"file.a-bool":        "true/false",
	"file.a-list":        "a list",
	"file.a-table":       "a table",
	"file.did-you-mean":  " (did you mean \"%s\"?)",

	// The engine's checks, said in the wizard's language (English shows
	// engine/sequence's own text).
	"err.capture-required":      `a capture destination is required, e.g. \\server\captures\reference.wim`,
	"err.capture-long":          "a capture destination has at most %d characters (this one has %d)",
	"err.capture-wim":           `a capture destination is a .wim file, e.g. \\server\captures\reference.wim`,
	"err.capture-unc":           `a network destination is \\server\share\folder\name.wim`,
	"err.capture-where":         `a capture destination is a UNC path (\\server\share\name.wim) or an absolute path (D:\captures\name.wim)`,
	"err.tz":                    "not a Windows time zone ID (tzutil /l lists them), e.g. UTC or Korea Standard Time",
	"err.tz-mean":               "\"%s\" is not a Windows time zone ID: did you mean \"%s\"?",
	"windows.time_zone.matches": "Matching IDs: %s",
	"windows.time_zone.more":    " and %d more",
	"warn.ou-domain":            "this OU is in the domain %s, not in %s, the one joined: the join will fail",
	"err.account":               `"%s" is not an account: write DOMAIN\user or %%VARIABLE%%`,
	"err.product-key":           "a product key is five groups of five letters or digits separated by dashes (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)",
	"err.ou-long":               "an OU path has at most %d characters",
	"err.ou":                    "an OU is an LDAP path such as LDAP://OU=Workstations,DC=corp,DC=example,DC=com",
	"err.env-name":              "%s: an environment variable name has letters, digits and _ and does not start with a digit",
	"err.enc":                   "the encrypted value is damaged: type the secret again",
	"err.secret":                "a secret is env:NAME, prompt, enc:v1:... (encrypted), or plain:VALUE (clear text, not recommended)",

	// Group and step names of the sequences the wizard writes (the English
	// ones are engine/sequence's template names).
	"name.group.build":        "Build the Reference Computer",
	"name.group.capture":      "Capture the Reference Computer",
	"name.restart-winpe":      "Restart in Windows PE",
	"name.partition-bios":     "Partition Disk 0 - BIOS",
	"name.partition-uefi":     "Partition Disk 0 - UEFI",
	"name.apply-os":           "Apply Operating System",
	"name.apply-settings":     "Apply Windows Settings",
	"name.apply-network":      "Apply Network Settings",
	"name.apply-drivers":      "Apply Device Drivers",
	"name.setup-windows":      "Setup Windows and ConfigMgr",
	"name.install-updates":    "Install Updates",
	"name.install-apps":       "Install Applications",
	"name.join-workgroup":     "Join Workgroup",
	"name.prepare-client":     "Prepare ConfigMgr Client",
	"name.prepare-os":         "Prepare Operating System",
	"name.capture-reference":  "Capture the Reference Computer",
	"name.custom-prep-client": "Prepare ConfigMgr Client for Capture",
	"name.custom-prep-win":    "Prepare Windows for Capture",
	"name.custom-capture":     "Capture Operating System Image",
}

// MsgIn returns the message with the ID in a language (English when
// that language does not have it); a missing ID is returned as is so a
// gap shows instead of an empty label. A wizard's own messages are
// w.Msg, in its language.
func MsgIn(l Lang, id string) string { return catalogs.Msg(l, id) }
