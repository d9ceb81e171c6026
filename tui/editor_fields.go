package tui

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/msg"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// edFieldKind is how a field of the Properties or Options tab is edited.
type edFieldKind int

const (
	edText   edFieldKind = iota // one line of text
	edChoice                    // one of options (← →)
	edCheck                     // a tick box (space)
	edInfo                      // read-only
	edCond                      // the condition: enter opens the builder
	edList                      // a list of partitions or applications: enter opens it
)

// edField is one field of the right-hand pane. get reads the model; set
// validates the text and applies it through the editor (one undoable
// change per field while typing), returning what is wrong.
type edField struct {
	key     string // the key below the item's path in problems, e.g. product_key
	label   string
	kind    edFieldKind
	options []string
	help    string
	get     func() string
	set     func(v string) string
	// parse, when set, says what is wrong with a text that cannot be
	// written at all (not a number, not exit codes): the editor keeps
	// such a text as a pending value, a problem of the sequence, instead
	// of applying it.
	parse func(v string) string
}

// stepFieldLabels are the labels of the step properties, by toml key.
var stepFieldLabels = map[string]string{
	"target":                    "Target",
	"notify":                    "Notify the user before restarting",
	"message":                   "Notification message",
	"message_timeout":           "Message display time-out (seconds)",
	"disk":                      "Disk number",
	"disk_variable":             "Variable name to store the disk number",
	"style":                     "Disk type",
	"partitions":                "Partitions",
	"image":                     "Image (.wim, or the first .swm)",
	"index":                     "Image index",
	"split":                     "Split image (.swm parts)",
	"answer_file":               "Answer file to merge (unattend.xml)",
	"destination":               "Destination",
	"destination_disk":          "Destination disk",
	"destination_partition":     "Destination partition",
	"destination_letter":        "Destination drive letter",
	"destination_variable":      "Variable holding the drive letter",
	"registered_user":           "User name",
	"registered_organization":   "Organization name",
	"product_key":               "Product key",
	"license_mode":              "Server licensing",
	"max_connections":           "Maximum connections",
	"random_admin_password":     "Random administrator password (account disabled)",
	"admin_password":            "Administrator password",
	"time_zone":                 "Time zone",
	"computer_name":             "Computer name",
	"input_locale":              "Input locale",
	"system_locale":             "System locale",
	"ui_language":               "UI language",
	"ui_language_fallback":      "UI language fallback",
	"user_locale":               "User locale",
	"join":                      "Join",
	"workgroup":                 "Workgroup",
	"domain":                    "Domain",
	"domain_ou":                 "Domain OU (LDAP://OU=...,DC=...)",
	"account":                   `Account (DOMAIN\user)`,
	"password":                  "Password",
	"dns_domain":                "DNS suffix",
	"source":                    "Source folder",
	"best_match":                "Install only the best matched drivers",
	"categories":                "Categories (comma-separated)",
	"allow_unsigned":            "Allow unsigned drivers",
	"package":                   "Driver package folder",
	"recurse":                   "Run DISM with the recurse option",
	"additional_options":        "Additional DISM options",
	"client_package":            "Client package",
	"preproduction_package":     "Pre-production client package",
	"install_properties":        "Installation properties",
	"use_cache":                 "Evaluate updates from cached scan results",
	"applications":              "Applications",
	"continue_on_failure":       "If an application fails, continue with the others",
	"clear_cache":               "Clear application content from the cache",
	"skip_reboot":               "Skip the restart",
	"keep_activation":           "Do not reset the activation flag",
	"build_storage_driver_list": "Build the mass storage driver list (legacy)",
	"shutdown":                  "Shut down after running this action",
	"sysprep_package":           "Sysprep package (legacy)",
	"created_by":                "Created by",
	"image_version":             "Version",
	"image_description":         "Description of the image",
	"compression":               "Compression",
	"command_line":              "Command line",
	"working_directory":         "Start in",
	"output_variable":           "Output to task sequence variable",
	"disable_wow64_redirection": "Disable 64-bit file system redirection",
	"hide_command":              "Keep the command line out of the log",
	"variable":                  "Task sequence variable",
	"value":                     "Value",
}

