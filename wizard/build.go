package wizard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// Sequence returns the task sequence the answers describe: the template
// of the flow (or the opened sequence) with the answers applied. Secrets
// typed in the wizard are clear secret values; Write seals them.
func (w *Wizard) Sequence() (*sequence.Sequence, error) {
	if id, bad := w.FirstInvalid(); bad {
		errs := w.PageErrors(id)
		return nil, fmt.Errorf("%s", errs[0].Error())
	}
	a := &w.A
	custom := w.EffectiveFlow() == FlowCustom
	var seq *sequence.Sequence
	switch {
	case w.opened != nil && w.opening():
		seq = w.opened
	case custom:
		seq = sequence.CustomCaptureTemplate(a.ClientInstalled)
	default:
		seq = sequence.BuildAndCaptureTemplate()
	}
	seq.Name = strings.TrimSpace(a.Name)
	seq.Description = a.Description
	seq.BootImage = sequence.BootImage{Path: strings.TrimSpace(a.BootPath)}
	if seq.BootImage.Path != "" {
		seq.BootImage.Arch = a.BootArch
	}
	var err error
	if custom {
		err = w.applyCustom(seq)
	} else {
		err = w.applyBuild(seq)
	}
	if err != nil {
		return nil, err
	}
	if w.opened == nil || !w.opening() {
		localizeNames(w.Lang, seq)
	}
	return seq, nil
}

func secretOf(field, text string, productKey bool) (secret.Value, error) {
	if productKey && !IsSecretRef(text) {
		text = strings.ToUpper(text)
	}
	v, err := secretValue(text)
	if err != nil {
		return v, fmt.Errorf("%s: %w", field, err)
	}
	if productKey && v.IsSet() {
		v = v.AsProductKey()
	}
	return v, nil
}

func (w *Wizard) applyBuild(seq *sequence.Sequence) error {
	a := &w.A
	build := seq.FindGroup(sequence.GroupBuild)
	capture := seq.FindGroup(sequence.GroupCapture)
	tmpl := sequence.BuildAndCaptureTemplate()

	// Install Windows.
	apply := w.ensure(seq, tmpl, "apply-os-image", build)
	p := apply.Props.(*sequence.ApplyOSImage)
	p.Image = strings.TrimSpace(a.ImagePath)
	p.Index, _ = strconv.Atoi(strings.TrimSpace(a.ImageIndex))
	p.Split = strings.HasSuffix(strings.ToLower(p.Image), ".swm")

	ws := w.ensure(seq, tmpl, "apply-windows-settings", build).Props.(*sequence.ApplyWindowsSettings)
	ws.RegisteredUser = a.RegisteredUser
	ws.RegisteredOrg = a.RegisteredOrg
	var err error
	if ws.ProductKey, err = secretOf("windows.product_key", a.ProductKey, true); err != nil {
		return err
	}
	ws.LicenseMode = a.LicenseMode
	ws.MaxConnections = 0
	if a.LicenseMode == sequence.LicensePerServer {
		ws.MaxConnections, _ = strconv.Atoi(strings.TrimSpace(a.MaxConnections))
	}
	ws.RandomAdminPassword = a.Admin != AdminEnable
	ws.AdminPassword = secret.Value{}
	if !ws.RandomAdminPassword {
		if ws.AdminPassword, err = secretOf("windows.admin_password", a.AdminPassword, false); err != nil {
			return err
		}
	}
	ws.TimeZone = a.TimeZone

	// Configure Network: Apply Network Settings, and the workgroup joined
	// before capture.
	ns := w.ensure(seq, tmpl, "apply-network-settings", build).Props.(*sequence.ApplyNetworkSettings)
	ns.Join = a.Join
	ns.Workgroup, ns.Domain, ns.DomainOU, ns.Account, ns.Password = "", "", "", "", secret.Value{}
	if a.Join == sequence.JoinDomain {
		ns.Domain, ns.DomainOU, ns.Account = a.Domain, a.DomainOU, a.JoinAccount
		if ns.Password, err = secretOf("network.password", a.JoinPassword, false); err != nil {
			return err
		}
	} else {
		ns.Workgroup = a.Workgroup
	}
	jw := w.ensure(seq, tmpl, "join-domain-or-workgroup", capture).Props.(*sequence.JoinDomainOrWorkgroup)
	jw.Join = sequence.JoinWorkgroup
	jw.Workgroup = w.captureWorkgroup(a)
	jw.Domain, jw.DomainOU, jw.Account, jw.Password = "", "", "", secret.Value{}

	// Install Configuration Manager.
	sw := w.ensure(seq, tmpl, "setup-windows-and-configmgr", build).Props.(*sequence.SetupWindowsAndConfigMgr)
	sw.ClientPackage = strings.TrimSpace(a.ClientPackage)
	sw.InstallProperties = strings.TrimSpace(a.InstallProperties)
	if sw.ClientPackage == "" {
		// Without a client there is nothing to prepare for capture.
		removeType(seq, "prepare-configmgr-client")
	} else {
		w.ensure(seq, tmpl, "prepare-configmgr-client", capture)
	}

	// Apply Device Drivers matches drivers from a driver source, which
	// the wizard does not ask for: a new sequence leaves the step out
	// rather than write it without one (add it in the editor, with its
	// source); an opened sequence keeps its own.
	if d := findType(seq, "auto-apply-drivers"); d != nil && seq != w.opened &&
		strings.TrimSpace(d.Props.(*sequence.AutoApplyDrivers).Source) == "" {
		removeType(seq, "auto-apply-drivers")
	}

	// Include Updates.
	if a.Updates == UpdatesNone {
		removeType(seq, "install-software-updates")
	} else {
		up := w.ensure(seq, tmpl, "install-software-updates", build).Props.(*sequence.InstallSoftwareUpdates)
		up.Target = a.Updates
		up.Source = strings.TrimSpace(a.UpdatesSource)
	}

	// Install Applications.
	if len(a.Apps) == 0 {
		removeType(seq, "install-applications")
	} else {
		ia := w.ensure(seq, tmpl, "install-applications", build).Props.(*sequence.InstallApplications)
		ia.ContinueOnFailure = a.ContinueOnFailure
		ia.Applications = nil
		for _, app := range a.Apps {
			codes, err := w.ParseSuccessCodes(app.SuccessCodes)
			if err != nil {
				return err
			}
			ia.Applications = append(ia.Applications, sequence.Application{
				Name: strings.TrimSpace(app.Name), Source: strings.TrimSpace(app.Source),
				CommandLine: strings.TrimSpace(app.CommandLine), SuccessCodes: codes,
			})
		}
	}

	// System Preparation.
	po := w.ensure(seq, tmpl, "prepare-windows-for-capture", capture).Props.(*sequence.PrepareWindowsForCapture)
	po.KeepActivation, po.Shutdown = a.KeepActivation, a.Shutdown
	po.SysprepPackage = strings.TrimSpace(a.SysprepPackage)

	// Image Properties and Capture Image.
	return w.applyCapture(w.ensure(seq, tmpl, "capture-os-image", capture))
}

