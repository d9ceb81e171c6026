package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/tui"
)

func init() {
	register(&command{
		name:    "themes",
		usage:   "refimage themes [list | show NAME] [--theme-file FILE] [--lang en|ko] [--no-color] [--accessible] [--width N] [--height N]",
		summary: "List the themes or show one.",
		help: `refimage themes (or themes list) lists the built-in themes and the user
themes in <user config dir>/refimage/themes/*.toml, saying which are broken.
refimage themes show NAME (or show --theme-file FILE) draws a sample wizard
page in the theme on stdout, 80x25 unless --width/--height say otherwise.
The theme file format is docs/themes.md.`,
		flags: themesFlags,
	})
}

func themesFlags(fs *flag.FlagSet) runFunc {
	uf := addUIFlags(fs)
	width := fs.Int("width", 80, "width of the sample in cells")
	height := fs.Int("height", 25, "height of the sample in lines")
	return func(env *cmdEnv, pos []string) error {
		sub := "list"
		if len(pos) > 0 {
			sub, pos = pos[0], pos[1:]
		}
		dir := configDir(env.getenv)
		udir := ""
		if dir != "" {
			udir = filepath.Join(dir, "themes")
		}
		switch sub {
		case "list":
			if len(pos) > 0 {
				return usageErrorf("unexpected argument %q", pos[0])
			}
			fmt.Fprintln(env.stdout, "Built-in themes:")
			for _, n := range themes.Names() {
				th, _ := themes.Get(n)
				fmt.Fprintf(env.stdout, "  %-14s %s\n", n, th.Description)
			}
			files := themes.UserFiles(udir)
			fmt.Fprintf(env.stdout, "User themes (%s):\n", udir)
			if len(files) == 0 {
				fmt.Fprintln(env.stdout, "  (none)")
			}
			names := make([]string, 0, len(files))
			for n := range files {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				th, probs := themes.LoadFile(files[n])
				switch {
				case len(probs) > 0:
					fmt.Fprintf(env.stdout, "  %-14s broken: %s\n", n, probs[0].String())
				case th.Description != "":
					fmt.Fprintf(env.stdout, "  %-14s %s\n", n, th.Description)
				default:
					fmt.Fprintf(env.stdout, "  %s\n", n)
				}
			}
			return nil
		case "show":
			if len(pos) > 1 {
				return usageErrorf("unexpected argument %q", pos[1])
			}
			if len(pos) == 1 {
				*uf.theme = pos[0]
			}
			if *uf.theme == "" && *uf.themeFile == "" {
				return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("show which theme? refimage themes show NAME (%s)", strings.Join(themes.Names(), ", "))}}
			}
			if *width < 20 || *height < 6 {
				return usageErrorf("the sample needs at least 20x6 cells")
			}
			if *width > 1000 || *height > 1000 {
				return usageErrorf("--width and --height are at most 1000 cells (got %dx%d)", *width, *height)
			}
			ui, err := resolveUI(env, uf)
			if err != nil {
				return err
			}
			for _, wn := range ui.warnings {
				fmt.Fprintf(env.stderr, "refimage themes: warning: %s\n", wn)
			}
			if err := tui.WriteSample(env.stdout, ui.theme, ui.lang, ui.noColor, *width, *height); err != nil {
				return failedf("%v", err)
			}
			return nil
		}
		return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("unknown subcommand %q: list or show NAME", sub)}}
	}
}
