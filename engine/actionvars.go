package engine

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// actionVar ties a step property to its action variable (the reference's
// defaultVarList, configmgr.md §2 and §3.3): while the step runs the
// variable holds the property's value, unless the variable was already
// set (by --var, a sequence variable or Set Task Sequence Variable): then
// the variable overrides the property, and the override stays for later
// steps.
type actionVar struct {
	Name string // the variable
	Key  string // the property's toml key
	// Values maps property values to variable values (e.g. winpe ->
	// WinPE) where the reference's variable uses other words.
	Values map[string]string
}

// Secret properties have action variables in the reference
// (OSDLocalAdminPassword, OSDJoinPassword, OSDCaptureAccountPassword,
// OSDProductKey), but refimage never puts a revealed secret into the
// environment: it would end up in the saved state.
var actionVars = map[string][]actionVar{
	"restart-computer": {
		{Name: "SMSRebootMessage", Key: "message"},
		{Name: "SMSRebootTimeout", Key: "message_timeout"},
		{Name: "SMSRebootTarget", Key: "target", Values: map[string]string{sequence.TargetWinPE: "WinPE", sequence.TargetInstalledOS: "HD"}},
	},
	"partition-disk": {
		{Name: "OSDPartitionStyle", Key: "style", Values: map[string]string{"gpt": "GPT", "mbr": "MBR"}},
	},
	"apply-os-image": {
		{Name: "OSDImageIndex", Key: "index"},
		{Name: "OSDConfigFileName", Key: "answer_file"},
	},
	"apply-windows-settings": {
		{Name: "OSDRegisteredUserName", Key: "registered_user"},
		{Name: "OSDRegisteredOrgName", Key: "registered_organization"},
		{Name: "OSDRandomAdminPassword", Key: "random_admin_password"},
		{Name: "OSDTimeZone", Key: "time_zone"},
		{Name: "OSDComputerName", Key: "computer_name"},
		{Name: "OSDWindowsSettingsInputLocale", Key: "input_locale"},
		{Name: "OSDWindowsSettingsSystemLocale", Key: "system_locale"},
		{Name: "OSDWindowsSettingsUILanguage", Key: "ui_language"},
		{Name: "OSDWindowsSettingsUILanguageFallback", Key: "ui_language_fallback"},
		{Name: "OSDWindowsSettingsUserLocale", Key: "user_locale"},
	},
	"apply-network-settings": {
		{Name: "OSDNetworkJoinType", Key: "join", Values: map[string]string{sequence.JoinDomain: "0", sequence.JoinWorkgroup: "1"}},
		{Name: "OSDWorkgroupName", Key: "workgroup"},
		{Name: "OSDDomainName", Key: "domain"},
		{Name: "OSDDomainOUName", Key: "domain_ou"},
		{Name: "OSDJoinAccount", Key: "account"},
		{Name: "OSDDNSDomain", Key: "dns_domain"},
	},
	"auto-apply-drivers": {
		{Name: "OSDAutoApplyDriverBestMatch", Key: "best_match"},
		{Name: "OSDAllowUnsignedDriver", Key: "allow_unsigned"},
	},
	"apply-driver-package": {
		{Name: "OSDInstallDriversAdditionalOptions", Key: "additional_options"},
		{Name: "OSDAllowUnsignedDriver", Key: "allow_unsigned"},
	},
	"setup-windows-and-configmgr": {
		{Name: "SMSClientInstallProperties", Key: "install_properties"},
	},
	"install-software-updates": {
		{Name: "SMSInstallUpdateTarget", Key: "target", Values: map[string]string{sequence.UpdatesMandatory: "Mandatory", sequence.UpdatesAll: "All"}},
		{Name: "SMSTSSoftwareUpdateScanUseCache", Key: "use_cache"},
	},
	"join-domain-or-workgroup": {
		{Name: "OSDJoinType", Key: "join", Values: map[string]string{sequence.JoinDomain: "0", sequence.JoinWorkgroup: "1"}},
		{Name: "OSDJoinDomainName", Key: "domain"},
		{Name: "OSDJoinDomainOUName", Key: "domain_ou"},
		{Name: "OSDJoinWorkgroupName", Key: "workgroup"},
		{Name: "OSDJoinAccount", Key: "account"},
		{Name: "OSDJoinSkipReboot", Key: "skip_reboot"},
	},
	"prepare-windows-for-capture": {
		{Name: "OSDKeepActivation", Key: "keep_activation"},
		{Name: "OSDBuildStorageDriverList", Key: "build_storage_driver_list"},
	},
	"capture-os-image": {
		{Name: "OSDCaptureDestination", Key: "destination"},
		{Name: "OSDCaptureAccount", Key: "account"},
		{Name: "OSDImageCreator", Key: "created_by"},
		{Name: "OSDImageVersion", Key: "image_version"},
		{Name: "OSDImageDescription", Key: "image_description"},
	},
}

// ActionVariables returns the action variables of a step type and the
// property each stands for (for docs and plan).
func ActionVariables(typ string) map[string]string {
	out := map[string]string{}
	for _, av := range actionVars[typ] {
		out[av.Name] = av.Key
	}
	return out
}

// field finds a property by its toml key.
func field(p sequence.Props, key string) (reflect.Value, bool) {
	rv := reflect.ValueOf(p)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	st := rv.Elem()
	for i := 0; i < st.NumField(); i++ {
		if st.Type().Field(i).Tag.Get("toml") == key {
			return st.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// propToVar is the variable form of a property value.
func (av actionVar) propToVar(f reflect.Value) string {
	var s string
	switch f.Kind() {
	case reflect.String:
		s = f.String()
	case reflect.Int, reflect.Int64:
		s = strconv.FormatInt(f.Int(), 10)
	case reflect.Bool:
		s = strconv.FormatBool(f.Bool())
	}
	if v, ok := av.Values[s]; ok {
		return v
	}
	return s
}

// varToProp sets a property from the variable's value; false when the
// value does not fit the property.
func (av actionVar) varToProp(f reflect.Value, val string) bool {
	for pv, vv := range av.Values {
		if strings.EqualFold(vv, val) || strings.EqualFold(pv, val) {
			val = pv
			break
		}
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(val)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
		if err != nil {
			return false
		}
		f.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(strings.ToLower(val)))
		if err != nil {
			return false
		}
		f.SetBool(b)
	default:
		return false
	}
	return true
}

// applyActionVars pushes a step's action variables into the environment
// or lets set variables override the properties. It returns the names it
// pushed (to remove after the step) and the overrides it applied.
func applyActionVars(typ string, p sequence.Props, vars *Vars) (pushed []string, overrides []string, bad []string) {
	for _, av := range actionVars[typ] {
		f, ok := field(p, av.Key)
		if !ok {
			continue
		}
		if val, set := vars.Get(av.Name); set {
			if av.varToProp(f, val) {
				overrides = append(overrides, av.Name)
			} else {
				bad = append(bad, av.Name)
			}
			continue
		}
		if v := av.propToVar(f); v != "" {
			if vars.SetReadOnly(av.Name, v) == nil {
				pushed = append(pushed, av.Name)
			}
		}
	}
	return pushed, overrides, bad
}
