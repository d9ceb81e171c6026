package interop

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// xvar is a variable of a step's defaultVarList.
type xvar struct {
	Name, Prop, Value string
	def               string // the value that means "as if absent"
}

// enc collects the defaultVarList of a step being exported.
type enc struct {
	vars    []xvar
	pm      *PackageMap
	path    string // element path of the step, for messages
	notes   []string
	secrets []SecretVar
	mdt     bool
}

// SecretVar is a secret a step needs but the XML never holds: the import
// script asks for it.
type SecretVar struct {
	StepPath string // element path, e.g. sequence/group[1]/step[4]
	StepName string
	Variable string // e.g. OSDLocalAdminPassword
	Property string // e.g. AdminPassword
	What     string // for the prompt: "the local Administrator password"
}

func (e *enc) put(name, prop, value, def string) {
	e.vars = append(e.vars, xvar{Name: name, Prop: prop, Value: value, def: def})
}

func (e *enc) putBool(name, prop string, v, def bool) {
	e.put(name, prop, strconv.FormatBool(v), strconv.FormatBool(def))
}

func (e *enc) putInt(name, prop string, v, def int) {
	e.put(name, prop, strconv.Itoa(v), strconv.Itoa(def))
}

// secret records a secret the site needs; the value is never written.
func (e *enc) secret(stepName, name, prop, what string, v secret.Value) {
	if !v.IsSet() {
		return
	}
	e.secrets = append(e.secrets, SecretVar{StepPath: e.path, StepName: stepName, Variable: name, Property: prop, What: what})
}

func (e *enc) note(format string, args ...any) {
	e.notes = append(e.notes, fmt.Sprintf(format, args...))
}

// pkg turns a path into a package ID; an unmapped path is noted, never
// invented.
func (e *enc) pkg(what, path string) string {
	if path == "" {
		return ""
	}
	id, ok := e.pm.ID(path)
	if !ok {
		e.note("%s '%s' is not a ConfigMgr package: add it to --package-map (PACKAGEID = '%s'); the package ID is left empty", what, path, path)
		return ""
	}
	return id
}

// dec reads a defaultVarList being imported.
type dec struct {
	vars    map[string]string // lower-case name → value
	pm      *PackageMap
	missing []string // unmapped package IDs seen
	err     error
}

func (d *dec) has(name string) bool { _, ok := d.vars[strings.ToLower(name)]; return ok }

func (d *dec) str(name, def string) string {
	if v, ok := d.vars[strings.ToLower(name)]; ok {
		return v
	}
	return def
}

func (d *dec) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

func (d *dec) bool(name string, def bool) bool {
	v, ok := d.vars[strings.ToLower(name)]
	if !ok || strings.TrimSpace(v) == "" {
		return def
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		d.fail("variable %s: %q is not true or false", name, v)
	}
	return b
}

func (d *dec) int(name string, def int) int {
	v, ok := d.vars[strings.ToLower(name)]
	if !ok || strings.TrimSpace(v) == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		d.fail("variable %s: %q is not a number", name, v)
	}
	return n
}

func (d *dec) path(name string) string {
	id := d.str(name, "")
	p, ok := d.pm.Path(id)
	if !ok {
		d.missing = append(d.missing, id)
	}
	return p
}

// secretVal imports a secret: ConfigMgr's exports blank them; a value in
// the XML is not kept in clear — refimage asks for it (prompt).
func (d *dec) secretVal(name string, needed bool) secret.Value {
	if strings.TrimSpace(d.str(name, "")) != "" || needed {
		v, _ := secret.Parse("prompt")
		return v
	}
	return secret.Value{}
}

// mapping ties a ConfigMgr action class to a refimage step type.
type mapping struct {
	Class string // SMS_TaskSequence_…Action
	Type  string // refimage step type
	// RunIn is ConfigMgr's default SupportedEnvironment of the class.
	RunIn string
	// mdtAction is the command line MDT's ts.xml has for the class, when
	// it differs from ConfigMgr's.
	mdtAction func(e *enc) string
	toProps   func(d *dec) sequence.Props
	toVars    func(e *enc, it *sequence.Item)
	action    func(e *enc) string // from e.vars
}

