package engine

import (
	"reflect"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
)

var secretType = reflect.TypeOf(secret.Value{})

// cloneProps returns a deep copy of a step's properties.
func cloneProps(p sequence.Props) sequence.Props {
	if p == nil {
		return nil
	}
	rv := reflect.ValueOf(p)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return p
	}
	out := reflect.New(rv.Elem().Type())
	out.Elem().Set(deepCopy(rv.Elem()))
	return out.Interface().(sequence.Props)
}

func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == secretType {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(v) // unexported fields too
		for i := 0; i < v.NumField(); i++ {
			if out.Field(i).CanSet() {
				out.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(deepCopy(v.Index(i)))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Elem().Type())
		out.Elem().Set(deepCopy(v.Elem()))
		return out
	}
	return v
}

// expandProps replaces %VAR% in every string property, also inside
// lists and nested tables (application lists, partitions). Secrets are
// not strings and are never expanded.
func expandProps(p sequence.Props, expand func(string) string) {
	if p == nil {
		return
	}
	walkStrings(reflect.ValueOf(p), expand)
}

func walkStrings(v reflect.Value, fn func(string) string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walkStrings(v.Elem(), fn)
		}
	case reflect.Struct:
		if v.Type() == secretType {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Field(i).CanSet() {
				walkStrings(v.Field(i), fn)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), fn)
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString(fn(v.String()))
		}
	}
}

// secretField is one secret of a step.
type secretField struct {
	key        string // toml key
	v          *secret.Value
	productKey bool
}

// secretFields returns the secrets in a step's properties.
func secretFields(p sequence.Props) []secretField {
	if p == nil {
		return nil
	}
	rv := reflect.ValueOf(p)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil
	}
	var out []secretField
	st := rv.Elem()
	for i := 0; i < st.NumField(); i++ {
		f := st.Type().Field(i)
		if f.Type == secretType {
			out = append(out, secretField{key: f.Tag.Get("toml"), v: st.Field(i).Addr().Interface().(*secret.Value), productKey: f.Tag.Get("secret") == "productkey"})
		}
	}
	return out
}

// cloneSequence copies a sequence deeply (items and properties).
func cloneSequence(s *sequence.Sequence) *sequence.Sequence {
	c := *s
	c.Variables = append([]sequence.Variable(nil), s.Variables...)
	var items func([]*sequence.Item) []*sequence.Item
	items = func(in []*sequence.Item) []*sequence.Item {
		if in == nil {
			return nil
		}
		out := make([]*sequence.Item, len(in))
		for i, it := range in {
			n := *it
			n.SuccessCodes = append([]int(nil), it.SuccessCodes...)
			n.Props = cloneProps(it.Props)
			n.Steps = items(it.Steps)
			out[i] = &n
		}
		return out
	}
	c.Steps = items(s.Steps)
	return &c
}

// storableSequence returns the sequence as it may be written into the
// state folder: secrets stay references (env:, prompt) or passphrase
// encrypted (enc:); a secret held in clear (typed into the wizard) is
// replaced by prompt, so the resumed run asks for it again. A revealed
// secret is never written anywhere.
func storableSequence(s *sequence.Sequence) ([]byte, error) {
	c := cloneSequence(s)
	c.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		for _, f := range secretFields(it.Props) {
			if f.v.Kind() == secret.Clear {
				nv := secret.PromptRef()
				if f.productKey {
					nv = nv.AsProductKey()
				}
				*f.v = nv
			}
		}
		return true
	})
	return sequence.Marshal(c, sequence.SaveOptions{})
}
