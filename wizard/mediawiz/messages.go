package mediawiz

import (
	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/form"
)

// Every user-visible string of the media wizard, keyed by message ID, as
// in package wizard: page texts (page.KEY.title|nav|help), field texts
// (PAGE.FIELD.label|help, options PAGE.FIELD.VALUE), errors (err.*),
// warnings (warn.*), notes (note.*) and navigation (nav.*). Another
// language is another map with the same keys (catalogKO in
// messages_ko.go); the languages are package wizard's, and each media
// wizard speaks the one New was given. A test fails when a key is
// missing from either catalog.
var catalogEN = map[string]string{
	// Pages.
	"page.type.title":       "Select Media Type",
	"page.type.nav":         "Media Type",
	"page.type.help":        "What the medium carries. Both start the task sequence by themselves on the reference computer.",
	"page.target.title":     "Media Target",
	"page.target.nav":       "Media Target",
	"page.target.help":      "Where the medium is written. ISO images start on BIOS and UEFI computers; USB media start on UEFI computers only.",
	"page.security.title":   "Security",
	"page.security.help":    "Every secret of the sequence goes on the medium encrypted with a key derived from the media password; the password itself is not on the medium.",
	"page.security.nav":     "Security",
	"page.boot.title":       "Boot Image",
	"page.boot.nav":         "Boot Image",
	"page.boot.help":        "The Windows PE that starts the sequence: the folder copype makes (copype amd64 C:\\WinPE_amd64). A customised copy of its boot.wim goes on the medium; the original is never changed.",
	"page.custom.title":     "Customization",
	"page.custom.nav":       "Customization",
	"page.custom.help":      "Media variables are set on the reference computer before the sequence starts; they replace the sequence's own variables of the same name.",
	"page.summary.title":    "Summary",
	"page.summary.nav":      "Summary",
	"page.summary.help":     "Check your choices. Next writes the medium.",
	"page.progress.title":   "Progress",
	"page.progress.nav":     "Progress",
	"page.progress.help":    "The medium is written in the background. esc asks, then stops; ctrl+c stops and quits. A file appears under its name only when it is complete.",
	"page.completion.title": "Completion",
	"page.completion.nav":   "Completion",
	"page.completion.help":  "The medium is written.",

	// Select Media Type.
	"type.sequence.label":    "Task sequence",
	"type.kind.label":        "Media type",
	"type.kind.help":         "Up and down choose.",
	"type.kind.bootable":     "Bootable media: the boot image and the task sequence; the content (OS image, drivers, applications) stays on its network paths",
	"type.kind.standalone":   "Stand-alone media: the task sequence and all the content it needs, for computers without a network",
	"target.target.label":    "Write to",
	"target.target.help":     "Up and down choose.",
	"target.target.iso":      "ISO file (CD/DVD, virtual machines, BIOS and UEFI)",
	"target.target.usb":      "USB image file (copy it to a stick with your imaging tool)",
	"target.target.device":   "USB device (writes a stick now; everything on it is lost)",
	"target.iso.label":       "ISO file",
	"target.iso.help":        "The .iso file to write. It appears only when complete.",
	"target.usb.label":       "USB image file",
	"target.usb.help":        "The disk image to write (.img): a GPT disk with one FAT32 partition. It appears only when complete.",
	"target.overwrite.label": "Replace the existing file",
	"target.overwrite.help":  "Space toggles. The old file stays until the new one is complete.",
	"target.device.label":    "USB device",
	"target.device.help":     "Up and down choose; r looks for disks again. Disks that hold the system are shown but cannot be chosen; a mounted disk cannot be chosen on Linux (unmount it), and on Windows its volumes are taken offline before writing.",
	"target.device.refused":  "refused: %s",

	// Security.
	"security.protect.label":    "Protect media with a password",
	"security.protect.help":     "Space toggles. Strongly recommended: the password is asked for before the sequence starts.",
	"security.password.label":   "Password",
	"security.password.help":    "The media password, or env:NAME to read it from an environment variable now (the command line then says --password-env NAME).",
	"security.confirm.label":    "Confirm password",
	"security.confirm.help":     "Type the password again.",
	"security.nopass.label":     "Without a password",
	"security.nopass.text":      "anyone with the medium can start the sequence, and the sequence may hold no secret other than \"prompt\" (typed in on the reference computer).",
	"security.secrets.label":    "Secrets of the sequence",
	"security.secrets.none":     "none",
	"security.secrets.some":     "%d, encrypted on the medium with the media password",
	"security.secrets.prompt":   "%d, all \"prompt\": typed in on the reference computer",
	"security.passphrase.label": "Passphrase of the sequence",
	"security.passphrase.help":  "The sequence's secrets are encrypted with a passphrase: type it so they can be encrypted again for the medium (or set REFIMAGE_PASSPHRASE).",

	// Boot Image.
	"boot.winpe.label":    "Windows PE source",
	"boot.winpe.help":     "The folder copype made (media\\ and fwfiles\\ inside), or a media folder with the firmware files folder below.",
	"boot.arch.label":     "Boot image",
	"boot.arch.text":      "%s (from its EFI boot loader)",
	"boot.arch.unknown":   "unknown until the source is complete",
	"boot.signing.label":  "Secure Boot",
	"boot.fwfiles.label":  "Firmware files folder",
	"boot.fwfiles.help":   "Optional: the folder with etfsboot.com and efisys.bin. Empty: fwfiles\\ inside the source.",
	"boot.exe.label":      "refimage.exe",
	"boot.exe.help":       "Optional: refimage built for Windows on the boot image's architecture. Empty: refimage-windows-<arch>.exe beside this program (on Windows, this program itself).",
	"boot.exe_used.label": "Used",

	// Customization.
	"custom.variables.label": "Media variables",
	"custom.variables.help":  "One NAME=value a line. Enter adds a line, backspace on an empty line removes it, up and down move.",
	"custom.variables.empty": "(none: type NAME=value)",
	"custom.content.label":   "Content of the stand-alone medium",
	"custom.content.text":    "%d references, all found; copied onto the medium with a manifest (SHA-256)",
	"custom.content.missing": "%d references, %d missing",
	"custom.prestart.label":  "Prestart command",
	"custom.prestart.help":   "Optional: runs in Windows PE before the sequence starts, e.g. cmd /c X:\\tools\\check.cmd. It may ask the user questions.",
	"custom.label.label":     "Volume label",
	"custom.label.help":      "Letters, digits, _ and -; at most 32 characters on an ISO, 11 on USB. Also written to MediaLabel.txt.",

	// Summary.
	"summary.confirm.label":   "Type %s to erase it",
	"summary.confirm.help":    "Everything on %s is lost. Type its name to confirm.",
	"summary.sequence":        "Task sequence",
	"summary.kind":            "Media type",
	"summary.target":          "Write to",
	"summary.password":        "Media password",
	"summary.password.typed":  "typed (not shown)",
	"summary.password.env":    "from $%s",
	"summary.winpe":           "Windows PE source",
	"summary.fwfiles":         "Firmware files",
	"summary.exe":             "refimage.exe",
	"summary.variables":       "Media variables",
	"summary.prestart":        "Prestart command",
	"summary.label":           "Volume label",
	"summary.kind.bootable":   "Bootable media",
	"summary.kind.standalone": "Stand-alone media",
	"summary.target.iso":      "ISO file",
	"summary.target.usb":      "USB image file",
	"summary.target.device":   "USB device",

	// Disks.
	"disk.no-partitions": "no partitions",

	// Values.
	"value.none":    "(none)",
	"value.default": "(default)",
	"value.yes":     "Yes",
	"value.no":      "No",

	// Errors: what is wrong and how to fix it.
	"err.required":         "%s is required",
	"err.choice":           "choose one of %s (not \"%s\")",
	"err.control":          "a control character (%s) at character %d: one line of text holds no control characters, tabs or line breaks",
	"err.control-lines":    "a control character (%s) at character %d: only line breaks and tabs may appear in this text",
	"err.iso-ext":          "an ISO file ends in .iso",
	"err.dir":              "the folder %s does not exist: create it, or write somewhere else",
	"err.is-dir":           "%s is a folder: give a file name",
	"err.exists":           "%s exists: tick Replace, or choose another name",
	"err.no-disks":         "no removable or USB disk found: insert one and press r to look again",
	"err.device-choose":    "choose a disk",
	"err.device-gone":      "%s is no longer there: press r to look again",
	"err.password-env":     "the environment variable %s is not set (or empty): set it, or type the password",
	"err.password-envname": "env:NAME needs a variable name: letters, digits and _",
	"err.confirm":          "does not match the password: type it again",
	"err.confirm-empty":    "type the password again to confirm it",
	"err.nopass-secrets":   "the sequence holds secrets that are not \"prompt\" (%s): they can go on the medium only encrypted with a media password. Protect the medium, or make them prompt in the sequence",
	"err.seq-env":          "%s: the environment variable %s is not set; the secret is encrypted for the medium now, so set it before making the medium",
	"err.passphrase":       "the sequence's secrets are encrypted: type the passphrase (or set REFIMAGE_PASSPHRASE)",
	"err.passphrase-wrong": "this passphrase does not decrypt the sequence's secrets",
	"err.winpe-arch":       "the sequence's boot image is %s, but this Windows PE is %s: use a %[1]s source",
	"err.content":          "fix the sequence, or give the missing variables above as media variables:%s",
	"err.var-line":         "line %d: ",
	"err.var-eq":           "write NAME=value",
	"err.var-dup":          "%s is set twice (names ignore case)",
	"err.label-max":        "at most %d characters on %s: this has %d, remove %d",
	"err.label-on-iso":     "an ISO",
	"err.label-on-usb":     "USB",
	"err.label-chars":      "a volume label has letters, digits, _ and - only (not \"%s\")",
	"err.confirm-device":   "type %s to confirm",

	// Warnings.
	"warn.usb-ext":      "a USB image file usually ends in .img",
	"warn.label-joliet": "Windows shows only the first 16 characters of an ISO label",

	// Navigation.
	"nav.invalid":  "this page has errors: fix them to go on (Previous always works)",
	"nav.first":    "this is the first page",
	"nav.last":     "this is the last page",
	"nav.summary":  "on the Summary, Next writes the medium",
	"nav.written":  "the medium is written",
	"nav.writing":  "the medium is being written",
	"nav.fix-page": "the page \"%s\" has errors: fix it first",
}

var catalogs = form.Catalog{wizard.English: catalogEN, wizard.Korean: catalogKO}

// MsgIn returns the message with the ID in a language (English when that
// language does not have it); a missing ID is returned as is so a gap
// shows instead of an empty label. A wizard's own messages are w.Msg, in
// its language.
func MsgIn(l wizard.Lang, id string) string { return catalogs.Msg(l, id) }

// CatalogKeys returns every key of a language's catalog, sorted (tests
// check that pages and fields have their texts, in every language).
func CatalogKeys(l wizard.Lang) []string { return catalogs.Keys(l) }
