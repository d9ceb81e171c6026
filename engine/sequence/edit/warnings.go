package edit

import (
	"fmt"

	"github.com/refimage/refimage/engine/sequence"
)

// Warnings are the editor's own warnings from the ConfigMgr reference,
// beyond what sequence.Validate checks (several Apply Network Settings
// steps, a domain join before Prepare Windows for Capture): a Capture
// Operating System Image step that no enabled Prepare Windows for Capture
// comes before. The capture runs only in Windows PE, and it is Prepare
// Windows for Capture that syspreps the computer and restarts it into
// Windows PE; without it the step runs in the full OS, where it fails, or
// captures a computer that was never generalized.
func Warnings(s *sequence.Sequence) sequence.Problems {
	var out sequence.Problems
	prepared := false
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
			switch it.Type {
			case "prepare-windows-for-capture":
				prepared = true
			case "capture-os-image":
				if !prepared {
					out = append(out, sequence.Problem{File: s.File(), Path: ip.Key(), Warning: true,
						Msg: fmt.Sprintf("%q captures in Windows PE, but no Prepare Windows for Capture step comes before it to sysprep the computer and restart it into Windows PE", it.Name)})
				}
			}
		}
	}
	walk(s.Steps, nil)
	return out
}
