package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

// How the screens look and speak: theme, color, language, accessible mode.
// Each comes from its flag, else its environment variable, else the
// config file (<user config dir>/refimage/config.toml, docs/themes.md),
// else the default, which in Windows PE is the ascii theme at 80x25.

type uiFlags struct {
	theme, themeFile, lang *string
	noColor, accessible    *bool
}

func addUIFlags(fs *flag.FlagSet) *uiFlags {
	return &uiFlags{
		theme:      fs.String("theme", "", "`NAME` of the theme: "+strings.Join(themes.Names(), ", ")+", or a user theme (refimage themes)"),
		themeFile:  fs.String("theme-file", "", "read the theme from `FILE` (TOML, docs/themes.md)"),
		lang:       fs.String("lang", "", "language of the screens: en or ko (default: LC_ALL, LC_MESSAGES, LANG)"),
		noColor:    fs.Bool("no-color", false, "no color and no escape sequences (also NO_COLOR)"),
		accessible: fs.Bool("accessible", false, "plain line prompts for screen readers (also REFIMAGE_ACCESSIBLE=1, TERM=dumb)"),
	}
}

type uiSettings struct {
	theme      *themes.Theme
	lang       wizard.Lang
	noColor    bool
	accessible bool
	winpe      bool
	warnings   []string
}

// uiConfig is the config file.
type uiConfig struct {
	Theme      string `toml:"theme"`
	ThemeFile  string `toml:"theme_file"`
	Lang       string `toml:"lang"`
	NoColor    bool   `toml:"no_color"`
	Accessible bool   `toml:"accessible"`
}

// configDir is <user config dir>/refimage, read through env.getenv so
// tests can move it.
func configDir(getenv func(string) string) string {
	var base string
	switch runtime.GOOS {
	case "windows":
		base = getenv("APPDATA")
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			base = filepath.Join(h, "Library", "Application Support")
		}
	default:
		base = getenv("XDG_CONFIG_HOME")
		if base == "" || !filepath.IsAbs(base) {
			base = ""
			if h := getenv("HOME"); h != "" {
				base = filepath.Join(h, ".config")
			}
		}
	}
	if base == "" {
		return ""
	}
	return filepath.Join(base, "refimage")
}

func loadConfig(dir string) (uiConfig, []string) {
	var c uiConfig
	if dir == "" {
		return c, nil
	}
	p := filepath.Join(dir, "config.toml")
	data, err := os.ReadFile(p)
	if err != nil {
		return c, nil
	}
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		return uiConfig{}, []string{fmt.Sprintf("%s: %v (ignored)", p, err)}
	}
	var warns []string
	for _, k := range md.Undecoded() {
		warns = append(warns, fmt.Sprintf("%s: unknown key %s (known: theme, theme_file, lang, no_color, accessible)", p, k))
	}
	return c, warns
}

func isWinPE(getenv func(string) string) bool {
	if v := getenv("REFIMAGE_WINPE"); v != "" {
		return v == "1" || strings.EqualFold(v, "true")
	}
	return inWinPE()
}

func truthy(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return v == "1" || v == "true" || v == "yes" || v == "on"
}

// resolveUI settles theme, language, color and accessible mode, and sets
// the wizard's language.
func resolveUI(env *cmdEnv, f *uiFlags) (uiSettings, error) {
	dir := configDir(env.getenv)
	cfg, warns := loadConfig(dir)
	s := uiSettings{winpe: isWinPE(env.getenv), warnings: warns}

	// Language.
	switch {
	case *f.lang != "":
		if *f.lang != "en" && *f.lang != "ko" {
			return s, &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("--lang is en or ko, not %q", *f.lang)}}
		}
		s.lang = wizard.Lang(*f.lang)
	case cfg.Lang != "":
		l, ok := wizard.ParseLang(cfg.Lang)
		if !ok {
			s.warnings = append(s.warnings, fmt.Sprintf("config.toml: lang is en or ko, not %q: using English", cfg.Lang))
		}
		s.lang = l
	default:
		s.lang = wizard.LangFromEnv(env.getenv)
	}

	// Color and accessible mode.
	s.noColor = *f.noColor || env.getenv("NO_COLOR") != "" || cfg.NoColor
	s.accessible = *f.accessible || truthy(env.getenv("REFIMAGE_ACCESSIBLE")) || env.getenv("TERM") == "dumb" || cfg.Accessible

	// Theme.
	name, file := *f.theme, *f.themeFile
	if name == "" && file == "" {
		name = env.getenv("REFIMAGE_THEME")
	}
	if name == "" && file == "" {
		name, file = cfg.Theme, cfg.ThemeFile
	}
	if name == "" && file == "" && s.winpe {
		name = "ascii"
	}
	udir := ""
	if dir != "" {
		udir = filepath.Join(dir, "themes")
	}
	if *f.themeFile != "" {
		if m := textInputProblem(*f.themeFile, "theme file"); m != "" {
			return s, usageErrorf("%s", m)
		}
	}
	th, tw, err := themes.Resolve(name, file, udir)
	if err != nil {
		if *f.theme != "" || *f.themeFile != "" {
			return s, &exitError{code: exitUsage, err: flagProblem{err}}
		}
		s.warnings = append(s.warnings, err.Error()+": using the default theme")
		th = themes.Default()
	}
	s.warnings = append(s.warnings, tw...)
	if s.noColor {
		th = th.WithoutColor()
	}
	s.theme = th
	return s, nil
}

// uiFlagSet reports whether a screen flag was given on the command line.
func uiFlagSet(fs *flag.FlagSet) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "theme", "theme-file", "lang", "no-color", "accessible":
			set = true
		}
	})
	return set
}
