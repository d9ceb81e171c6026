package wizard

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// PageID names a page.
type PageID int

// Pages of both flows.
const (
	PageStart           PageID = iota // Create a New Task Sequence
	PageInfo                          // Task Sequence Information
	PageWindows                       // Install Windows
	PageNetwork                       // Configure Network
	PageClient                        // Install Configuration Manager
	PageUpdates                       // Include Updates
	PageApps                          // Install Applications
	PageSysprep                       // System Preparation
	PageImage                         // Image Properties
	PageCapture                       // Capture Image
	PageCaptureSettings               // custom flow: Capture Settings
	PageSummary                       // Summary
	PageProgress                      // Progress
	PageCompletion                    // Completion
)

// Page is one page of the wizard.
type Page struct {
	ID     PageID
	Key    string // table name in the answers file, catalog prefix
	Fields []*Field
	// check adds page-level problems (cross-field rules that belong to no
	// single field).
	check func(w *Wizard) []FieldError
}

// Title is the page's title.
func (p *Page) Title() string { return Msg("page." + p.Key + ".title") }

// NavTitle is the page's short title for the page list.
func (p *Page) NavTitle() string { return Msg("page." + p.Key + ".nav") }

// Help is the page's help text.
func (p *Page) Help() string { return Msg("page." + p.Key + ".help") }

// VisibleFields returns the fields shown given the answers.
func (p *Page) VisibleFields(w *Wizard) []*Field {
	var out []*Field
	for _, f := range p.Fields {
		if f.Visible(w) {
			out = append(out, f)
		}
	}
	return out
}

// Field returns the field with the answers-file key.
func (p *Page) Field(key string) *Field {
	for _, f := range p.Fields {
		if f.Key == key {
			return f
		}
	}
	return nil
}

// HasInput reports whether the page has fields an answers file sets.
func (p *Page) HasInput() bool {
	for _, f := range p.Fields {
		if f.Editable() {
			return true
		}
	}
	return false
}

var pages = map[PageID]*Page{}

func register(p *Page) { pages[p.ID] = p }

// PageByID returns a page.
func PageByID(id PageID) *Page { return pages[id] }

// PageByKey returns the page with the answers-file table name.
func PageByKey(key string) *Page {
	for _, p := range pages {
		if p.Key == key {
			return p
		}
	}
	return nil
}

func (id PageID) String() string {
	if p, ok := pages[id]; ok {
		return p.Key
	}
	return fmt.Sprintf("page(%d)", int(id))
}

// Field constructors. Each binds a field to an answer.

func strField(page, key string, kind Kind, p func(a *Answers) *string) *Field {
	return &Field{
		ID: page + "." + key, Key: key, Kind: kind,
		get: func(w *Wizard) string { return *p(&w.A) },
		set: func(w *Wizard, v string) { *p(&w.A) = v },
	}
}

func boolField(page, key string, p func(a *Answers) *bool) *Field {
	return &Field{
		ID: page + "." + key, Key: key, Kind: KindBool,
		get: func(w *Wizard) string { return boolStr(*p(&w.A)) },
		set: func(w *Wizard, v string) { *p(&w.A) = v == "true" },
	}
}

func note(page, key string, text func(w *Wizard) string) *Field {
	return &Field{ID: page + "." + key, Key: key, Kind: KindNote, get: text}
}

func (f *Field) max(n int) *Field { f.Max = n; return f }

func (f *Field) req() *Field { f.Required = true; return f }

func (f *Field) when(fn func(w *Wizard) bool) *Field { f.visible = fn; return f }

func (f *Field) rule(fn func(w *Wizard) string) *Field {
	prev := f.validate
	f.validate = func(w *Wizard) string {
		if prev != nil {
			if m := prev(w); m != "" {
				return m
			}
		}
		return fn(w)
	}
	return f
}

func (f *Field) warning(fn func(w *Wizard) string) *Field { f.warn = fn; return f }

func (f *Field) choices(opts ...string) *Field {
	// Labels are looked up when shown: the language is chosen after the
	// pages are built.
	f.options = func(*Wizard) []Option {
		list := make([]Option, len(opts))
		for i, o := range opts {
			list[i] = Option{Value: o, Label: Msg(f.ID + "." + o)}
		}
		return list
	}
	f.rule(func(w *Wizard) string {
		v := f.Get(w)
		for _, o := range opts {
			if o == v {
				return ""
			}
		}
		vals := make([]string, len(opts))
		for i, o := range opts {
			vals[i] = `"` + o + `"`
		}
		return Msgf("err.choice", strings.Join(vals, ", "), v)
	})
	return f
}

// Common rules.

func length(s string) int { return utf8.RuneCountInString(s) }

// limit checks the field's Max and, when required, that it is not empty.
func limit(f *Field) *Field {
	return f.rule(func(w *Wizard) string {
		v := f.Get(w)
		if f.Required && strings.TrimSpace(v) == "" {
			return Msgf("err.required", strings.ToLower(f.Label()))
		}
		if f.Max > 0 && length(v) > f.Max {
			return Msgf("err.max", f.Max, length(v), length(v)-f.Max)
		}
		return ""
	})
}

func isBuild(w *Wizard) bool  { return w.EffectiveFlow() == FlowBuild }
func isCustom(w *Wizard) bool { return w.EffectiveFlow() == FlowCustom }
