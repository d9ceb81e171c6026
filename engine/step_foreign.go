package engine

import (
	"context"
	"fmt"

	"github.com/refimage/refimage/engine/sequence"
)

// A preserved foreign step (sequence.ForeignType): a Configuration Manager
// or MDT step that `refimage import` kept verbatim but refimage does not
// run. Its plan says it would fail; running it fails with
// ERROR_NOT_SUPPORTED, naming the original step type. A disabled foreign
// step is skipped like any other. This is the whole of the engine's part
// in docs/interop.md.
type foreignStep struct{}

func init() { Register(sequence.ForeignType, foreignStep{}) }

func foreignClass(p sequence.Props) string {
	if f, ok := p.(*sequence.Foreign); ok && f.Class != "" {
		return f.Class
	}
	return "(unknown)"
}

func (foreignStep) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, &Error{Code: CodeNotSupported, Msg: fmt.Sprintf(
		"%q is a %s step kept from an imported task sequence; refimage does not run it: disable it, remove it, or run the sequence in Configuration Manager (docs/interop.md)",
		sc.Item.Name, foreignClass(sc.Item.Props))}
}

func (foreignStep) Plan(pc *PlanContext) []string {
	return []string{"would fail: not supported — " + foreignClass(pc.Item.Props) + " is kept from an imported task sequence but refimage does not run it"}
}
