package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/internal/bytesize"
	"github.com/refimage/refimage/internal/tempfile"
	"github.com/refimage/refimage/media"
	"github.com/refimage/refimage/media/usb"
	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/mediawiz"
)

// usbDisks lists removable disks with package usb (Linux's /sys,
// Windows' physical drives).
type usbDisks struct{ host usb.Disks }

func (u usbDisks) List() ([]mediawiz.Disk, error) {
	list, err := u.host.List()
	if err != nil {
		return nil, err
	}
	out := make([]mediawiz.Disk, len(list))
	for i, d := range list {
		out[i] = diskOf(d)
	}
	return out, nil
}

func diskOf(d *usb.Device) mediawiz.Disk {
	x := mediawiz.Disk{Path: d.Path, Model: d.Model, Size: d.Size, Partitions: d.Partitions, Mounted: d.Mounted}
	if err := d.Refusal(); err != nil {
		x.Refusal = err.Error()
	}
	return x
}

// DefaultMediaEnv is the media wizard's view of this machine: removable
// disks (Linux, Windows; on macOS the page says to write a USB image
// file), the WinPE source check, refimage.exe and the
// environment; what it says is in the language l.
func DefaultMediaEnv(l wizard.Lang) *mediawiz.Env {
	t := textsIn(l)
	env := &mediawiz.Env{
		Source: func(winpe, fwfiles string) (string, error) {
			// A half-typed network path is not looked up: on Windows that
			// can wait for the network at every key.
			if halfUNC(winpe) || halfUNC(fwfiles) {
				return "", errors.New(t.mtx("env.unc"))
			}
			s, err := media.FindSource(winpe, fwfiles)
			if err != nil {
				return "", err
			}
			return s.Arch, nil
		},
		BootSigning: func(winpe, fwfiles string) []string {
			s, err := media.FindSource(winpe, fwfiles)
			if err != nil {
				return nil
			}
			var lines []string
			for _, f := range media.CheckBootFiles(s) {
				lines = append(lines, f.Short())
			}
			return lines
		},
		Exe:     media.FindExe,
		Content: t.mediaContent,
		Prestart: func(c string) error {
			_, err := media.Winpeshl(c)
			return err
		},
		Exists:    func(p string) bool { _, err := os.Stat(p); return err == nil },
		IsDir:     func(p string) bool { i, err := os.Stat(p); return err == nil && i.IsDir() },
		LookupEnv: os.LookupEnv,
	}
	if disks := usb.NativeDisks(); disks != nil {
		env.Disks = usbDisks{disks}
	} else {
		env.DisksErr = fmt.Sprintf(t.mtx("env.disks"), runtime.GOOS)
	}
	return env
}

// halfUNC reports whether p is a network path without its share yet.
func halfUNC(p string) bool {
	if !strings.HasPrefix(p, `\\`) && !strings.HasPrefix(p, "//") {
		return false
	}
	parts := strings.FieldsFunc(p, func(r rune) bool { return r == '\\' || r == '/' })
	return len(parts) < 2
}

