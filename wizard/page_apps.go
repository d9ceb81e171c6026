package wizard

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/wizard/form"
)

// Install Applications (configmgr.md §1.7): an ordered list and "if an
// application fails, continue installing the others".
func init() {
	const pg = "applications"
	list := form.NewField[*Wizard](pg, "app", KindApps).ScreenHelp().
		Bind(func(w *Wizard) string { return strconv.Itoa(len(w.A.Apps)) }, nil)
	list.ID = pg + ".list"
	editing := func(w *Wizard) bool { return w.EditingApp >= 0 && w.EditingApp < len(w.A.Apps) }
	appField := func(key string, p func(a *App) *string) *Field {
		return form.NewField[*Wizard](pg, key, KindText).ForEditor().When(editing).Bind(
			func(w *Wizard) string {
				if !editing(w) {
					return ""
				}
				return *p(&w.A.Apps[w.EditingApp])
			},
			func(w *Wizard, v string) {
				if editing(w) {
					*p(&w.A.Apps[w.EditingApp]) = v
				}
			})
	}
	name := appField("name", func(a *App) *string { return &a.Name }).Req()
	name.Rule(func(w *Wizard) error { return form.Err(w.appErrs(w.A.Apps[w.EditingApp])["name"]) })
	src := appField("source", func(a *App) *string { return &a.Source })
	src.Rule(func(w *Wizard) error { return form.Err(w.appErrs(w.A.Apps[w.EditingApp])["source"]) })
	cmd := appField("command_line", func(a *App) *string { return &a.CommandLine }).Req()
	cmd.Rule(func(w *Wizard) error { return form.Err(w.appErrs(w.A.Apps[w.EditingApp])["command_line"]) })
	codes := appField("success_codes", func(a *App) *string { return &a.SuccessCodes })
	codes.Rule(func(w *Wizard) error { return form.Err(w.appErrs(w.A.Apps[w.EditingApp])["success_codes"]) })
	cont := boolField(pg, "continue_on_failure", func(a *Answers) *bool { return &a.ContinueOnFailure })
	register(&Page{ID: PageApps, Key: pg, Fields: []*Field{list, name, src, cmd, codes, cont},
		Check: func(w *Wizard) []FieldError {
			var out []FieldError
			for i, a := range w.A.Apps {
				if i == w.EditingApp {
					continue // its fields report
				}
				errs := w.appErrs(a)
				for _, k := range []string{"name", "source", "command_line", "success_codes"} {
					if m := errs[k]; m != "" {
						out = append(out, FieldError{Page: pages.Page(PageApps), Field: list, Msg: w.Msgf("err.app", i+1, w.appTitle(a, i), m)})
						break
					}
				}
			}
			return out
		}})
}

// AppTitle is how an application is named in lists.
func (w *Wizard) appTitle(a App, i int) string {
	if strings.TrimSpace(a.Name) != "" {
		return a.Name
	}
	return w.Msgf("applications.unnamed", i+1)
}

// ParseSuccessCodes reads "0 3010" or "0,3010".
func (w *Wizard) ParseSuccessCodes(s string) ([]int, error) {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == ';' })
	if len(f) == 0 {
		return nil, errors.New(w.Msg("err.codes-empty"))
	}
	out := make([]int, 0, len(f))
	for _, x := range f {
		n, err := strconv.ParseInt(x, 0, 64)
		if err != nil || n < -2147483648 || n > 4294967295 {
			return nil, fmt.Errorf("%s", w.Msgf("err.codes", x))
		}
		out = append(out, int(n))
	}
	return out, nil
}

func (w *Wizard) appErrs(a App) map[string]string {
	m := map[string]string{}
	switch {
	case strings.TrimSpace(a.Name) == "":
		m["name"] = w.Msg("err.app-name")
	case length(a.Name) > 255:
		m["name"] = w.Msgf("err.max", 255, length(a.Name), length(a.Name)-255)
	}
	if length(a.Source) > 255 {
		m["source"] = w.Msgf("err.max", 255, length(a.Source), length(a.Source)-255)
	}
	switch {
	case strings.TrimSpace(a.CommandLine) == "":
		m["command_line"] = w.Msg("err.app-command")
	case length(a.CommandLine) > sequence.MaxCommandLine:
		m["command_line"] = w.Msgf("err.max", sequence.MaxCommandLine, length(a.CommandLine), length(a.CommandLine)-sequence.MaxCommandLine)
	}
	if _, err := w.ParseSuccessCodes(a.SuccessCodes); err != nil {
		m["success_codes"] = err.Error()
	}
	for k, v := range map[string]string{"name": a.Name, "source": a.Source, "command_line": a.CommandLine, "success_codes": a.SuccessCodes} {
		if c := w.controlMsg(v); c != "" {
			m[k] = c
		}
	}
	return m
}

// AddApp appends an empty application and starts editing it.
func (w *Wizard) AddApp() {
	w.A.Apps = append(w.A.Apps, App{SuccessCodes: "0 3010"})
	w.EditingApp = len(w.A.Apps) - 1
	w.AppCursor = w.EditingApp
	w.appBefore = nil
}

// CancelApp abandons the application being edited: a new one is
// removed, an existing one gets back what it had when editing began.
func (w *Wizard) CancelApp() {
	i := w.EditingApp
	if i < 0 || i >= len(w.A.Apps) {
		w.EditingApp = -1
		return
	}
	if w.appBefore == nil {
		w.RemoveApp(i)
		return
	}
	w.A.Apps[i] = *w.appBefore
	w.appBefore = nil
	w.EditingApp = -1
}

// EditApp starts editing application i.
func (w *Wizard) EditApp(i int) {
	if i >= 0 && i < len(w.A.Apps) {
		w.EditingApp = i
		w.AppCursor = i
		before := w.A.Apps[i]
		w.appBefore = &before
	}
}

// FinishApp ends editing; it refuses while the application has errors.
func (w *Wizard) FinishApp() error {
	if w.EditingApp < 0 || w.EditingApp >= len(w.A.Apps) {
		w.EditingApp = -1
		return nil
	}
	for _, k := range []string{"name", "source", "command_line", "success_codes"} {
		if m := w.appErrs(w.A.Apps[w.EditingApp])[k]; m != "" {
			return errors.New(m)
		}
	}
	w.EditingApp = -1
	return nil
}

// RemoveApp deletes application i.
func (w *Wizard) RemoveApp(i int) {
	if i < 0 || i >= len(w.A.Apps) {
		return
	}
	w.A.Apps = append(w.A.Apps[:i:i], w.A.Apps[i+1:]...)
	w.EditingApp = -1
	if w.AppCursor >= len(w.A.Apps) {
		w.AppCursor = max(0, len(w.A.Apps)-1)
	}
}

// MoveApp moves application i up (delta -1) or down (+1).
func (w *Wizard) MoveApp(i, delta int) {
	j := i + delta
	if i < 0 || j < 0 || i >= len(w.A.Apps) || j >= len(w.A.Apps) {
		return
	}
	w.A.Apps[i], w.A.Apps[j] = w.A.Apps[j], w.A.Apps[i]
	w.AppCursor = j
	if w.EditingApp == i {
		w.EditingApp = j
	}
}
