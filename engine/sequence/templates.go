package sequence

// The sequences the wizard generates (reference: configmgr.md §1.11 and
// §1.12, and the seed document's example table). Step and group names are
// the wizard's; the conditions are ConfigMgr's defaults.

// Group and step names of the generated build-and-capture sequence.
const (
	GroupBuild            = "Build the Reference Computer"
	GroupCapture          = "Capture the Reference Computer"
	StepRestartInWinPE    = "Restart in Windows PE"
	StepPartitionBIOS     = "Partition Disk 0 - BIOS"
	StepPartitionUEFI     = "Partition Disk 0 - UEFI"
	StepApplyOS           = "Apply Operating System"
	StepApplySettings     = "Apply Windows Settings"
	StepApplyNetwork      = "Apply Network Settings"
	StepApplyDrivers      = "Apply Device Drivers"
	StepSetupWindows      = "Setup Windows and ConfigMgr"
	StepInstallUpdates    = "Install Updates"
	StepInstallApps       = "Install Applications"
	StepJoinWorkgroup     = "Join Workgroup"
	StepPrepareClient     = "Prepare ConfigMgr Client"
	StepPrepareOS         = "Prepare Operating System"
	StepCaptureReference  = "Capture the Reference Computer"
	StepCustomPrepClient  = "Prepare ConfigMgr Client for Capture"
	StepCustomPrepWindows = "Prepare Windows for Capture"
	StepCustomCapture     = "Capture Operating System Image"
)

// Default conditions of the generated steps.
const (
	CondNotInWinPE     = `_SMSTSInWinPE == "false"`
	CondPartitionBIOS  = `_SMSTSClientCache not exists and _SMSTSMediaType != "OEMMedia" and _OSDMigrateUseHardlinks != "true" and _SMSTSBootUEFI != "true"`
	CondPartitionUEFI  = `_SMSTSClientCache not exists and _SMSTSMediaType != "OEMMedia" and _OSDMigrateUseHardlinks != "true" and _SMSTSBootUEFI == "true"`
	CondNotFullMedia   = `_SMSTSMediaType != "FullMedia"`
	DefaultOSDiskVar   = "OSDisk"
	DefaultWorkgroup   = "WORKGROUP"
	DefaultRetryCount  = 2
	DefaultBIOSSysSize = 350
)

func step(typ, name string, props Props) *Item {
	it := NewStep(typ)
	it.Name = name
	if props != nil {
		it.Props = props
	}
	return it
}

// BIOSPartitions is the generated MBR layout: System Reserved (active) and
// Windows on the rest.
func BIOSPartitions() []Partition {
	return []Partition{
		{Name: "System Reserved", Type: "primary", Size: DefaultBIOSSysSize, SizeUnit: "mb", FileSystem: "ntfs", QuickFormat: true, Bootable: true},
		{Name: "Windows", Type: "primary", Size: 100, SizeUnit: "percent", FileSystem: "ntfs", QuickFormat: true, AssignLetter: true, LetterVariable: DefaultOSDiskVar},
	}
}

// UEFIPartitions is the generated GPT layout (ConfigMgr's UEFI example):
// EFI 500 MB, MSR 128 MB, Windows 99 %, Recovery on the rest.
func UEFIPartitions() []Partition {
	return []Partition{
		{Name: "EFI", Type: "efi", Size: 500, SizeUnit: "mb", FileSystem: "fat32", QuickFormat: true},
		{Name: "MSR", Type: "msr", Size: 128, SizeUnit: "mb"},
		{Name: "Windows", Type: "primary", Size: 99, SizeUnit: "percent", FileSystem: "ntfs", QuickFormat: true, Bootable: true, AssignLetter: true, LetterVariable: DefaultOSDiskVar},
		{Name: "Recovery", Type: "recovery", Size: 0, SizeUnit: "mb", FileSystem: "ntfs", QuickFormat: true},
	}
}

// BuildAndCaptureTemplate returns the sequence the wizard generates for
// "Build and capture a reference operating system image", before the
// answers are applied. Fields the user must fill are empty.
func BuildAndCaptureTemplate() *Sequence {
	restart := step("restart-computer", StepRestartInWinPE, nil)
	restart.Condition = CondNotInWinPE

	bios := step("partition-disk", StepPartitionBIOS, &PartitionDisk{Style: "mbr", Partitions: BIOSPartitions()})
	bios.Condition = CondPartitionBIOS
	uefi := step("partition-disk", StepPartitionUEFI, &PartitionDisk{Style: "gpt", Partitions: UEFIPartitions()})
	uefi.Condition = CondPartitionUEFI

	drivers := step("auto-apply-drivers", StepApplyDrivers, nil)
	drivers.Condition = CondNotFullMedia
	updates := step("install-software-updates", StepInstallUpdates, nil)
	updates.Condition = CondNotFullMedia
	updates.RetryCount = DefaultRetryCount
	apps := step("install-applications", StepInstallApps, nil)
	apps.RetryCount = DefaultRetryCount

	build := NewGroup(GroupBuild)
	build.Steps = []*Item{
		restart, bios, uefi,
		step("apply-os-image", StepApplyOS, nil),
		step("apply-windows-settings", StepApplySettings, nil),
		step("apply-network-settings", StepApplyNetwork, nil),
		drivers,
		step("setup-windows-and-configmgr", StepSetupWindows, nil),
		updates,
		apps,
	}
	capture := NewGroup(GroupCapture)
	capture.Steps = []*Item{
		step("join-domain-or-workgroup", StepJoinWorkgroup, nil),
		step("prepare-configmgr-client", StepPrepareClient, nil),
		step("prepare-windows-for-capture", StepPrepareOS, nil),
		step("capture-os-image", StepCaptureReference, nil),
	}
	return &Sequence{
		Version: FormatVersion,
		Kind:    KindBuildAndCapture,
		Steps:   []*Item{build, capture},
	}
}

// CustomCaptureTemplate returns the custom sequence that captures an
// existing reference computer. withClient adds Prepare ConfigMgr Client
// for Capture (only when the client is installed).
func CustomCaptureTemplate(withClient bool) *Sequence {
	var steps []*Item
	if withClient {
		steps = append(steps, step("prepare-configmgr-client", StepCustomPrepClient, nil))
	}
	steps = append(steps,
		step("prepare-windows-for-capture", StepCustomPrepWindows, nil),
		step("capture-os-image", StepCustomCapture, nil),
	)
	return &Sequence{Version: FormatVersion, Kind: KindCustom, Steps: steps}
}

// FindStep returns the first step (not group) with the name, depth first.
func (s *Sequence) FindStep(name string) *Item { return s.find(name, false) }

// FindGroup returns the first group with the name, depth first.
func (s *Sequence) FindGroup(name string) *Item { return s.find(name, true) }

func (s *Sequence) find(name string, group bool) *Item {
	var found *Item
	s.Walk(func(it *Item, _ []*Item) bool {
		if found == nil && it.Name == name && it.IsGroup() == group {
			found = it
		}
		return found == nil
	})
	return found
}

// Remove deletes the first item (step or group) with the name; it reports
// whether one was found.
func (s *Sequence) Remove(name string) bool {
	var remove func(items []*Item) ([]*Item, bool)
	remove = func(items []*Item) ([]*Item, bool) {
		for i, it := range items {
			if it.Name == name {
				return append(items[:i:i], items[i+1:]...), true
			}
			if it.IsGroup() {
				if rest, ok := remove(it.Steps); ok {
					it.Steps = rest
					return items, true
				}
			}
		}
		return items, false
	}
	var ok bool
	s.Steps, ok = remove(s.Steps)
	return ok
}
