package engine

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
)

// Variable limits (configmgr.md §3.5).
const (
	MaxVariableValue = sequence.MaxVariableValue // characters in a value
	MaxVariableName  = sequence.MaxVariableName
	MaxEnvironment   = 32 << 20 // bytes in the whole environment
)

// Vars is the task sequence environment: case-insensitive names; names
// that start with _ are read-only (only the engine sets them); setting ""
// deletes a variable.
type Vars struct {
	m    map[string]*varEntry // by lower-case name
	size int
	// onSecret is told every value of a secret variable, for redaction.
	onSecret func(value string, productKey bool)
	// holdsSecret reports whether a value contains a known secret: such
	// a value is a secret too, whatever the variable's name (a copy, an
	// expansion, a command's output that printed it).
	holdsSecret func(value string) bool
	// dirty are the names (lower case) changed since the last
	// takeChanges, for the run's journal.
	dirty map[string]bool
}

type varEntry struct {
	name, value string
	secret      bool
}

// NewVars returns an empty environment.
func NewVars() *Vars { return &Vars{m: map[string]*varEntry{}} }

// secretVariables hold secrets: their values are masked in every log and
// never written into the state.
var secretVariables = map[string]bool{
	"osdlocaladminpassword":     true,
	"osdjoinpassword":           true,
	"osdcaptureaccountpassword": true,
	"osdproductkey":             true,
	"osdregisteredpassword":     true,
}

// IsSecretVariable reports whether a variable holds a secret: the
// password and product-key variables of the reference, and any name with
// "password" in it.
func IsSecretVariable(name string) bool {
	l := strings.ToLower(name)
	return secretVariables[l] || strings.Contains(l, "password") && !notSecret[l]
}

// notSecret are variables with "password" in their names that hold no
// secret.
var notSecret = map[string]bool{"osdrandomadminpassword": true}

// Get returns a variable's value.
func (v *Vars) Get(name string) (string, bool) {
	e, ok := v.m[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return "", false
	}
	return e.value, true
}

// Value returns a variable's value, "" when it does not exist.
func (v *Vars) Value(name string) string { s, _ := v.Get(name); return s }

// Set sets a user variable: the name must be a settable name (a letter
// first, then letters, digits, _ and -; not read-only), the value at most
// 4000 characters; "" deletes the variable.
func (v *Vars) Set(name, value string) error {
	name = strings.TrimSpace(name)
	if m := sequence.ValidateVariableName(name); m != "" {
		return &Error{Code: CodeInvalidParam, Msg: m}
	}
	return v.set(name, value)
}

// SetReadOnly sets an engine variable (names starting with _ allowed).
func (v *Vars) SetReadOnly(name, value string) error {
	if !validAnyName(name) {
		return &Error{Code: CodeInvalidParam, Msg: fmt.Sprintf("%q is not a variable name", name)}
	}
	return v.set(name, value)
}

