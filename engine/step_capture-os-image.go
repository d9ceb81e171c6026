package engine

import (
	"context"

	"github.com/refimage/refimage/engine/sequence"
)

// Capture Operating System Image (configmgr.md §2.13): issue #6.
type captureOSImage struct{}

func init() { Register("capture-os-image", captureOSImage{}) }

func (captureOSImage) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("capture-os-image")
}

func (captureOSImage) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.CaptureOSImage)
	var out []string
	if len(p.Destination) > 2 && p.Destination[:2] == `\\` && p.Account != "" {
		out = append(out, "connect to the share of "+p.Destination+" as "+p.Account+" (password "+pc.Masked(p.Password)+")")
	}
	src := "every NTFS or FAT32 volume that is not USB, one image each"
	if pc.Offline != "" {
		src = "the folder " + pc.Offline
	}
	out = append(out,
		"capture "+src+" ("+p.Compression+" compression) into a temporary file beside "+p.Destination,
		"image properties: created by "+quote(p.CreatedBy)+", version "+quote(p.Version)+", description "+quote(p.Description),
		"verify, then rename it to "+p.Destination+" (overwrites an existing file)",
	)
	return out
}