// stepChoices are the fields that take one of a few values, by step type
// and key.
var stepChoices = map[string][]string{
	"restart-computer.target":             {sequence.TargetWinPE, sequence.TargetInstalledOS},
	"partition-disk.style":                {"gpt", "mbr"},
	"apply-os-image.destination":          {"next-available", "disk-partition", "drive-letter", "variable"},
	"apply-windows-settings.license_mode": {sequence.LicenseNone, sequence.LicensePerSeat, sequence.LicensePerServer},
	"apply-network-settings.join":         {sequence.JoinWorkgroup, sequence.JoinDomain},
	"join-domain-or-workgroup.join":       {sequence.JoinWorkgroup, sequence.JoinDomain},
	"install-software-updates.target":     {sequence.UpdatesMandatory, sequence.UpdatesAll},
	"capture-os-image.compression":        {sequence.CompressXpress, sequence.CompressLZX, sequence.CompressNone},
}

// stepChecks are the immediate checks of text fields, by key: the
// validators the wizard uses, exported by engine/sequence, saying their
// messages in the language.
func (t texts) stepChecks() map[string]func(string) string {
	return map[string]func(string) string{
		"product_key": t.said(sequence.CheckProductKey),
		"account": func(s string) string {
			if s == "" {
				return ""
			}
			return t.seqtx(sequence.CheckAccount(s))
		},
		"domain_ou":         t.said(sequence.CheckDomainOU),
		"output_variable":   optional(t.said(sequence.CheckVariableName)),
		"letter_variable":   optional(t.said(sequence.CheckVariableName)),
		"variable":          t.said(sequence.CheckVariableName),
		"image_version":     t.maxLen(sequence.MaxImageVersion),
		"created_by":        t.maxLen(sequence.MaxImageText),
		"image_description": t.maxLen(sequence.MaxImageText),
		"workgroup":         t.maxLen(sequence.MaxWorkgroup),
		"message":           t.maxLen(sequence.MaxRestartMessage),
		"command_line":      t.maxLen(sequence.MaxCommandLine),
	}
}

// said makes a check of engine/sequence say its message in the current
// language.
func (t texts) said(check func(string) msg.Message) func(string) string {
	return func(s string) string { return t.seqtx(check(s)) }
}

func optional(f func(string) string) func(string) string {
	return func(s string) string {
		if s == "" {
			return ""
		}
		return f(s)
	}
}

func (t texts) maxLen(n int) func(string) string {
	return func(s string) string {
		if c := utf8.RuneCountInString(s); c > n {
			return fmt.Sprintf(t.edtx("err.maxlen"), n, c)
		}
		return ""
	}
}

