package wizard

import (
	"fmt"
	"unicode/utf8"

	"github.com/refimage/refimage/wizard/form"
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

// Page is one page of the wizard (one file page_*.go each).
type Page = form.Page[*Wizard, PageID]

// FieldError is a problem with one field.
type FieldError = form.FieldError[*Wizard, PageID]

// pages is the wizard's form: every page of both flows.
var pages = form.New[*Wizard, PageID](catalogs, func(w *Wizard) Lang { return w.Lang })

func register(p *Page) { pages.Add(p) }

// PageByID returns a page.
func PageByID(id PageID) *Page { return pages.Page(id) }

// PageByKey returns the page with the answers-file table name.
func PageByKey(key string) *Page { return pages.ByKey(key) }

func (id PageID) String() string {
	if p := pages.Page(id); p != nil {
		return p.Key
	}
	return fmt.Sprintf("page(%d)", int(id))
}

func length(s string) int { return utf8.RuneCountInString(s) }

func isBuild(w *Wizard) bool  { return w.EffectiveFlow() == FlowBuild }
func isCustom(w *Wizard) bool { return w.EffectiveFlow() == FlowCustom }
