package wizard

import "github.com/refimage/refimage/engine/sequence"

// nameKeys maps the template's English group and step names to their
// catalog keys.
var nameKeys = map[string]string{
	sequence.GroupBuild:            "name.group.build",
	sequence.StepRestartInWinPE:    "name.restart-winpe",
	sequence.StepPartitionBIOS:     "name.partition-bios",
	sequence.StepPartitionUEFI:     "name.partition-uefi",
	sequence.StepApplyOS:           "name.apply-os",
	sequence.StepApplySettings:     "name.apply-settings",
	sequence.StepApplyNetwork:      "name.apply-network",
	sequence.StepApplyDrivers:      "name.apply-drivers",
	sequence.StepSetupWindows:      "name.setup-windows",
	sequence.StepInstallUpdates:    "name.install-updates",
	sequence.StepInstallApps:       "name.install-apps",
	sequence.StepJoinWorkgroup:     "name.join-workgroup",
	sequence.StepPrepareClient:     "name.prepare-client",
	sequence.StepPrepareOS:         "name.prepare-os",
	sequence.StepCaptureReference:  "name.capture-reference", // also the capture group's name
	sequence.StepCustomPrepClient:  "name.custom-prep-client",
	sequence.StepCustomPrepWindows: "name.custom-prep-win",
	sequence.StepCustomCapture:     "name.custom-capture",
}

// LocalName is the name of a template group or step in a language; other
// names are returned as they are.
func LocalName(l Lang, english string) string {
	k, ok := nameKeys[english]
	if !ok {
		return english
	}
	return catalogs.Msg(l, k)
}

// localizeNames gives the groups and steps of a template the names of a
// language (the English constants stay what other code looks for; only
// the written names change).
func localizeNames(l Lang, seq *sequence.Sequence) {
	if l == English {
		return
	}
	seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		if k, ok := nameKeys[it.Name]; ok {
			if it.IsGroup() && it.Name == sequence.GroupCapture {
				k = "name.group.capture"
			}
			it.Name = catalogs.Msg(l, k)
		}
		return true
	})
}
