package wizard

import (
	"errors"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/interop"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// open loads a sequence file and fills the answers from it. What the
// wizard does not show stays in the loaded sequence and is written back
// unchanged.
func (w *Wizard) open(path string) error {
	if w.A.Flow == FlowImport {
		// A ConfigMgr or MDT task sequence; what it lacks (application
		// command lines…) the pages ask for.
		res, err := interop.ImportFile(path, interop.ImportOptions{})
		if err != nil {
			return err
		}
		w.Prefill(res.Seq)
		w.opened = res.Seq
		w.openedFrom = path
		return nil
	}
	seq, probs := sequence.Load(path)
	if seq == nil || len(probs.Errors()) > 0 {
		errs := probs.Errors()
		if len(errs) == 0 {
			return errors.New(w.Msg("err.open"))
		}
		msg := errs[0].String()
		if len(errs) > 1 {
			msg += w.Msgf("err.open-more", len(errs)-1)
		}
		return errors.New(msg)
	}
	w.Prefill(seq)
	w.opened = seq
	w.openedFrom = path
	return nil
}

func stored(v secret.Value) string {
	s, err := v.Stored(true)
	if err != nil {
		return ""
	}
	return s
}

// Prefill sets the answers from a sequence.
func (w *Wizard) Prefill(seq *sequence.Sequence) {
	a := &w.A
	a.Name, a.Description = seq.Name, seq.Description
	a.BootPath = seq.BootImage.Path
	if seq.BootImage.Arch != "" {
		a.BootArch = seq.BootImage.Arch
	}
	if it := findType(seq, "apply-os-image"); it != nil {
		p := it.Props.(*sequence.ApplyOSImage)
		a.ImagePath, a.ImageIndex = p.Image, strconv.Itoa(p.Index)
	}
	if it := findType(seq, "apply-windows-settings"); it != nil {
		p := it.Props.(*sequence.ApplyWindowsSettings)
		a.RegisteredUser, a.RegisteredOrg, a.TimeZone = p.RegisteredUser, p.RegisteredOrg, p.TimeZone
		a.ProductKey = stored(p.ProductKey)
		a.LicenseMode = p.LicenseMode
		if p.MaxConnections != 0 {
			a.MaxConnections = strconv.Itoa(p.MaxConnections)
		}
		a.Admin = AdminRandom
		if !p.RandomAdminPassword {
			a.Admin = AdminEnable
			a.AdminPassword = stored(p.AdminPassword)
		}
	}
	if it := findType(seq, "apply-network-settings"); it != nil {
		p := it.Props.(*sequence.ApplyNetworkSettings)
		a.Join = p.Join
		if p.Join == sequence.JoinDomain {
			a.Domain, a.DomainOU, a.JoinAccount, a.JoinPassword = p.Domain, p.DomainOU, p.Account, stored(p.Password)
		} else {
			a.Workgroup = p.Workgroup
		}
	}
	if it := findType(seq, "setup-windows-and-configmgr"); it != nil {
		p := it.Props.(*sequence.SetupWindowsAndConfigMgr)
		a.ClientPackage, a.InstallProperties = p.ClientPackage, p.InstallProperties
	}
	a.Updates = UpdatesNone
	if it := findType(seq, "install-software-updates"); it != nil {
		p := it.Props.(*sequence.InstallSoftwareUpdates)
		a.Updates, a.UpdatesSource = p.Target, p.Source
	}
	a.Apps = nil
	if it := findType(seq, "install-applications"); it != nil {
		p := it.Props.(*sequence.InstallApplications)
		a.ContinueOnFailure = p.ContinueOnFailure
		for _, app := range p.Applications {
			codes := make([]string, len(app.SuccessCodes))
			for i, c := range app.SuccessCodes {
				codes[i] = strconv.Itoa(c)
			}
			a.Apps = append(a.Apps, App{Name: app.Name, Source: app.Source, CommandLine: app.CommandLine, SuccessCodes: strings.Join(codes, " ")})
		}
	}
	a.ClientInstalled = findType(seq, "prepare-configmgr-client") != nil
	if it := findType(seq, "prepare-windows-for-capture"); it != nil {
		p := it.Props.(*sequence.PrepareWindowsForCapture)
		a.KeepActivation, a.Shutdown, a.SysprepPackage = p.KeepActivation, p.Shutdown, p.SysprepPackage
	}
	if it := findType(seq, "capture-os-image"); it != nil {
		p := it.Props.(*sequence.CaptureOSImage)
		a.CaptureDest, a.CaptureAccount, a.CapturePassword = p.Destination, p.Account, stored(p.Password)
		a.CreatedBy, a.ImageVersion, a.ImageDescription = p.CreatedBy, p.Version, p.Description
	}
	// A reference needs no confirmation; clear text from a plain: entry
	// is kept as plain: so it is not mistaken for typed text.
	a.AdminConfirm, a.JoinConfirm, a.CaptureConfirm = a.AdminPassword, a.JoinPassword, a.CapturePassword
}
