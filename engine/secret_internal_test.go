package engine

import (
	"testing"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// Two secrets held the same way (both prompt) are told apart.
func TestStepSecretByField(t *testing.T) {
	it := sequence.NewStep("apply-windows-settings")
	p := it.Props.(*sequence.ApplyWindowsSettings)
	p.ProductKey = secret.PromptRef().AsProductKey()
	p.AdminPassword = secret.PromptRef()
	r := &runner{secrets: map[*secret.Value]string{&p.ProductKey: "KEY", &p.AdminPassword: "PW"}}
	c := cloneProps(p).(*sequence.ApplyWindowsSettings)
	sc := &StepContext{Item: it, Props: c, r: r}
	if got, _ := sc.Secret(&c.AdminPassword); got != "PW" {
		t.Errorf("admin password %q", got)
	}
	if got, _ := sc.Secret(&c.ProductKey); got != "KEY" {
		t.Errorf("product key %q", got)
	}
}
