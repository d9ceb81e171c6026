package tui

import (
	"fmt"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
	"github.com/refimage/refimage/engine/sequence/msg"
	"github.com/refimage/refimage/wizard"
)

// User-visible strings of the task sequence editor: one catalog per
// language (the editor's, from EditorOptions.Lang; the Korean ones are in
// editor_text_ko.go). A test fails when a key is missing from either or
// the format verbs differ. %[1]s in help texts is the theme's up/down
// arrows, %[2]s its left/right ones, so that the ascii theme says them
// in ASCII.
var editorText = map[wizard.Lang]map[string]string{wizard.English: editorTextEN, wizard.Korean: editorTextKO}

var editorTextEN = map[string]string{
	"title":            "Task Sequence Editor",
	"modified":         "modified",
	"tab.props":        "Properties",
	"tab.options":      "Options",
	"empty":            "The sequence is empty: press a to add a step, g to add a group.",
	"group.help":       "A group runs its items in order. Its condition decides for all of them; a disabled group skips everything in it.",
	"type":             "Type",
	"wizard.name":      "wizard: %s",
	"runs.in":          "runs in %s",
	"props.none":       "This step has no properties of its own.",
	"opt.disable":      "Disable this step",
	"opt.disable.g":    "Disable this group",
	"opt.coe":          "Continue on error",
	"opt.runin":        "Run in",
	"opt.codes":        "Success codes",
	"opt.timeout":      "Time-out (e.g. 15m, 1h; empty: none)",
	"opt.retries":      "Retries after an unexpected restart (0-5)",
	"opt.condition":    "Condition",
	"cond.always":      "none: always runs",
	"cond.edit":        "enter: open the condition builder",
	"help.name":        "At most 50 characters. A new step is named after its type.",
	"help.desc":        "Optional, at most 256 characters.",
	"help.disable":     "A disabled item is skipped and greyed out; disabled steps are not counted in the progress.",
	"help.coe":         "When it fails, go on with the next item instead of letting the enclosing group decide.",
	"help.codes":       "Exit codes that mean success, separated by spaces (3010: success, restart needed).",
	"help.secret":      "A secret is env:NAME or prompt here; passwords typed into the wizard are encrypted there.",
	"problems":         "Problems",
	"problems.none":    "No problems: refimage validate passes.",
	"problems.count":   "Problems: %d error(s), %d warning(s)",
	"add.title":        "Add (as in the editor's Add menu)",
	"add.group":        "New Group",
	"add.help":         "enter adds after the selection (inside it, for a group); a letter goes to the next entry with it; esc closes.",
	"ask.remove":       "Remove %q%s?  y: remove   n: keep",
	"ask.remove.g":     " and the %d item(s) in it",
	"ask.quit":         "Save the changes to %s?  y: save and quit   n: quit without saving   esc: stay",
	"ask.comments":     "This file has comments, and saving drops them (the format does not keep them). ctrl+s again saves.",
	"saved":            "Saved %s.",
	"saved.errors":     "Saved %s, with %d error(s): refimage validate fails until they are fixed.",
	"save.failed":      "Not saved: %v",
	"save.pending":     "Not saved: %[3]d value(s) cannot be written (e: the problems).",
	"pending":          "\"%s\" is not written: %s",
	"undo":             "Undone: %s",
	"redo":             "Redone: %s",
	"nothing.undo":     "Nothing to undo.",
	"nothing.redo":     "Nothing to redo.",
	"copied":           "Copied %q. v pastes after, V before, i into a group.",
	"copied.cond":      "Copied the condition. v pastes it onto the selected item.",
	"cut":              "Cut %q.",
	"pasted":           "Pasted %q.",
	"pasted.cond":      "Pasted the condition onto the selected item.",
	"added":            "Added %q.",
	"quit.again":       "Unsaved changes: ctrl+c again quits without saving; ctrl+s saves.",
	"choice.none":      "none",
	"seq.title":        "Task sequence properties",
	"seq.help":         "The sequence's own properties and its variables (the file's [variables] table; docs/sequence.md).",
	"vars.title":       "Task sequence variables",
	"vars.help":        "Set before the first step. Names start with a letter; _ names are read-only; %NAME% in any property is replaced by the value.",
	"seq.vars":         "Variables",
	"seq.novars":       "none",
	"key.seq":          "sequence",
	"list.title":       "%s of %q",
	"list.empty":       "The list is empty: press a to add an entry.",
	"list.help":        "enter: edit the list (a add, del remove, [ ] move, enter edit an entry)",
	"cb.title":         "Condition of %q",
	"cb.root":          "If %s of these are true",
	"cb.empty":         "No conditions: the item always runs. Press a to add one.",
	"cb.words":         "Runs when: %s",
	"cb.always":        "Runs always.",
	"cb.text":          "Condition text (docs/conditions.md):",
	"cb.textok":        "Parses.",
	"cb.add":           "Add a condition",
	"cb.fix":           "Fix the condition first (or ctrl+u to clear it).",
	"cb.copied":        "Copied this condition: p pastes after, P before, u into an if statement.",
	"key.nav":          "select",
	"key.add":          "add",
	"key.group":        "group",
	"key.remove":       "remove",
	"key.move":         "move",
	"key.indent":       "in/out",
	"key.copy":         "copy",
	"key.paste":        "paste",
	"key.undo":         "undo",
	"key.redo":         "redo",
	"key.save":         "save",
	"key.props":        "properties",
	"key.options":      "options",
	"key.problems":     "problems",
	"key.help":         "help",
	"key.quit":         "quit",
	"key.back":         "back",
	"key.tab":          "tab",
	"key.field":        "field",
	"key.jump":         "go to",
	"key.done":         "done",
	"key.text":         "text",
	"key.tree":         "tree",
	"key.op":           "all/any/none",
	"key.edit":         "edit",
	"key.choose":       "choose",
	"key.toggle":       "toggle",
	"help.title":       "Editor keys",
	"help.keys":        "%[1]s              select (tree), field (properties), problem\nhome end pgup pgdn  first, last, a page up / down (tree)\n%[2]s       collapse / expand a group; choose an option\nenter            properties of the selected item; in a list: do it\no                the Options tab (disable, continue on error, condition)\ns                the task sequence's own properties (name, boot image)\nctrl+t           switch between the Properties and Options tabs\na / g            add a step from the catalogue / add a group\ndel              remove (asks)\n[ ] shift+%[1]s   move up / down (out of a group at its ends)\n> <              move into the group above / out of the group\nc x C            copy, cut, copy the condition\nv V i            paste after, before, into the group\nctrl+z ctrl+y    undo, redo\nctrl+s           save (atomically)\ne f8             the problems list; enter goes to the problem\n? f1             this help\nq esc            back to the tree; in the tree: quit (asks if unsaved)\nctrl+c           quit (asks first if unsaved)",
	"help.marks":       "In the tree: greyed items are disabled, ? marks an item with a condition, and the error or warning mark an item with a problem.",
	"help.close":       "esc or ? closes the help.",
	"cb.help":          "%[1]s select, a add a test, g add an if statement, enter edit, space all/any/none, del remove, c copy, p/P/u paste after/before/into, t text, esc done",
	"cb.form.help":     "tab/%[1]s field, %[2]s choose, esc back to the tree",
	"cb.type.var":      "Task sequence variable",
	"cb.type.file":     "File properties",
	"cb.type.folder":   "Folder properties",
	"cb.type.reg":      "Registry setting",
	"cb.type.wmi":      "Query WMI",
	"cb.type.osver":    "Operating system version",
	"cb.type.osplat":   "Operating system (platform list)",
	"cb.type.oslang":   "Operating system language",
	"cb.type.software": "Installed software",
	"cb.type.group":    "If statement (all / any / none)",
	"cb.sub":           "if %s of these are true",
	"op.all":           "all",
	"op.any":           "any",
	"op.none":          "none",
	"cb.err.empty":     "an if statement needs at least one condition",
	"cb.err.paste":     "paste into: select an if statement",
	"cbf.path":         "Path",
	"cbf.property":     "Property",
	"cbf.operator":     "Operator",
	"cbf.valuedate":    "Value (version, or date as 2024-01-31T00:00:00Z)",
	"cbf.variable":     "Variable",
	"cbf.value":        "Value",
	"cbf.key":          `Key (HKLM\...)`,
	"cbf.valuename":    "Value name (empty: the default value)",
	"cbf.type":         "Type",
	"cbf.data":         "Data",
	"cbf.query":        "Query (WQL)",
	"cbf.ns":           `Namespace (empty: root\cimv2)`,
	"cbf.version":      "Version",
	"cbf.platforms":    "Platforms (comma-separated): %s",
	"cbf.langs":        "Languages (comma-separated, e.g. en-US, ko-KR)",
	"cbf.negate":       "Not one of these",
	"cbf.product":      "Product code {GUID} (this version)",
	"cbf.upgrade":      "Upgrade code {GUID} (any version)",
	"cbf.name":         "Name",
	"label.name":       "Name",
	"label.desc":       "Description",
	"seq.kind":         "Kind",
	"seq.boot":         "Boot image (the WinPE boot.wim)",
	"seq.arch":         "Boot image architecture",
	"err.seqname":      "a task sequence name is required",
	"err.name":         "a name is required",
	"err.max":          "at most %d characters",
	"err.maxlen":       "at most %d characters (this has %d)",
	"err.secret":       "write env:NAME (read from the environment when the step runs) or prompt (asked for); the wizard encrypts typed passwords",
	"err.whole":        "a whole number",
	"err.envname":      "env:%s: an environment variable name has letters, digits and _ and does not start with a digit",
	"err.code":         "%q is not an exit code",
	"err.nocodes":      "at least one success code (the default is 0 3010)",
	"err.duration":     "a duration such as 90s, 15m or 2h",
	"err.retries":      "a number from 0 to %d",
	"list.newapp":      "New application",
	"list.rest":        "all the remaining space",
	"list.restshort":   "rest",
	"list.pct":         "%d%% of the remaining space",
	"list.nofmt":       "not formatted",
	"list.boot":        "boot",
	"removed":          "Removed %q.",
	"tree.off":         "(off)",
	"key.clear":        "clear",
	"key.scroll":       "scroll",
	"more":             "more",
	"cat.General":      "General",
	"cat.Disks":        "Disks",
	"cat.Images":       "Images",
	"cat.Drivers":      "Drivers",
	"cat.Settings":     "Settings",
	"cat.Software":     "Software",
	"ul.addgroup":      "add group",
	"ul.pastecond":     "paste condition",
	"ul.rename":        "rename",
	"ul.desc":          "description",
	"ul.runin":         "run in",
	"ul.codes":         "success codes",
	"ul.timeout":       "time-out",
	"ul.retries":       "retries",
	"ul.cond":          "condition",
	"ul.coe":           "continue on error",
	"ul.enable":        "enable",
	"ul.disable":       "disable",
	"ul.out":           "move %s out of its group",
	"ul.up":            "move %s up",
	"ul.down":          "move %s down",
	"ul.into":          "move %s into %s",
	"ul.addto":         "add to %s",
	"ul.removefrom":    "remove from %s",
	"ul.movein":        "move in %s",
	"ul.add":           "add %s",
	"ul.remove":        "remove %s",
	"ul.paste":         "paste %s",
	"accessible":       "refimage edit: the task sequence editor needs a full-screen terminal, and accessible mode (--accessible, REFIMAGE_ACCESSIBLE=1 or TERM=dumb) has none. Edit %[1]s in a text editor instead (the format: docs/sequence.md), then check it with: refimage validate %[1]s",
}