// mediaContent lists the content references of a stand-alone medium and
// the ones that are missing, as media.Build checks them.
func (t texts) mediaContent(seq *sequence.Sequence, vars map[string]string) (int, []string) {
	refs, err := media.ContentRefs(seq, vars)
	var missing []string
	var me *media.MissingError
	switch {
	case errors.As(err, &me):
		missing = append(missing, me.Missing...)
	case err != nil:
		missing = append(missing, err.Error())
	}
	for _, r := range refs {
		if strings.Contains(r.Resolved, "%") {
			continue // reported above
		}
		p := r.Resolved
		if filepath.Separator == '/' {
			p = strings.ReplaceAll(p, `\`, "/")
		}
		info, err := os.Stat(p)
		switch {
		case err != nil:
			missing = append(missing, fmt.Sprintf(t.mtx("env.not-found"), r.Step, r.Field, r.Resolved))
		case r.Dir != info.IsDir():
			key := "env.not-file"
			if r.Dir {
				key = "env.not-dir"
			}
			missing = append(missing, fmt.Sprintf(t.mtx(key), r.Step, r.Field, r.Resolved))
		}
	}
	return len(refs), missing
}

// mediaProgress is what the writing goroutine reports, read by the view
// at every tick.
type mediaProgress struct {
	mu     sync.Mutex
	phases []*phaseState
	// onReport, when set, hears every report (accessible mode prints
	// lines); it is called outside the lock.
	onReport func(phase string, done, total int64)
}

type phaseState struct {
	name        string
	done, total int64
	start, end  time.Time
}

func (p *mediaProgress) report(phase string, done, total int64) {
	if p.onReport != nil {
		p.onReport(phase, done, total)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	var cur *phaseState
	if n := len(p.phases); n > 0 && p.phases[n-1].name == phase {
		cur = p.phases[n-1]
	} else {
		if n > 0 && p.phases[n-1].end.IsZero() {
			p.phases[n-1].end = now
		}
		cur = &phaseState{name: phase, start: now}
		p.phases = append(p.phases, cur)
	}
	cur.done, cur.total = done, total
	if total > 0 && done >= total {
		cur.end = now
	}
}

func (p *mediaProgress) snapshot() []phaseState {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]phaseState, len(p.phases))
	for i, ph := range p.phases {
		out[i] = *ph
	}
	return out
}

// mediaJob is what the Progress page writes: the wizard's answers turned
// into media.Options, and the device when there is one.
type mediaJob struct {
	opt     media.Options
	winpe   string
	fwfiles string
	device  string
}

type mediaDoneMsg struct {
	res     *media.Result
	err     error
	rewrite bool // a device holds a partial medium
}

type mediaTickMsg struct{}

// resolver reveals the sequence's secrets while the medium is made.
type mediaResolver struct {
	texts
	lookup func(string) (string, bool)
	pass   string
}

func (r mediaResolver) Getenv(n string) (string, bool) { return r.lookup(n) }
func (r mediaResolver) Prompt(string) (string, error)  { return "", secret.ErrNoPrompt }
func (r mediaResolver) Passphrase() (string, error) {
	if r.pass == "" {
		return "", fmt.Errorf(r.mtx("env.pass"), secret.PassphraseEnv)
	}
	return r.pass, nil
}

// runMediaJob builds the medium and, for a device, writes it there.
func (t texts) runMediaJob(ctx context.Context, job mediaJob, hooks MediaHooks, prog *mediaProgress) mediaDoneMsg {
	src, err := media.FindSource(job.winpe, job.fwfiles)
	if err != nil {
		return mediaDoneMsg{err: err}
	}
	opt := job.opt
	opt.Source = src
	opt.Progress = func(p media.Progress) { prog.report(p.Phase, p.Done, p.Total) }
	if job.device != "" {
		tempfile.Sweep(os.TempDir())
		tmp, err := os.MkdirTemp("", tempfile.Pattern("device", ""))
		if err != nil {
			return mediaDoneMsg{err: err}
		}
		defer os.RemoveAll(tmp)
		opt.USBImage = tmp + string(os.PathSeparator) + "medium.img"
		opt.WorkDir = tmp
	}
	if job.device != "" {
		// Laid out for the whole stick; the check after the build
		// refuses a disk whose size changed meanwhile.
		d, err := hooks.Inspect(job.device)
		if err != nil {
			return mediaDoneMsg{err: err}
		}
		opt.DiskSize = d.Size
	}
	res, err := hooks.Build(ctx, opt)
	if err != nil || job.device == "" {
		return mediaDoneMsg{res: res, err: err}
	}
	// The disk may have changed since it was chosen: look again.
	d, err := hooks.Inspect(job.device)
	if err != nil {
		return mediaDoneMsg{err: err}
	}
	if d.Refusal != "" {
		return mediaDoneMsg{err: errors.New(d.Refusal)}
	}
	if d.Size != opt.DiskSize {
		return mediaDoneMsg{err: fmt.Errorf(t.mtx("env.changed"), d.Path, opt.DiskSize, d.Size)}
	}
	if info, err := os.Stat(opt.USBImage); err == nil && info.Size() > d.Size {
		return mediaDoneMsg{err: fmt.Errorf(t.mtx("env.too-small"), bytesize.Format(info.Size()), d.Path, bytesize.Format(d.Size))}
	}
	err = hooks.WriteDevice(ctx, job.device, opt.USBImage, func(phase string, done, total int64) {
		if phase == "write" {
			phase = "device"
		}
		prog.report(phase, done, total)
	})
	if err != nil {
		return mediaDoneMsg{err: err, rewrite: errors.Is(err, usb.ErrRewrite)}
	}
	res.Path = job.device
	return mediaDoneMsg{res: res}
}

// MediaHooks are what the Progress page calls; tests replace them.
type MediaHooks struct {
	Build       func(context.Context, media.Options) (*media.Result, error)
	Inspect     func(dev string) (mediawiz.Disk, error)
	WriteDevice func(ctx context.Context, dev, image string, progress func(phase string, done, total int64)) error
}

func (h *MediaHooks) defaults(t texts) {
	if h.Build == nil {
		h.Build = media.Build
	}
	if h.Inspect == nil {
		h.Inspect = func(dev string) (mediawiz.Disk, error) {
			disks := usb.NativeDisks()
			if disks == nil {
				return mediawiz.Disk{}, fmt.Errorf(t.mtx("env.disks"), runtime.GOOS)
			}
			d, err := disks.Inspect(dev)
			if err != nil {
				return mediawiz.Disk{}, err
			}
			return diskOf(d), nil
		}
	}
	if h.WriteDevice == nil {
		h.WriteDevice = usb.WriteDevice
	}
}
