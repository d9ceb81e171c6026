package wizard

import (
	"os"
	"os/user"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/wizard/form"
)

// ImageInfo describes one image of a WIM file, for the image index list.
type ImageInfo struct {
	Index   int
	Name    string
	Edition string
	Arch    string // x86, x64, arm64 or ""
	Size    uint64 // bytes when applied
}

// ImageLister reads the images of a WIM file. An error means the path is
// not a readable WIM; the index is then typed as a number.
type ImageLister interface {
	Images(path string) ([]ImageInfo, error)
}

// Env is what the wizard needs from the machine. Zero fields get
// sensible defaults in New.
type Env struct {
	// User is the current user (created by, registered user).
	User string
	// Organization is the registered organization (ConfigMgr uses the
	// name of the computer the wizard runs on).
	Organization string
	// Images reads WIM files (nil: the index is always a number).
	Images ImageLister
	// Exists reports whether a file exists (capture destination, output).
	Exists func(path string) bool
	// Getenv reads the environment (REFIMAGE_PASSPHRASE).
	Getenv func(string) string
}

// DefaultEnv is the environment of this process.
func DefaultEnv() *Env {
	env := &Env{Getenv: os.Getenv}
	if u, err := user.Current(); err == nil && u.Username != "" {
		env.User = u.Username
	} else if n := os.Getenv("USER"); n != "" {
		env.User = n
	} else {
		env.User = os.Getenv("USERNAME")
	}
	env.Organization, _ = os.Hostname()
	env.Exists = func(p string) bool { _, err := os.Stat(p); return err == nil }
	return env
}

// Wizard is the state of one run of the wizard: the answers, the current
// page and what the user has visited.
type Wizard struct {
	A   Answers
	env *Env
	// Texts is the wizard's language (w.Lang) and its messages in it
	// (w.Msg, w.Msgf; w.Fail and w.Failf for validators).
	form.Texts

	// The pages, the page shown and the pages visited; Pages, Current,
	// CurrentID, Visited, PageErrors and PageWarnings come from it.
	*form.Flow[*Wizard, PageID]
	// opened is the sequence loaded by "Open an existing sequence"; the
	// answers are applied to it instead of a template.
	opened     *sequence.Sequence
	openedFrom string
	openErr    error
	triedOpen  string
	allowPlain bool
	autoOutput string // the default output last filled in
	// EditingApp is the application being edited, -1 when none.
	EditingApp int
	// AppCursor is the selected entry of the application list.
	AppCursor int
	// appBefore is the application being edited as it was before (nil:
	// it is a new one), for CancelApp.
	appBefore *App

	images map[string]imagesResult
	exists map[string]bool // capture destinations looked up
	// Written is the file the sequence was written to (Progress).
	Written string
}

type imagesResult struct {
	list []ImageInfo
	err  error
}

// New returns a wizard on its first page with the defaults filled in,
// speaking the language l (its labels, problems and the names of the
// steps it writes).
func New(env *Env, l Lang) *Wizard {
	if env == nil {
		env = DefaultEnv()
	}
	if env.User == "" {
		env.User = "Administrator"
	}
	if env.Organization == "" {
		env.Organization = "refimage"
	}
	if env.Exists == nil {
		env.Exists = func(string) bool { return false }
	}
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	w := &Wizard{env: env, Texts: form.NewTexts(catalogs, l), EditingApp: -1, images: map[string]imagesResult{}}
	w.Flow = form.NewFlow(pages, w, PageStart, pageOrder)
	w.A.defaults(env)
	return w
}

// Env returns the wizard's environment.
func (w *Wizard) Env() *Env { return w.env }

// Images returns the images of the WIM at path, or nil when it cannot be
// read. Results are remembered per path.
func (w *Wizard) Images(path string) []ImageInfo {
	// Only complete .wim/.esd/.swm names are opened: a half-typed UNC path
	// must not make the screen wait for the network at every key.
	lp := strings.ToLower(strings.TrimSpace(path))
	if w.env.Images == nil || !isImageFile(lp) {
		return nil
	}
	r, ok := w.images[path]
	if !ok {
		r.list, r.err = w.env.Images.Images(path)
		w.images[path] = r
	}
	if r.err != nil {
		return nil
	}
	return r.list
}