// edtx returns a string of the editor in the screen's language.
func (t texts) edtx(key string) string {
	if s, ok := editorText[t.lang][key]; ok {
		return s
	}
	if s, ok := editorTextEN[key]; ok {
		return s
	}
	return key
}

// seqtx says a message of engine/sequence or of the condition language
// in the screen's language (their English is the engine's own).
func (t texts) seqtx(m msg.Message) string {
	if t.lang == wizard.Korean {
		return m.In(sequenceTextKO)
	}
	return m.String()
}

// probText is a problem's message in the screen's language.
func (t texts) probText(p sequence.Problem) string {
	if p.Message.IsZero() {
		return p.Msg
	}
	return t.seqtx(p.Message)
}

// EditorText returns a string of the editor in a language (for the
// command line: the accessible-mode message).
func EditorText(l wizard.Lang, key string) string { return textsIn(l).edtx(key) }

// localLabels picks the labels of the screen's language.
func (t texts) localLabels(en, ko map[string]string) map[string]string {
	if t.lang == wizard.Korean {
		return ko
	}
	return en
}

// listLabel is the label of a field of a list entry.
func (t texts) listLabel(key string) string { return t.localLabels(listLabels, listLabelsKO)[key] }

// opWord is all, any or none in the screen's language.
func (t texts) opWord(op condition.GroupOp) string { return t.edtx("op." + op.String()) }

