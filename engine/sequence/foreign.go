package sequence

import "strings"

// ForeignType is the type of a preserved foreign step: a step of a
// Configuration Manager or MDT task sequence that refimage does not run
// (user state, BitLocker, MDT scripts, child task sequences…), kept
// verbatim by `refimage import` so that `refimage export` gives it back.
// validate warns about it, plan shows it would fail, and run fails on it
// unless it is disabled. See docs/interop.md.
const ForeignType = "foreign"

// Foreign formats.
const (
	ForeignConfigMgr = "configmgr"
	ForeignMDT       = "mdt"
)

// Foreign is a preserved foreign step.
type Foreign struct {
	// Format is where the step came from: "configmgr" or "mdt".
	Format string `toml:"format"`
	// Class is the original step type, e.g.
	// SMS_TaskSequence_RunPowerShellScriptAction or BDD_InstallRoles.
	Class string `toml:"class"`
	// XML is the original <step> element, verbatim.
	XML string `toml:"xml" text:"multiline"`
}

// StepType implements Props.
func (*Foreign) StepType() string { return ForeignType }

func init() {
	// Registered for LookupStep (load, save, validate, the engine), but
	// not listed by StepTypes: it is not a step one adds.
	registerStep(&StepInfo{ForeignType, "Foreign step (not run by refimage)", "Foreign step", "Foreign", anyEnv, "TSManager",
		func() Props { return &Foreign{Format: ForeignConfigMgr} }})
	stepRules[ForeignType] = func(v *validator, p string, props Props) {
		r := props.(*Foreign)
		switch {
		case strings.TrimSpace(r.Class) == "":
			v.errAt(join(p, "class"), "a foreign step names its original step type (class)")
		case !strings.HasPrefix(strings.TrimSpace(r.XML), "<step"):
			v.errAt(join(p, "xml"), "a foreign step holds its original <step> element (xml)")
		default:
			v.warnAt(join(p, "type"), "kept, not run by refimage: %s step %s (run fails on it unless it is disabled)", foreignFormatName(r.Format), r.Class)
		}
		if r.Format != ForeignConfigMgr && r.Format != ForeignMDT {
			v.errAt(join(p, "format"), `format is "configmgr" or "mdt", not %q`, r.Format)
		}
	}
}

func foreignFormatName(f string) string {
	if f == ForeignMDT {
		return "MDT"
	}
	return "Configuration Manager"
}