func (t texts) humanKey(k string) string {
	if l, ok := t.localLabels(stepFieldLabels, stepFieldLabelsKO)[k]; ok {
		return l
	}
	s := strings.ReplaceAll(k, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// propertyFields are the fields of the Properties tab: name and
// description, then the step's own properties in declaration order.
func (m *EditorModel) propertyFields(it *sequence.Item) []edField {
	ed := m.ed
	fs := []edField{
		{key: "name", label: m.edtx("label.name"), help: m.edtx("help.name"), get: func() string { return it.Name }, set: func(v string) string {
			if err := ed.Edit("rename", m.editKey("name"), func(x *sequence.Item) error { x.Name = v; return nil }); err != nil {
				return err.Error()
			}
			switch {
			case strings.TrimSpace(v) == "":
				return m.edtx("err.name")
			case utf8.RuneCountInString(v) > sequence.MaxStepName:
				return fmt.Sprintf(m.edtx("err.max"), sequence.MaxStepName)
			}
			return ""
		}},
		{key: "description", label: m.edtx("label.desc"), help: m.edtx("help.desc"), get: func() string { return it.Description }, set: func(v string) string {
			if err := ed.Edit("description", m.editKey("description"), func(x *sequence.Item) error { x.Description = v; return nil }); err != nil {
				return err.Error()
			}
			return m.maxLen(sequence.MaxStepDescription)(v)
		}},
	}
	if it.IsGroup() || it.Props == nil {
		return fs
	}
	pv := reflect.ValueOf(it.Props).Elem()
	pt := pv.Type()
	for i := 0; i < pt.NumField(); i++ {
		sf := pt.Field(i)
		key := sf.Tag.Get("toml")
		if key == "" || key == "-" {
			continue
		}
		idx := i
		field := func() reflect.Value { return reflect.ValueOf(m.ed.Selected().Props).Elem().Field(idx) }
		apply := func(label string, fn func(f reflect.Value) string) string {
			var msg string
			err := ed.Edit(label, m.editKey(key), func(x *sequence.Item) error {
				msg = fn(reflect.ValueOf(x.Props).Elem().Field(idx))
				if msg != "" {
					return fmt.Errorf("%s", msg)
				}
				return nil
			})
			if msg != "" {
				return msg
			}
			return errMsg(err)
		}
		f := edField{key: key, label: m.humanKey(key)}
		check := m.stepChecks()[key]
		if key == "destination" && it.Type == "capture-os-image" {
			check = m.said(sequence.CheckCapturePath)
		}
		switch {
		case sf.Type == reflect.TypeOf(secret.Value{}):
			f.help = m.edtx("help.secret")
			f.get = func() string { return field().Interface().(secret.Value).String() }
			f.parse = func(v string) string {
				if v == field().Interface().(secret.Value).String() {
					return ""
				}
				if v != "" && v != "prompt" && !strings.HasPrefix(v, "env:") {
					return m.edtx("err.secret")
				}
				if _, err := secret.Parse(v); err != nil {
					return m.secretMsg(v, err)
				}
				return ""
			}
			f.set = func(v string) string {
				cur := field().Interface().(secret.Value)
				if v == cur.String() {
					return ""
				}
				if msg := f.parse(v); msg != "" {
					return msg
				}
				sv, err := secret.Parse(v)
				if err != nil {
					return m.secretMsg(v, err)
				}
				if key == "product_key" {
					sv = sv.AsProductKey()
				}
				return apply(f.label, func(fv reflect.Value) string { fv.Set(reflect.ValueOf(sv)); return "" })
			}
		case sf.Type.Kind() == reflect.Bool:
			f.kind = edCheck
			f.get = func() string { return strconv.FormatBool(field().Bool()) }
			f.set = func(v string) string {
				return apply(f.label, func(fv reflect.Value) string { fv.SetBool(v == "true"); return "" })
			}
		case sf.Type.Kind() == reflect.String:
			if opts, ok := stepChoices[it.Type+"."+key]; ok {
				f.kind, f.options = edChoice, opts
			}
			f.get = func() string { return field().String() }
			f.set = func(v string) string {
				// The text is applied as typed, so the file says what the
				// screen shows; what is wrong shows under the field and
				// in the problems.
				if msg := apply(f.label, func(fv reflect.Value) string { fv.SetString(v); return "" }); msg != "" {
					return msg
				}
				if check != nil {
					return check(v)
				}
				return ""
			}
		case sf.Type.Kind() == reflect.Int:
			f.get = func() string { return strconv.Itoa(int(field().Int())) }
			f.parse = m.parseWhole
			f.set = func(v string) string {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil {
					return m.edtx("err.whole")
				}
				return apply(f.label, func(fv reflect.Value) string { fv.SetInt(int64(n)); return "" })
			}
		case sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() == reflect.String:
			f.get = func() string { return strings.Join(field().Interface().([]string), ", ") }
			f.set = func(v string) string {
				var list []string
				for _, s := range strings.Split(v, ",") {
					if s = strings.TrimSpace(s); s != "" {
						list = append(list, s)
					}
				}
				return apply(f.label, func(fv reflect.Value) string { fv.Set(reflect.ValueOf(list)); return "" })
			}
		case sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() == reflect.Struct:
			f.kind = edList
			f.help = m.edtx("list.help")
			f.get = func() string { return m.listSummary(field()) }
		default:
			continue
		}
		fs = append(fs, f)
	}
	return fs
}

// listSummary describes a list of partitions or applications in one line.
func (t texts) listSummary(v reflect.Value) string {
	var names []string
	for i := 0; i < v.Len(); i++ {
		e := v.Index(i)
		switch x := e.Interface().(type) {
		case sequence.Partition:
			s := x.Name
			if s == "" {
				s = x.Type
			}
			size := t.edtx("list.restshort")
			if x.Size > 0 {
				size = fmt.Sprintf("%d %s", x.Size, x.SizeUnit)
				if x.SizeUnit == "percent" {
					size = fmt.Sprintf("%d%%", x.Size)
				}
			}
			names = append(names, s+" "+size)
		case sequence.Application:
			names = append(names, x.Name)
		}
	}
	if len(names) == 0 {
		return t.edtx("choice.none")
	}
	return fmt.Sprintf("%d: %s", len(names), strings.Join(names, ", "))
}

// optionFields are the fields of the Options tab.
func (m *EditorModel) optionFields(it *sequence.Item) []edField {
	ed := m.ed
	check := func(key, label string, get func() bool, set func(x *sequence.Item, b bool)) edField {
		return edField{key: key, label: label, kind: edCheck, get: func() string { return strconv.FormatBool(get()) }, set: func(v string) string {
			return errMsg(ed.Edit(strings.ToLower(label), "", func(x *sequence.Item) error { set(x, v == "true"); return nil }))
		}}
	}
	disable := m.edtx("opt.disable")
	if it.IsGroup() {
		disable = m.edtx("opt.disable.g")
	}
	fs := []edField{
		check("disabled", disable, func() bool { return it.Disabled }, func(x *sequence.Item, b bool) { x.Disabled = b }),
		check("continue_on_error", m.edtx("opt.coe"), func() bool { return it.ContinueOnError }, func(x *sequence.Item, b bool) { x.ContinueOnError = b }),
	}
	fs[0].help, fs[1].help = m.edtx("help.disable"), m.edtx("help.coe")
	if !it.IsGroup() {
		si, _ := sequence.LookupStep(it.Type)
		var runIn []string
		if si != nil {
			runIn = si.RunIn
		}
		fs = append(fs,
			edField{key: "run_in", label: m.edtx("opt.runin"), kind: edChoice, options: runIn, get: func() string { return it.RunIn }, set: func(v string) string {
				return errMsg(ed.Edit("run in", "", func(x *sequence.Item) error { x.RunIn = v; return nil }))
			}},
			edField{key: "success_codes", label: m.edtx("opt.codes"), help: m.edtx("help.codes"), get: func() string {
				parts := make([]string, len(it.SuccessCodes))
				for i, c := range it.SuccessCodes {
					parts[i] = strconv.Itoa(c)
				}
				return strings.Join(parts, " ")
			}, parse: func(v string) string {
				_, msg := m.parseCodes(v, true)
				return msg
			}, set: func(v string) string {
				codes, msg := m.parseCodes(v, true)
				if msg != "" {
					return msg
				}
				return errMsg(ed.Edit("success codes", m.editKey("success_codes"), func(x *sequence.Item) error { x.SuccessCodes = codes; return nil }))
			}},
			edField{key: "timeout", label: m.edtx("opt.timeout"), get: func() string {
				if it.Timeout == 0 {
					return ""
				}
				return shortDuration(it.Timeout)
			}, parse: func(v string) string {
				_, msg := m.parseTimeout(v)
				return msg
			}, set: func(v string) string {
				d, msg := m.parseTimeout(v)
				if msg != "" {
					return msg
				}
				return errMsg(ed.Edit("time-out", m.editKey("timeout"), func(x *sequence.Item) error { x.Timeout = d; return nil }))
			}},
			edField{key: "retry_count", label: m.edtx("opt.retries"), get: func() string { return strconv.Itoa(it.RetryCount) }, parse: func(v string) string {
				_, msg := m.parseRetries(v)
				return msg
			}, set: func(v string) string {
				n, msg := m.parseRetries(v)
				if msg != "" {
					return msg
				}
				return errMsg(ed.Edit("retries", m.editKey("retry_count"), func(x *sequence.Item) error { x.RetryCount = n; return nil }))
			}},
		)
	}
	fs = append(fs, edField{key: "condition", label: m.edtx("opt.condition"), kind: edCond, help: m.edtx("cond.edit"), get: func() string { return it.Condition }})
	return fs
}

// parseWhole says what is wrong with a text that is not a whole number.
func (t texts) parseWhole(v string) string {
	if _, err := strconv.Atoi(strings.TrimSpace(v)); err != nil {
		return t.edtx("err.whole")
	}
	return ""
}

// parseCodes reads exit codes separated by spaces or commas; need: at
// least one.
func (t texts) parseCodes(v string, need bool) ([]int, string) {
	var codes []int
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' }) {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Sprintf(t.edtx("err.code"), s)
		}
		codes = append(codes, n)
	}
	if need && len(codes) == 0 {
		return nil, t.edtx("err.nocodes")
	}
	return codes, ""
}

// parseTimeout reads a time-out (empty: none).
func (t texts) parseTimeout(v string) (time.Duration, string) {
	if v = strings.TrimSpace(v); v == "" {
		return 0, ""
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, t.edtx("err.duration")
	}
	return d, ""
}

// parseRetries reads a retry count (0 to sequence.MaxRetryCount).
func (t texts) parseRetries(v string) (int, string) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n > sequence.MaxRetryCount {
		return 0, fmt.Sprintf(t.edtx("err.retries"), sequence.MaxRetryCount)
	}
	return n, ""
}

func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

func errMsg(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// editKey coalesces typing in one field of one item into one undo entry.
func (m *EditorModel) editKey(field string) string {
	return m.ed.Selection().Key() + "." + field
}

// secretMsg is what is wrong with a secret reference v (engine/sequence/
// secret's English; in another language, the editor's catalogue).
func (t texts) secretMsg(v string, err error) string {
	if t.english() {
		return err.Error()
	}
	if name, ok := strings.CutPrefix(v, "env:"); ok {
		return fmt.Sprintf(t.edtx("err.envname"), name)
	}
	return t.edtx("err.secret")
}