func validAnyName(name string) bool {
	if name == "" || utf8.RuneCountInString(name) > MaxVariableName {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
		case i > 0 && (r == '-' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}

func (v *Vars) set(name, value string) error {
	if n := utf8.RuneCountInString(value); n > MaxVariableValue {
		return &Error{Code: CodeInvalidParam, Msg: fmt.Sprintf("the value of %s has %d characters; a variable holds at most %d", name, n, MaxVariableValue)}
	}
	key := strings.ToLower(name)
	old := v.m[key]
	if v.dirty != nil {
		v.dirty[key] = true
	}
	if value == "" {
		if old != nil {
			v.size -= len(old.name) + len(old.value)
			delete(v.m, key)
		}
		return nil
	}
	grow := len(name) + len(value)
	if old != nil {
		grow -= len(old.name) + len(old.value)
	}
	if v.size+grow > MaxEnvironment {
		return &Error{Code: CodeInvalidParam, Msg: "the task sequence environment is full (32 MB)"}
	}
	v.size += grow
	named := IsSecretVariable(name)
	if named && v.onSecret != nil && !plainWord(value) {
		v.onSecret(value, strings.EqualFold(name, "OSDProductKey"))
	}
	secret := named || v.holdsSecret != nil && v.holdsSecret(value)
	if old != nil {
		old.value = value // keeps the first spelling of the name
		old.secret = secret
		return nil
	}
	v.m[key] = &varEntry{name: name, value: value, secret: secret}
	return nil
}

// setSecret sets a variable restored from sealed state: it stays a
// secret whatever its name, and its value is masked from now on.
func (v *Vars) setSecret(name, value string) error {
	if v.onSecret != nil && !plainWord(value) {
		v.onSecret(value, strings.EqualFold(name, "OSDProductKey"))
	}
	if err := v.set(name, value); err != nil {
		return err
	}
	if e := v.m[strings.ToLower(name)]; e != nil {
		e.secret = true
	}
	return nil
}

// IsSecret reports whether a variable holds a secret: a secret name, a
// value that contains a known secret, or a value restored sealed.
func (v *Vars) IsSecret(name string) bool {
	e, ok := v.m[strings.ToLower(strings.TrimSpace(name))]
	return ok && e.secret
}

// trackChanges starts recording which variables change.
func (v *Vars) trackChanges() { v.dirty = map[string]bool{} }

// varChange is one change of the environment: a value, or a deletion.
type varChange struct {
	Name    string
	Value   string
	Deleted bool
	Secret  bool
}

// takeChanges returns the variables changed since the last call, sorted
// by name, and starts a new record.
func (v *Vars) takeChanges() []varChange {
	if len(v.dirty) == 0 {
		return nil
	}
	keys := make([]string, 0, len(v.dirty))
	for k := range v.dirty {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]varChange, 0, len(keys))
	for _, k := range keys {
		if e := v.m[k]; e != nil {
			out = append(out, varChange{Name: e.name, Value: e.value, Secret: e.secret})
		} else {
			out = append(out, varChange{Name: k, Deleted: true})
		}
	}
	clear(v.dirty)
	return out
}

// Delete removes a variable (read-only ones too: the engine uses it).
func (v *Vars) Delete(name string) { v.set(name, "") }

// Len is the number of variables.
func (v *Vars) Len() int { return len(v.m) }

// All returns every variable sorted by name (case-insensitively).
func (v *Vars) All() []sequence.Variable {
	keys := make([]string, 0, len(v.m))
	for k := range v.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]sequence.Variable, len(keys))
	for i, k := range keys {
		e := v.m[k]
		out[i] = sequence.Variable{Name: e.name, Value: e.value}
	}
	return out
}

// Expand replaces %NAME% by the variable's value; references to
// variables that do not exist stay as written.
func (v *Vars) Expand(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	return condition.Expand(s, varsEnv{v})
}

// varsEnv is a condition.Env that knows only the variables.
type varsEnv struct{ v *Vars }

func (e varsEnv) Var(name string) (string, bool) { return e.v.Get(name) }
func (varsEnv) FileInfo(string) (condition.FileInfo, error) {
	return condition.FileInfo{}, condition.ErrUnknown
}
func (varsEnv) FolderInfo(string) (condition.FolderInfo, error) {
	return condition.FolderInfo{}, condition.ErrUnknown
}
func (varsEnv) Registry(string, string) (condition.RegValue, error) {
	return condition.RegValue{}, condition.ErrUnknown
}
func (varsEnv) WMI(string, string) (int, error) { return 0, condition.ErrUnknown }
func (varsEnv) OSVersion() (string, error)      { return "", condition.ErrUnknown }
func (varsEnv) OSLanguage() (string, error)     { return "", condition.ErrUnknown }
func (varsEnv) Software(string, string) ([]condition.Installed, error) {
	return nil, condition.ErrUnknown
}

// condEnv answers a condition from the variables and the platform's facts.
type condEnv struct {
	v *Vars
	Facts
}

func (e condEnv) Var(name string) (string, bool) { return e.v.Get(name) }

// OSPlatform implements condition.PlatformEnv when the facts do.
func (e condEnv) OSPlatform() (string, bool, error) {
	if pe, ok := e.Facts.(condition.PlatformEnv); ok {
		return pe.OSPlatform()
	}
	return "", false, ErrNoFacts
}

// plainWord is a value too common to mask (it would mask ordinary text):
// booleans and small numbers.
func plainWord(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "0", "1":
		return true
	}
	return false
}