// EffectiveFlow is the flow of the pages: for Open, the kind of the
// loaded sequence (build and capture until one is loaded).
func (w *Wizard) EffectiveFlow() Flow {
	if w.opening() {
		if w.opened != nil && w.opened.Kind == sequence.KindCustom {
			return FlowCustom
		}
		return FlowBuild
	}
	return w.A.Flow
}

// opening reports whether the first page opens a file: a sequence, or a
// ConfigMgr or MDT task sequence to import.
func (w *Wizard) opening() bool { return w.A.Flow == FlowOpen || w.A.Flow == FlowImport }

// pageOrder is the order of the pages of the current flow.
func pageOrder(w *Wizard) []PageID {
	if w.EffectiveFlow() == FlowCustom {
		return customOrder
	}
	return buildOrder
}

var (
	buildOrder = []PageID{PageStart, PageInfo, PageWindows, PageNetwork, PageClient, PageUpdates, PageApps, PageSysprep, PageImage, PageCapture, PageSummary, PageProgress, PageCompletion}
	// The custom flow: ConfigMgr's wizard creates an empty sequence and
	// the steps are added in the editor (configmgr.md §1.12); refimage asks
	// for their settings on one page.
	customOrder = []PageID{PageStart, PageInfo, PageCaptureSettings, PageSummary, PageProgress, PageCompletion}
)

// Done reports whether a page is finished: visited, left, and valid.
func (w *Wizard) Done(id PageID) bool {
	if id == w.CurrentID() || !w.Visited(id) {
		return false
	}
	if id == PageSummary || id == PageProgress || id == PageCompletion {
		if w.Written != "" {
			return true // the file exists now, so the Summary would ask to overwrite it
		}
		if id != PageSummary {
			return false
		}
	}
	return w.Flow.Done(id)
}

// ErrInvalid is what Next returns when the page has errors (errors.Is:
// the error Next returns says it in the wizard's language).
var ErrInvalid = pages.Problem(English, "nav.invalid")

// Next goes to the next page if the current one is valid. Leaving the
// first page with "Open an existing sequence" loads the file.
func (w *Wizard) Next() error {
	cur := w.CurrentID()
	if errs := w.PageErrors(cur); len(errs) > 0 {
		return w.Invalid()
	}
	if cur == PageStart && w.opening() && w.openedFrom != w.A.OpenPath {
		w.triedOpen = w.A.OpenPath
		if err := w.open(w.A.OpenPath); err != nil {
			w.openErr = err
			return w.Invalid()
		}
		w.openErr = nil
	}
	if cur == PageSummary {
		return pages.Problem(w.Lang, "nav.write-first")
	}
	if err := w.Flow.Advance(); err != nil {
		return err
	}
	w.EditingApp = -1
	w.arrive()
	return nil
}

// Prev goes to the previous page. It always works before the sequence is
// written, and keeps every value, invalid ones included.
func (w *Wizard) Prev() error {
	if cur := w.CurrentID(); cur == PageProgress || cur == PageCompletion {
		return pages.Problem(w.Lang, "nav.written")
	}
	if err := w.Flow.Prev(); err != nil {
		return err
	}
	w.EditingApp = -1
	return nil
}

// FirstInvalid returns the first page before Summary with errors, or
// false when every page is valid.
func (w *Wizard) FirstInvalid() (PageID, bool) { return w.Flow.FirstInvalid(PageSummary) }

// ToSummary jumps to the Summary once every page is valid (ctrl+s).
func (w *Wizard) ToSummary() error {
	if cur := w.CurrentID(); cur == PageProgress || cur == PageCompletion {
		return pages.Problem(w.Lang, "nav.written")
	}
	// Opening a sequence decides the pages: load it first.
	if w.CurrentID() == PageStart && w.opening() && w.openedFrom != w.A.OpenPath {
		if err := w.Next(); err != nil {
			return err
		}
	}
	if err := w.Flow.JumpTo(PageSummary); err != nil {
		return err
	}
	w.EditingApp = -1
	w.arrive()
	return nil
}

// Opened returns the sequence loaded by "Open an existing sequence".
func (w *Wizard) Opened() *sequence.Sequence { return w.opened }

// arrive fills late defaults when a page is shown.
func (w *Wizard) arrive() {
	// The default output follows the name until the user changes it.
	if w.CurrentID() == PageSummary && (w.A.Output == "" || w.A.Output == w.autoOutput) {
		w.A.Output = w.DefaultOutput()
		w.autoOutput = w.A.Output
	}
}