// edMore puts the language's word for "more" in a scroll hint.
func (t texts) edMore(s string) string { return strings.Replace(s, "more", t.edtx("more"), 1) }

// stepName is the editor's name of a step type in the screen's language
// (the Korean names are the ConfigMgr editor's, as the seed document's
// table gives them); a new step is named with it.
func (t texts) stepName(si *sequence.StepInfo) string {
	if t.lang == wizard.Korean {
		if n, ok := stepNamesKO[si.Type]; ok {
			return n
		}
	}
	return si.EditorName
}

// stepWizardName is the name the wizard gives a step of the type, in the
// screen's language (wizard.LocalName, else the editor's table).
func (t texts) stepWizardName(si *sequence.StepInfo) string {
	l := t.lang
	if l == wizard.English {
		return si.WizardName
	}
	if n := wizard.LocalName(l, si.WizardName); n != si.WizardName {
		return n
	}
	if n, ok := wizardNamesKO[si.WizardName]; ok {
		return n
	}
	return t.stepName(si)
}

// undoText says an undo entry's label (edit.Editor's, in English) in the
// screen's language: the known forms by the catalog's ul.* keys, others
// as they are (a field's label, already in the language).
func (t texts) undoText(label string) string {
	fixed := map[string]string{"add group": "ul.addgroup", "paste condition": "ul.pastecond", "rename": "ul.rename",
		"description": "ul.desc", "run in": "ul.runin", "success codes": "ul.codes", "time-out": "ul.timeout",
		"retries": "ul.retries", "condition": "ul.cond", "continue on error": "ul.coe", "enable": "ul.enable", "disable": "ul.disable"}
	if k, ok := fixed[label]; ok {
		return t.edtx(k)
	}
	for _, f := range []struct{ prefix, suffix, key string }{
		{"move ", " out of its group", "ul.out"}, {"move ", " up", "ul.up"}, {"move ", " down", "ul.down"},
		{"add to ", "", "ul.addto"}, {"remove from ", "", "ul.removefrom"}, {"move in ", "", "ul.movein"},
	} {
		if strings.HasPrefix(label, f.prefix) && strings.HasSuffix(label, f.suffix) && len(label) > len(f.prefix)+len(f.suffix) {
			return fmt.Sprintf(t.edtx(f.key), label[len(f.prefix):len(label)-len(f.suffix)])
		}
	}
	if rest, ok := strings.CutPrefix(label, "move "); ok {
		if it, g, ok := strings.Cut(rest, " into "); ok {
			return fmt.Sprintf(t.edtx("ul.into"), it, g)
		}
	}
	for _, f := range []struct{ prefix, key string }{{"add ", "ul.add"}, {"remove ", "ul.remove"}, {"paste ", "ul.paste"}} {
		if rest, ok := strings.CutPrefix(label, f.prefix); ok {
			return fmt.Sprintf(t.edtx(f.key), rest)
		}
	}
	return label
}

// categoryName is an Add menu category in the screen's language.
func (t texts) categoryName(c string) string {
	if s, ok := editorText[t.lang]["cat."+c]; ok {
		return s
	}
	return c
}