func (e *enc) val(name string) string {
	for _, v := range e.vars {
		if strings.EqualFold(v.Name, name) {
			return v.Value
		}
	}
	return ""
}

var mappings = []*mapping{
	{
		Class: "SMS_TaskSequence_RebootAction", Type: "restart-computer", RunIn: "WinPEandFullOS",
		toProps: func(d *dec) sequence.Props {
			p := &sequence.RestartComputer{Target: sequence.TargetWinPE, Notify: true, Message: sequence.DefaultRestartMessage, MessageTimeout: 60}
			switch t := d.str("SMSRebootTarget", "WinPE"); {
			case strings.EqualFold(t, "HD"):
				p.Target = sequence.TargetInstalledOS
			case strings.EqualFold(t, "WinPE"), t == "":
			default:
				d.fail("SMSRebootTarget is HD or WinPE, not %q", t)
			}
			p.Message = d.str("SMSRebootMessage", "")
			if n := d.int("SMSRebootTimeout", 0); n > 0 {
				p.MessageTimeout = n
			} else {
				p.Notify = false
			}
			return p
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.RestartComputer)
			e.put("SMSRebootMessage", "Message", p.Message, "")
			t := 0
			if p.Notify {
				t = p.MessageTimeout
			}
			e.putInt("SMSRebootTimeout", "MessageTimeout", t, 0)
			target := "WinPE"
			if p.Target == sequence.TargetInstalledOS {
				target = "HD"
			}
			e.put("SMSRebootTarget", "Target", target, "WinPE")
		},
		action: func(e *enc) string { return "smsboot.exe /target:" + e.val("SMSRebootTarget") },
	},
	{
		Class: "SMS_TaskSequence_PartitionDiskAction", Type: "partition-disk", RunIn: "WinPE",
		mdtAction: func(e *enc) string { return `cscript.exe "%SCRIPTROOT%\ZTIDiskpart.wsf"` },
		toProps: func(d *dec) sequence.Props {
			p := &sequence.PartitionDisk{Disk: d.int("OSDDiskIndex", 0), DiskVariable: d.str("OSDDiskIndexVariable", ""), Style: strings.ToLower(d.str("OSDPartitionStyle", "GPT"))}
			n := d.int("OSDPartitions", 0)
			if n < 0 || n > 128 {
				d.fail("OSDPartitions is %d: 0 to 128 partitions", n)
				return p
			}
			for i := 0; i < n; i++ {
				k := func(s string) string { return fmt.Sprintf("OSDPartitions%d%s", i, s) }
				pt := sequence.Partition{
					Name:           d.str(k("VolumeName"), ""),
					Type:           strings.ToLower(d.str(k("Type"), "Primary")),
					Size:           d.int(k("Size"), 0),
					SizeUnit:       strings.ToLower(d.str(k("SizeUnits"), "MB")),
					FileSystem:     strings.ToLower(d.str(k("FileSystem"), "")),
					QuickFormat:    d.bool(k("QuickFormat"), true),
					Bootable:       d.bool(k("Bootable"), false),
					AssignLetter:   d.bool(k("AssignVolumeLetter"), true),
					LetterVariable: d.str(k("VolumeLetterVariable"), ""),
				}
				p.Partitions = append(p.Partitions, pt)
			}
			return p
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.PartitionDisk)
			e.putInt("OSDDiskIndex", "DiskIndex", p.Disk, 0)
			e.put("OSDDiskIndexVariable", "DiskIndexVariable", p.DiskVariable, "")
			e.putBool("OSDDiskpartBiosCompatibilityMode", "DiskpartBiosCompatibilityMode", false, false)
			efi := false
			for _, pt := range p.Partitions {
				efi = efi || pt.Type == "efi"
			}
			e.putBool("OSDGPTBootDisk", "GPTBootDisk", p.Style == "gpt" && efi, false)
			e.put("OSDPartitionStyle", "PartitionStyle", strings.ToUpper(p.Style), "")
			e.putInt("OSDPartitions", "Partitions", len(p.Partitions), 0)
			for i, pt := range p.Partitions {
				k := func(s string) string { return fmt.Sprintf("OSDPartitions%d%s", i, s) }
				e.put(k("Type"), "Partitions", partitionTypeOut(pt.Type), "Primary")
				e.put(k("FileSystem"), "Partitions", strings.ToUpper(pt.FileSystem), "")
				e.putBool(k("Bootable"), "Partitions", pt.Bootable, false)
				e.putBool(k("QuickFormat"), "Partitions", pt.QuickFormat, true)
				e.put(k("VolumeName"), "Partitions", pt.Name, "")
				if pt.Size != 0 {
					e.putInt(k("Size"), "Partitions", pt.Size, 0)
					e.put(k("SizeUnits"), "Partitions", sizeUnitOut(pt.SizeUnit), "MB")
				}
				e.putBool(k("AssignVolumeLetter"), "Partitions", pt.AssignLetter, true)
				e.put(k("VolumeLetterVariable"), "Partitions", pt.LetterVariable, "")
			}
		},
		action: func(e *enc) string { return "osddiskpart.exe" },
	},
	{
		Class: "SMS_TaskSequence_ApplyOperatingSystemAction", Type: "apply-os-image", RunIn: "WinPE",
		toProps: func(d *dec) sequence.Props {
			p := &sequence.ApplyOSImage{Image: d.path("ImagePackageID"), Index: d.int("OSDImageIndex", 1), Destination: "next-available"}
			if d.has("ConfigFilePackage") {
				p.AnswerFile = joinPath(d.path("ConfigFilePackage"), d.str("OSDConfigFileName", ""))
			}
			switch {
			case d.has("DestinationDisk"):
				p.Destination, p.DestDisk, p.DestPartition = "disk-partition", d.int("DestinationDisk", 0), d.int("DestinationPartition", 1)
			case d.has("DestinationLogicalDrive"):
				p.Destination, p.DestLetter = "drive-letter", d.str("DestinationLogicalDrive", "")
			case d.has("DestinationVariable"):
				p.Destination, p.DestVariable = "variable", d.str("DestinationVariable", "")
			}
			return p
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.ApplyOSImage)
			e.put("ImagePackageID", "ImagePackageID", e.pkg("the image", p.Image), "")
			e.putInt("OSDImageIndex", "ImageIndex", p.Index, 1)
			if p.AnswerFile != "" {
				id, rest, ok := e.pm.Split(p.AnswerFile)
				if !ok {
					e.note("the answer file '%s' is not in a ConfigMgr package: add its folder to --package-map; it is left out", p.AnswerFile)
				} else {
					e.put("ConfigFilePackage", "ConfigFilePackage", id, "")
					e.put("OSDConfigFileName", "ConfigFileName", rest, "")
				}
			}
			switch p.Destination {
			case "disk-partition":
				e.putInt("DestinationDisk", "DestinationDisk", p.DestDisk, -1)
				e.putInt("DestinationPartition", "DestinationPartition", p.DestPartition, -1)
			case "drive-letter":
				e.put("DestinationLogicalDrive", "DestinationLogicalDrive", p.DestLetter, "")
			case "variable":
				e.put("DestinationVariable", "DestinationVariable", p.DestVariable, "")
			}
			if p.Split {
				e.note("split = true has no ConfigMgr property (an image package holds the whole image); it is left out")
			}
		},
		action: func(e *enc) string {
			s := "OSDApplyOS.exe"
			if id := e.val("ImagePackageID"); id != "" {
				s += " /image:" + id + ",%OSDImageIndex%"
			}
			if id := e.val("ConfigFilePackage"); id != "" {
				s += ` "/config:` + id + `,%OSDConfigFileName%"`
			}
			switch {
			case e.val("DestinationDisk") != "":
				s += " /target:" + e.val("DestinationDisk") + "," + e.val("DestinationPartition")
			case e.val("DestinationLogicalDrive") != "":
				s += " /target:" + e.val("DestinationLogicalDrive")
			case e.val("DestinationVariable") != "":
				s += " /target:%" + e.val("DestinationVariable") + "%"
			}
			return s
		},
	},
	{
		Class: "SMS_TaskSequence_ApplyWindowsSettingsAction", Type: "apply-windows-settings", RunIn: "WinPE",
		toProps: func(d *dec) sequence.Props {
			p := &sequence.ApplyWindowsSettings{
				RegisteredUser: d.str("OSDRegisteredUserName", ""), RegisteredOrg: d.str("OSDRegisteredOrgName", ""),
				LicenseMode: sequence.LicenseNone, RandomAdminPassword: d.bool("OSDRandomAdminPassword", true),
				TimeZone: d.str("OSDTimeZone", "UTC"), ComputerName: d.str("OSDComputerName", "%_SMSTSMachineName%"),
				InputLocale: d.str("OSDWindowsSettingsInputLocale", ""), SystemLocale: d.str("OSDWindowsSettingsSystemLocale", ""),
				UILanguage: d.str("OSDWindowsSettingsUILanguage", ""), UILanguageFallback: d.str("OSDWindowsSettingsUILanguageFallback", ""),
				UserLocale: d.str("OSDWindowsSettingsUserLocale", ""),
			}
			if pk := d.secretVal("OSDProductKey", false); pk.IsSet() {
				p.ProductKey = pk.AsProductKey()
			}
			p.AdminPassword = d.secretVal("OSDLocalAdminPassword", !p.RandomAdminPassword)
			switch m := d.str("OSDServerLicenseMode", ""); {
			case m == "":
			case strings.EqualFold(m, "PerSeat"):
				p.LicenseMode = sequence.LicensePerSeat
			case strings.EqualFold(m, "PerServer"):
				p.LicenseMode = sequence.LicensePerServer
				p.MaxConnections = d.int("OSDServerLicenseConnectionLimit", 0)
			default:
				d.fail("OSDServerLicenseMode is PerSeat or PerServer, not %q", m)
			}
			return p
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.ApplyWindowsSettings)
			e.put("OSDRegisteredUserName", "RegisteredUserName", p.RegisteredUser, "")
			e.put("OSDRegisteredOrgName", "RegisteredOrgName", p.RegisteredOrg, "")
			e.secret(it.Name, "OSDProductKey", "ProductKey", "the product key", p.ProductKey)
			switch p.LicenseMode {
			case sequence.LicensePerSeat:
				e.put("OSDServerLicenseMode", "ServerLicenseMode", "PerSeat", "")
			case sequence.LicensePerServer:
				e.put("OSDServerLicenseMode", "ServerLicenseMode", "PerServer", "")
				e.putInt("OSDServerLicenseConnectionLimit", "ServerLicenseConnectionLimit", p.MaxConnections, 0)
			}
			e.putBool("OSDRandomAdminPassword", "RandomAdminPassword", p.RandomAdminPassword, true)
			if !p.RandomAdminPassword {
				e.secret(it.Name, "OSDLocalAdminPassword", "AdminPassword", "the local Administrator password", p.AdminPassword)
			}
			e.put("OSDTimeZone", "TimeZone", p.TimeZone, "UTC")
			e.put("OSDComputerName", "ComputerName", p.ComputerName, "%_SMSTSMachineName%")
			e.put("OSDWindowsSettingsInputLocale", "InputLocale", p.InputLocale, "")
			e.put("OSDWindowsSettingsSystemLocale", "SystemLocale", p.SystemLocale, "")
			e.put("OSDWindowsSettingsUILanguage", "UILanguage", p.UILanguage, "")
			e.put("OSDWindowsSettingsUILanguageFallback", "UILanguageFallback", p.UILanguageFallback, "")
			e.put("OSDWindowsSettingsUserLocale", "UserLocale", p.UserLocale, "")
		},
		action: func(e *enc) string { return "osdwinsettings.exe /config" },
	},
	{
		Class: "SMS_TaskSequence_ApplyNetworkSettingsAction", Type: "apply-network-settings", RunIn: "WinPE",
		toProps: func(d *dec) sequence.Props {
			p := &sequence.ApplyNetworkSettings{Join: sequence.JoinWorkgroup, Workgroup: d.str("OSDWorkgroupName", ""),
				Domain: d.str("OSDDomainName", ""), DomainOU: d.str("OSDDomainOUName", ""), Account: d.str("OSDJoinAccount", ""),
				DNSDomain: d.str("OSDDNSDomain", "")}
			switch d.int("OSDNetworkJoinType", 1) {
			case 0:
				p.Join = sequence.JoinDomain
			case 1:
			default:
				d.fail("OSDNetworkJoinType is 0 (domain) or 1 (workgroup), not %s", d.str("OSDNetworkJoinType", ""))
			}
			p.Password = d.secretVal("OSDJoinPassword", p.Join == sequence.JoinDomain)
			return p
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.ApplyNetworkSettings)
			t := 1
			if p.Join == sequence.JoinDomain {
				t = 0
				e.put("OSDDomainName", "DomainName", p.Domain, "")
				e.put("OSDDomainOUName", "DomainOUName", p.DomainOU, "")
				e.put("OSDJoinAccount", "DomainUsername", p.Account, "")
				e.secret(it.Name, "OSDJoinPassword", "DomainPassword", "the password of the domain join account", p.Password)
			} else {
				e.put("OSDWorkgroupName", "WorkgroupName", p.Workgroup, "")
			}
			e.putInt("OSDNetworkJoinType", "NetworkJoinType", t, 1)
			e.put("OSDDNSDomain", "DNSDomain", p.DNSDomain, "")
			e.putBool("OSDEnableTCPIPFiltering", "EnableTCPIPFiltering", false, false)
			e.putInt("OSDAdapterCount", "NumAdapters", 0, 0)
		},
		action: func(e *enc) string { return "osdnetsettings.exe configure" },
	},
	{
		Class: "SMS_TaskSequence_AutoApplyAction", Type: "auto-apply-drivers", RunIn: "WinPE",
		toProps: func(d *dec) sequence.Props {
			p := &sequence.AutoApplyDrivers{BestMatch: d.bool("OSDAutoApplyDriverBestMatch", true), AllowUnsigned: d.bool("OSDAllowUnsignedDriver", false)}
			if l := d.str("OSDAutoApplyDriverCategoryList", ""); l != "" {
				for _, c := range strings.Split(l, ",") {
					p.Categories = append(p.Categories, strings.TrimSpace(c))
				}
			}
			return p
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.AutoApplyDrivers)
			e.putBool("OSDAutoApplyDriverBestMatch", "BestMatch", p.BestMatch, true)
			e.put("OSDAutoApplyDriverCategoryList", "CategoryList", strings.Join(p.Categories, ","), "")
			e.putBool("OSDAllowUnsignedDriver", "UnsignedDriver", p.AllowUnsigned, false)
			if p.Source != "" {
				e.note("source '%s' is refimage's driver store; ConfigMgr matches drivers from its catalog, so it is left out", p.Source)
			}
		},
		action: func(e *enc) string {
			return "osddriverclient.exe /auto /bestmatch:%OSDAutoApplyDriverBestMatch% /unsigned:%OSDAllowUnsignedDriver%"
		},
	},
	{
		Class: "SMS_TaskSequence_ApplyDriverPackageAction", Type: "apply-driver-package", RunIn: "WinPE",
		toProps: func(d *dec) sequence.Props {
			return &sequence.ApplyDriverPackage{Package: d.path("DriverPackageID"), Recurse: d.bool("OSDApplyDriverRecurse", false),
				AdditionalOptions: d.str("OSDInstallDriversAdditionalOptions", ""), AllowUnsigned: d.bool("OSDAllowUnsignedDriver", false)}
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.ApplyDriverPackage)
			e.put("DriverPackageID", "DriverPackageID", e.pkg("the driver package", p.Package), "")
			e.putBool("OSDApplyDriverRecurse", "Recurse", p.Recurse, false)
			e.put("OSDInstallDriversAdditionalOptions", "InstallDriversAdditionalOptions", p.AdditionalOptions, "")
			e.putBool("OSDAllowUnsignedDriver", "UnsignedDriver", p.AllowUnsigned, false)
		},
		action: func(e *enc) string {
			return "osddriverclient.exe /install:" + e.val("DriverPackageID") + " /unsigned:%OSDAllowUnsignedDriver%"
		},
	},
	{
		Class: "SMS_TaskSequence_SetupWindowsAndSMSAction", Type: "setup-windows-and-configmgr", RunIn: "WinPE",
		toProps: func(d *dec) sequence.Props {
			return &sequence.SetupWindowsAndConfigMgr{ClientPackage: d.path("_SMSClientPackageID"),
				PreProductionPackage: d.path("_SMSClientPreProductionPackageID"), InstallProperties: d.str("SMSClientInstallProperties", "")}
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.SetupWindowsAndConfigMgr)
			e.put("_SMSClientPackageID", "ClientPackageID", e.pkg("the client package", p.ClientPackage), "")
			e.put("_SMSClientPreProductionPackageID", "ClientPreProductionPackageID", e.pkg("the pre-production client package", p.PreProductionPackage), "")
			e.put("SMSClientInstallProperties", "ClientInstallProperties", p.InstallProperties, "")
		},
		action: func(e *enc) string { return "OSDSetupWindows.exe" },
	},
	{
		Class: "SMS_TaskSequence_InstallUpdateAction", Type: "install-software-updates", RunIn: "FullOS",
		toProps: func(d *dec) sequence.Props {
			p := &sequence.InstallSoftwareUpdates{Target: sequence.UpdatesMandatory, UseCache: d.bool("SMSTSSoftwareUpdateScanUseCache", true)}
			switch t := d.str("SMSInstallUpdateTarget", "Mandatory"); {
			case strings.EqualFold(t, "All"):
				p.Target = sequence.UpdatesAll
			case strings.EqualFold(t, "Mandatory"):
			default:
				d.fail("SMSInstallUpdateTarget is Mandatory or All, not %q", t)
			}
			return p
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.InstallSoftwareUpdates)
			t := "Mandatory"
			if p.Target == sequence.UpdatesAll {
				t = "All"
			}
			e.put("SMSInstallUpdateTarget", "Target", t, "Mandatory")
			e.putBool("SMSTSSoftwareUpdateScanUseCache", "UseCache", p.UseCache, true)
			if p.Source != "" {
				e.note("source '%s' (refimage's folder of update packages) has no ConfigMgr property: the site's software updates are used; it is left out", p.Source)
			}
		},
		action: func(e *enc) string { return "TSInstallSWUpdate.exe /target:%SMSInstallUpdateTarget%" },
	},
	{
		Class: "SMS_TaskSequence_InstallApplicationAction", Type: "install-applications", RunIn: "FullOS",
		toProps: func(d *dec) sequence.Props {
			p := &sequence.InstallApplications{ContinueOnFailure: d.bool("ContinueOnInstallError", false)}
			n := d.int("OSDAppCount", 0)
			if n < 0 || n > 1000 {
				d.fail("OSDAppCount is %d", n)
				return p
			}
			for i := 0; i < n; i++ {
				model := d.str(fmt.Sprintf("OSDApp%dName", i), "")
				name := d.str(fmt.Sprintf("OSDApp%dDisplayName", i), model)
				p.Applications = append(p.Applications, sequence.Application{Name: name, Source: ApplicationPrefix + model,
					SuccessCodes: append([]int(nil), sequence.DefaultSuccessCodes...)})
			}
			return p
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.InstallApplications)
			var models []string
			for i, a := range p.Applications {
				model := a.Name
				if strings.HasPrefix(a.Source, ApplicationPrefix) {
					model = a.Source[len(ApplicationPrefix):]
				} else {
					e.note("application '%s' is not a ConfigMgr application (its source is '%s'): create an application named '%s' in the console; its command line is not exported", a.Name, a.Source, a.Name)
				}
				models = append(models, model)
				e.put(fmt.Sprintf("OSDApp%dName", i), "AppInfo", model, "")
				e.put(fmt.Sprintf("OSDApp%dDisplayName", i), "AppInfo", a.Name, model)
			}
			e.putInt("OSDAppCount", "NumApps", len(p.Applications), 0)
			e.put("ApplicationName", "ApplicationName", strings.Join(models, ","), "")
			e.putBool("ContinueOnInstallError", "ContinueOnInstallError", p.ContinueOnFailure, false)
			if p.ClearCache {
				e.note("clear_cache has no property in the ConfigMgr SDK; set \"Clear application content from cache\" in the console")
			}
		},
		action: func(e *enc) string {
			return "smsappinstall.exe /app:" + e.val("ApplicationName") + " /basevar: /continueOnError:" + e.val("ContinueOnInstallError")
		},
	},
	{
		Class: "SMS_TaskSequence_JoinDomainWorkgroupAction", Type: "join-domain-or-workgroup", RunIn: "FullOS",
		toProps: func(d *dec) sequence.Props {
			p := &sequence.JoinDomainOrWorkgroup{Join: sequence.JoinWorkgroup, Workgroup: d.str("OSDJoinWorkgroupName", ""),
				Domain: d.str("OSDJoinDomainName", ""), DomainOU: d.str("OSDJoinDomainOUName", ""), Account: d.str("OSDJoinAccount", ""),
				SkipReboot: d.bool("OSDJoinSkipReboot", false)}
			switch d.int("OSDJoinType", 1) {
			case 0:
				p.Join = sequence.JoinDomain
			case 1:
			default:
				d.fail("OSDJoinType is 0 (domain) or 1 (workgroup), not %s", d.str("OSDJoinType", ""))
			}
			p.Password = d.secretVal("OSDJoinPassword", p.Join == sequence.JoinDomain)
			return p
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.JoinDomainOrWorkgroup)
			t := 1
			if p.Join == sequence.JoinDomain {
				t = 0
				e.put("OSDJoinDomainName", "DomainName", p.Domain, "")
				e.put("OSDJoinDomainOUName", "DomainOUName", p.DomainOU, "")
				e.put("OSDJoinAccount", "DomainUsername", p.Account, "")
				e.secret(it.Name, "OSDJoinPassword", "DomainPassword", "the password of the domain join account", p.Password)
			} else {
				e.put("OSDJoinWorkgroupName", "WorkgroupName", p.Workgroup, "")
			}
			e.putInt("OSDJoinType", "Type", t, 1)
			e.putBool("OSDJoinSkipReboot", "SkipReboot", p.SkipReboot, false)
		},
		action: func(e *enc) string { return "osdjoin.exe /type:%OSDJoinType%" },
	},
	{
		Class: "SMS_TaskSequence_PrepareSMSClientAction", Type: "prepare-configmgr-client", RunIn: "FullOS",
		toProps: func(d *dec) sequence.Props { return &sequence.PrepareConfigMgrClient{} },
		toVars:  func(e *enc, it *sequence.Item) {},
		action:  func(e *enc) string { return "osdpreparesmsclient.exe" },
	},
	{
		Class: "SMS_TaskSequence_PrepareOSAction", Type: "prepare-windows-for-capture", RunIn: "FullOS",
		toProps: func(d *dec) sequence.Props {
			return &sequence.PrepareWindowsForCapture{KeepActivation: d.bool("OSDKeepActivation", false),
				BuildStorageDriverList: d.bool("OSDBuildStorageDriverList", false), Shutdown: d.bool("ShutdownPreparedOs", false)}
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.PrepareWindowsForCapture)
			e.putBool("OSDBuildStorageDriverList", "BuildStorageDriverList", p.BuildStorageDriverList, false)
			e.putBool("OSDKeepActivation", "KeepActivation", p.KeepActivation, false)
			e.putBool("ShutdownPreparedOs", "ShutdownPreparedOs", p.Shutdown, false)
			if p.SysprepPackage != "" {
				e.note("sysprep_package is the legacy Install Deployment Tools package (not needed since Windows Vista); it is left out")
			}
		},
		action: func(e *enc) string {
			return "osdprepareos.exe /activate:%OSDKeepActivation% /bmsd:%OSDBuildStorageDriverList%"
		},
	},
	{
		Class: "SMS_TaskSequence_CaptureSystemImageAction", Type: "capture-os-image", RunIn: "WinPE",
		toProps: func(d *dec) sequence.Props {
			p := &sequence.CaptureOSImage{Destination: d.str("OSDCaptureDestination", ""), Account: d.str("OSDCaptureAccount", ""),
				CreatedBy: d.str("OSDImageCreator", ""), Version: d.str("OSDImageVersion", ""), Description: d.str("OSDImageDescription", ""),
				Compression: sequence.CompressXpress}
			p.Password = d.secretVal("OSDCaptureAccountPassword", p.Account != "")
			return p
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.CaptureOSImage)
			e.put("OSDCaptureDestination", "CaptureDestination", p.Destination, "")
			e.put("OSDCaptureAccount", "CaptureUsername", p.Account, "")
			e.secret(it.Name, "OSDCaptureAccountPassword", "CapturePassword", "the password of the capture account", p.Password)
			e.put("OSDImageCreator", "ImageCreator", p.CreatedBy, "")
			e.put("OSDImageDescription", "ImageDescription", p.Description, "")
			e.put("OSDImageVersion", "ImageVersion", p.Version, "")
			if p.Compression != sequence.CompressXpress {
				e.note("compression '%s' has no ConfigMgr property; ConfigMgr chooses its own", p.Compression)
			}
		},
		action: func(e *enc) string { return "osdcapturesystemimage.exe" },
	},
	{
		Class: "SMS_TaskSequence_RunCommandLineAction", Type: "run-command-line", RunIn: "WinPEandFullOS",
		toProps: func(d *dec) sequence.Props {
			p := &sequence.RunCommandLine{CommandLine: d.str("CommandLine", ""), WorkingDirectory: d.str("WorkingDirectory", ""),
				OutputVariable: d.str("OutputVariableName", ""), DisableWow64Redirection: d.bool("SMSTSDisableWow64Redirection", false)}
			if d.str("PackageID", "") != "" {
				p.WorkingDirectory = joinPath(d.path("PackageID"), p.WorkingDirectory)
			}
			if d.bool("_SMSTSRunCommandLineAsUser", false) {
				d.fail("run as another user is not supported by refimage")
			}
			return p
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.RunCommandLine)
			e.put("CommandLine", "CommandLine", p.CommandLine, "")
			id, rest, ok := e.pm.Split(p.WorkingDirectory)
			if ok {
				e.put("PackageID", "PackageID", id, "")
				e.put("WorkingDirectory", "WorkingDirectory", rest, "")
			} else {
				e.put("WorkingDirectory", "WorkingDirectory", p.WorkingDirectory, "")
			}
			e.putBool("SMSTSDisableWow64Redirection", "DisableWow64Redirection", p.DisableWow64Redirection, false)
			e.put("OutputVariableName", "OutputVariableName", p.OutputVariable, "")
			e.putBool("_SMSTSRunCommandLineAsUser", "RunAsUser", false, false)
			if p.HideCommand {
				e.note("hide_command has no ConfigMgr property; set the variable OSDDoNotLogCommand=TRUE before the step instead")
			}
		},
		action:    func(e *enc) string { return "smsswd.exe /run:" + e.val("PackageID") + " " + e.val("CommandLine") },
		mdtAction: func(e *enc) string { return e.val("CommandLine") },
	},
	{
		Class: "SMS_TaskSequence_SetVariableAction", Type: "set-variable", RunIn: "WinPEandFullOS",
		mdtAction: func(e *enc) string { return `cscript.exe "%SCRIPTROOT%\ZTISetVariable.wsf"` },
		toProps: func(d *dec) sequence.Props {
			return &sequence.SetVariable{Variable: d.str("VariableName", ""), Value: d.str("VariableValue", "")}
		},
		toVars: func(e *enc, it *sequence.Item) {
			p := it.Props.(*sequence.SetVariable)
			e.put("VariableName", "VariableName", p.Variable, "")
			e.put("VariableValue", "VariableValue", p.Value, "")
		},
		action: func(e *enc) string { return `tsenv.exe "` + e.val("VariableName") + "=" + e.val("VariableValue") + `"` },
	},
}

var byClass, byType = func() (map[string]*mapping, map[string]*mapping) {
	c, t := map[string]*mapping{}, map[string]*mapping{}
	for _, m := range mappings {
		c[strings.ToLower(m.Class)] = m
		t[m.Type] = m
	}
	return c, t
}()

func partitionTypeOut(t string) string {
	switch t {
	case "efi":
		return "EFI"
	case "msr":
		return "MSR"
	case "":
		return "Primary"
	}
	return strings.ToUpper(t[:1]) + t[1:]
}

func sizeUnitOut(u string) string {
	switch u {
	case "gb":
		return "GB"
	case "percent":
		return "Percent"
	}
	return "MB"
}

// runIn maps ConfigMgr's runIn to refimage's run_in.
func runInFromXML(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "winpe":
		return sequence.RunInWinPE, true
	case "fullos":
		return sequence.RunInFullOS, true
	case "winpeandfullos":
		return sequence.RunInAny, true
	}
	return "", false
}

func runInToXML(s string) string {
	switch s {
	case sequence.RunInWinPE:
		return "WinPE"
	case sequence.RunInFullOS:
		return "FullOS"
	}
	return "WinPEandFullOS"
}
