package engine

import (
	"context"

	"github.com/refimage/refimage/engine/sequence"
)

// Set Task Sequence Variable: sets a variable (%VAR% in the value
// expanded); an empty value deletes it; read-only names are refused.
type setVariable struct{}

func init() { Register("set-variable", setVariable{}) }

func (setVariable) quick() {}

func (setVariable) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.SetVariable)
	if err := sc.Vars.Set(p.Variable, p.Value); err != nil {
		return 0, err
	}
	if p.Value == "" {
		sc.Log("Deleted the task sequence variable %s", p.Variable)
	} else {
		sc.Log("Set the task sequence variable %s = %s", p.Variable, p.Value)
	}
	return 0, nil
}

func (setVariable) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.SetVariable)
	if p.Value == "" {
		return []string{"delete the variable " + p.Variable}
	}
	val := p.Value
	if IsSecretVariable(p.Variable) {
		val = "********"
	}
	return []string{"set the variable " + p.Variable + " = " + quote(val)}
}
