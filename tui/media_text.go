package tui

// User-visible strings of the media wizard's screens, in one place for
// the message catalog (the pages' own texts are in wizard/mediawiz).
var mediaText = map[string]string{
	"title":                    "refimage %s Task Sequence Media Wizard",
	"status.cancel":            "Cancel the media wizard? Nothing is written.  y: cancel   n: go on",
	"status.stop":              "Stop writing the medium? Nothing is left under its name.  y: stop   n: go on",
	"status.stopping":          "Stopping...",
	"status.help":              "Help: %s scroll, esc or ? closes it.",
	"status.rescanned":         "Looked for disks again.",
	"key.write":                "write",
	"key.rescan":               "look again",
	"key.stop":                 "stop",
	"key.vars":                 "enter new line  backspace on an empty line removes it",
	"summary.choices":          "Your choices",
	"summary.write":            "Press ctrl+n (or pgdown) to write the medium.",
	"summary.erase":            "Everything on %s is lost.",
	"progress.writing":         "Writing %s ...",
	"progress.rate":            "%s / %s  %s/s",
	"progress.eta":             "  ETA %s",
	"progress.took":            "%s in %s",
	"progress.done":            "The medium was written:",
	"progress.files":           "%d files, %s, id %s.",
	"progress.content":         "Content: %d files, listed with SHA-256 on the medium.",
	"progress.failed":          "The medium was not written:",
	"progress.stopped":         "Stopped. Nothing was written under %s.",
	"progress.stopped-device":  "Stopped before anything was written to %s; it is unchanged.",
	"progress.stopped-partial": "Stopped.",
	"progress.rewrite":         "%s holds a partly written medium: write it again before use.",
	"progress.back":            "Press ctrl+p (or pgup) to go back to the Summary.",
	"progress.next":            "Press enter to go on.",
	"phase.boot image":         "Customise the boot image",
	"phase.content":            "Copy the content",
	"phase.split":              "Split large images",
	"phase.write":              "Write the medium",
	"phase.device":             "Write the device",
	"phase.verify":             "Read back and compare",
	"completion.done":          "Wrote %s:",
	"completion.repeat":        "Next time you can run this directly:",
	"completion.pass":          "(--password asks for the media password; it is not in the command line.)",
	"help.keys":                "tab / shift+tab    next / previous field\nenter              confirm the field (on the last: next page)\nctrl+n, pgdown     next page\nctrl+p, pgup       previous page (always works before writing)\nctrl+s             go to the Summary once every page is valid\n%[1]s                 choose an option / move between fields\nspace              tick or untick a box\nr                  look for disks again (USB device list)\n? or F1            this help (F1 inside a text field)\nesc                cancel, after asking\nctrl+c             quit at once (stops writing; nothing is left)",
}

func mtx(key string) string {
	if s, ok := mediaText[key]; ok {
		return s
	}
	return tx(key)
}
