package tui

// User-visible strings of the wizard screens, in one place for the
// message catalog of the themes-and-languages issue.
var wizardText = map[string]string{
	"title":              "refimage · Create Task Sequence Wizard",
	"title.page":         "%d/%d ",
	"status.cancel":      "Cancel the wizard? Nothing is written.  y: cancel   n: go on",
	"status.help":        "Help: esc or ? closes it.",
	"status.written":     "Written.",
	"key.next":           "next",
	"key.prev":           "back",
	"key.field":          "field",
	"key.summary":        "summary",
	"key.help":           "help",
	"key.cancel":         "cancel",
	"key.write":          "write",
	"key.choose":         "choose",
	"key.toggle":         "toggle",
	"key.scroll":         "scroll",
	"key.do":             "do it",
	"key.quit":           "quit",
	"key.apps":           "a add  e edit  d remove  [ ] move",
	"summary.write":      "Press ctrl+n (or pgdown) to write the task sequence.",
	"summary.choices":    "Your choices",
	"progress.writing":   "Writing the task sequence...",
	"progress.written":   "The task sequence was written to:",
	"progress.steps":     "%d steps in %d groups; it passed refimage validate.",
	"progress.failed":    "The task sequence was not written:",
	"progress.back":      "Press ctrl+p (or pgup) to go back to the Summary.",
	"progress.next":      "Press enter to go on.",
	"progress.abs":       "(%s)",
	"progress.sealed":    "The passwords you typed are encrypted with your passphrase.",
	"completion.done":    "Written to:",
	"completion.run":     "Run now",
	"completion.media":   "Write bootable media",
	"completion.edit":    "Open in editor",
	"completion.quit":    "Quit",
	"completion.pending": " (issue #%d)",
	"completion.cli":     "(from the command line)",
	"completion.later":   "Next time you can run these directly:",
	"completion.issue":   "%s arrives with issue #%d; until then run: %s",
	"help.title":         "Keys",
	"help.keys":          "tab / shift+tab    next / previous field\nenter              confirm the field (on the last: next page)\nctrl+n, pgdown     next page\nctrl+p, pgup       previous page (always works)\nctrl+s             go to the Summary once every page is valid\n%[1]s                 choose an option / move between fields\nspace              tick or untick a box\n? or F1            this help (F1 inside a text field)\nesc                cancel, after asking\nctrl+c             quit at once",
	"help.text":          "Text fields: %s move, home/end, ctrl+u clears to the start, ctrl+k to the end.",
	"apps.editing":       "Editing application %d: enter on the last field finishes it.",
	"field.empty-index":  "type the index, or give a readable .wim to pick from its images",
}

func tx(key string) string {
	if s, ok := wizardText[key]; ok {
		return s
	}
	return key
}