func (w *Wizard) applyCustom(seq *sequence.Sequence) error {
	a := &w.A
	tmpl := sequence.CustomCaptureTemplate(true)
	if a.ClientInstalled {
		w.ensure(seq, tmpl, "prepare-configmgr-client", nil)
	} else {
		removeType(seq, "prepare-configmgr-client")
	}
	po := w.ensure(seq, tmpl, "prepare-windows-for-capture", nil).Props.(*sequence.PrepareWindowsForCapture)
	po.KeepActivation, po.Shutdown = a.KeepActivation, a.Shutdown
	return w.applyCapture(w.ensure(seq, tmpl, "capture-os-image", nil))
}

func (w *Wizard) applyCapture(it *sequence.Item) error {
	a := &w.A
	c := it.Props.(*sequence.CaptureOSImage)
	c.Destination = strings.TrimSpace(a.CaptureDest)
	c.Account = strings.TrimSpace(a.CaptureAccount)
	c.Password = secret.Value{}
	if c.Account != "" {
		var err error
		if c.Password, err = secretOf("capture.password", a.CapturePassword, false); err != nil {
			return err
		}
	}
	c.CreatedBy, c.Version, c.Description = a.CreatedBy, a.ImageVersion, a.ImageDescription
	return nil
}

// findType returns the first enabled-or-not step of the type, depth first.
func findType(seq *sequence.Sequence, typ string) *sequence.Item {
	var found *sequence.Item
	seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		if found == nil && !it.IsGroup() && it.Type == typ {
			found = it
		}
		return found == nil
	})
	return found
}

// removeType deletes every step of the type.
func removeType(seq *sequence.Sequence, typ string) {
	var prune func(items []*sequence.Item) []*sequence.Item
	prune = func(items []*sequence.Item) []*sequence.Item {
		out := items[:0]
		for _, it := range items {
			if !it.IsGroup() && it.Type == typ {
				continue
			}
			if it.IsGroup() {
				it.Steps = prune(it.Steps)
			}
			out = append(out, it)
		}
		return out
	}
	seq.Steps = prune(seq.Steps)
}

// ensure returns the sequence's step of the type; when it has none (an
// opened sequence the user changed, or a step the answers dropped), the
// template's step is inserted where the template has it: after the
// nearest step that precedes it in the template, in group (or at the top
// level when group is nil or missing).
// answerNeeds are the step types an answer asks for (applications
// listed, updates chosen, the image and its capture): ensure adds them to
// an opened file that lacks them.
var answerNeeds = map[string]bool{
	"apply-os-image": true, "install-applications": true, "install-software-updates": true, "capture-os-image": true,
}

// ensure returns the step of the type, adding the template's at its
// place when the sequence has none.
func (w *Wizard) ensure(seq, tmpl *sequence.Sequence, typ string, group *sequence.Item) *sequence.Item {
	if it := findType(seq, typ); it != nil {
		return it
	}
	fresh := findType(tmpl, typ)
	if w.opened != nil && w.A.Flow == FlowOpen && seq == w.opened && !answerNeeds[typ] {
		// An opened file keeps the steps it has, and gets none it did
		// not have unless an answer asks for one: the page's values go
		// to a step that is not written.
		return fresh
	}
	// The template's order, flattened.
	var order []string
	tmpl.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		if !it.IsGroup() {
			order = append(order, it.Type)
		}
		return true
	})
	items := &seq.Steps
	if group != nil {
		items = &group.Steps
	}
	pos := 0
	for _, t := range order {
		if t == typ {
			break
		}
		for i, it := range *items {
			if !it.IsGroup() && it.Type == t {
				pos = i + 1
			}
		}
	}
	list := append((*items)[:pos:pos], append([]*sequence.Item{fresh}, (*items)[pos:]...)...)
	*items = list
	return fresh
}
