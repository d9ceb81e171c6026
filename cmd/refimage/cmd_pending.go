package main

// Commands whose issue has not landed yet. Each says which issue brings it
// and exits 2. When a command lands, its file registers it and the entry
// here is deleted.

func init() {
	pending := []struct {
		name, usage, summary string
		issue                int
	}{
		{"new", "refimage new [-o FILE] [--answers FILE] [--lang en|ko] [--theme NAME]", "Open the Create Task Sequence Wizard and write a sequence.", 3},
		{"edit", "refimage edit FILE", "Open the task sequence editor.", 9},
		{"plan", "refimage plan FILE [--env winpe|full-os] [--uefi|--bios] [--media none|boot|full] [--var K=V]... [--json]", "Show what a run would do, step by step (dry run).", 5},
		{"run", "refimage run FILE [--offline DIR] [--resume] [--state DIR] [--log DIR] [--var K=V]... [--plain]", "Run a task sequence.", 5},
		{"media", "refimage media FILE --winpe SRC (--iso OUT | --usb OUT | --device DEV) [--standalone] [--label L] [--yes]", "Write bootable WinPE media that starts the sequence.", 7},
		{"wim", "refimage wim info|capture|apply|verify|update|split|export ...", "Read and write WIM images natively.", 4},
		{"themes", "refimage themes [list | show NAME]", "List the themes or show one.", 8},
	}
	for _, p := range pending {
		p := p
		register(&command{
			name:    p.name,
			usage:   p.usage,
			summary: p.summary,
			pending: true,
			run: func(env *cmdEnv, args []string) error {
				for _, a := range args {
					if a == "-h" || a == "--help" || a == "-help" {
						printCommandHelp(env.stderr, commands[p.name], nil)
						return errHelp
					}
				}
				return usageErrorf("not built yet: issue #%d brings 'refimage %s'", p.issue, p.name)
			},
		})
	}
}
