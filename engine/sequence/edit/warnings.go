package edit

import (
	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/msg"
)

// Warnings are the editor's own warnings from the ConfigMgr reference,
// beyond what sequence.Validate checks (several Apply Network Settings
// steps, a domain join before Prepare Windows for Capture): a Capture
// Operating System Image step that no enabled Prepare Windows for Capture
// comes before, and one that captures a domain-joined computer (with no
// Prepare Windows for Capture after the join, which Validate covers). The capture runs only in Windows PE, and it is Prepare
// Windows for Capture that syspreps the computer and restarts it into
// Windows PE; without it the step runs in the full OS, where it fails, or
// captures a computer that was never generalized.
func Warnings(s *sequence.Sequence) sequence.Problems {
	var out sequence.Problems
	prepared := false
	// The last domain join not undone by a workgroup join, and whether a
	// Prepare Windows for Capture came after it (sequence.Validate warns
	// about that one already).
	var joined *sequence.Item
	preparedSinceJoin := false
	warn := func(p Path, format string, args ...any) {
		m := msg.New(format, args...)
		out = append(out, sequence.Problem{File: s.File(), Path: p.Key(), Warning: true, Msg: m.String(), Message: m})
	}
	var walk func(items []*sequence.Item, p Path)
	walk = func(items []*sequence.Item, p Path) {
		for i, it := range items {
			ip := p.with(i)
			if it.Disabled {
				continue
			}
			if it.IsGroup() {
				walk(it.Steps, ip)
				continue
			}
			switch props := it.Props.(type) {
			case *sequence.ApplyNetworkSettings:
				if props.Join == sequence.JoinDomain && joined == nil {
					joined, preparedSinceJoin = it, false
				}
			case *sequence.JoinDomainOrWorkgroup:
				if props.Join == sequence.JoinDomain {
					joined, preparedSinceJoin = it, false
				} else {
					joined = nil
				}
			case *sequence.PrepareWindowsForCapture:
				prepared, preparedSinceJoin = true, true
			case *sequence.CaptureOSImage:
				if !prepared {
					warn(ip, "%q captures in Windows PE, but no Prepare Windows for Capture step comes before it to sysprep the computer and restart it into Windows PE", it.Name)
				}
				if joined != nil && !preparedSinceJoin {
					warn(ip, "%q captures a computer that %q joined to a domain; join a workgroup before capturing (a reference image is never domain-joined)", it.Name, joined.Name)
				}
			}
		}
	}
	walk(s.Steps, nil)
	return out
}
