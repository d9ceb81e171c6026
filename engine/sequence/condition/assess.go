package condition

import (
	"errors"
	"strings"
)

// Truth is a three-valued truth value, for answering what can be known
// ahead of time (refimage plan).
type Truth int

const (
	False   Truth = iota // known to be false
	True                 // known to be true
	Unknown              // depends on something the Env could not answer
)

// String returns "false", "true" or "unknown".
func (t Truth) String() string {
	switch t {
	case False:
		return "false"
	case True:
		return "true"
	}
	return "unknown"
}

// Assessment is the outcome of Assess.
type Assessment struct {
	Truth Truth
	// Reason says why in plain English: for True and False as
	// Result.Reason; for Unknown, what could not be answered, e.g.
	// `cannot tell whether the file "C:\x" exists (unknown: ...)`.
	Reason string
	// Tests are the tests that decided (for Unknown: the unanswered ones).
	Tests []Expr
}

// Assess evaluates e as far as env can answer, with three-valued logic:
// a test the Env cannot answer (any error, typically ErrUnknown from a
// SimEnv) is Unknown, all() is False when any item is False even if
// another is Unknown, any() is True when any item is True, and none() is
// the negation of any(). So `refimage plan` can say "skipped" for
// `wmi("...") and _SMSTSInWinPE == "false"` in WinPE although it cannot
// run the WMI query.
func Assess(e Expr, env Env) Assessment {
	g, ok := e.(*Group)
	if !ok {
		r, err := Evaluate(e, env)
		if err != nil {
			var cause error = err
			if u := errors.Unwrap(err); u != nil {
				cause = u // drop the test's text, the reason names it
			}
			return Assessment{Truth: Unknown, Reason: "cannot tell whether " + Describe(e) + " (" + cause.Error() + ")", Tests: []Expr{e}}
		}
		t := False
		if r.Value {
			t = True
		}
		return Assessment{Truth: t, Reason: r.Reason, Tests: r.Tests}
	}
	if len(g.Items) == 0 {
		return Assessment{Truth: Unknown, Reason: g.Op.String() + "() with no conditions"}
	}
	// decider is the item truth that decides the group on its own.
	decider := True
	if g.Op == All {
		decider = False
	}
	var unknown, rest []Assessment
	for _, it := range g.Items {
		a := Assess(it, env)
		switch a.Truth {
		case decider:
			if g.Op == None {
				a.Truth = False
			}
			return a
		case Unknown:
			unknown = append(unknown, a)
		default:
			rest = append(rest, a)
		}
	}
	if len(unknown) > 0 {
		return join(Unknown, unknown)
	}
	out := join(False, rest)
	if g.Op != Any {
		out.Truth = True
	}
	return out
}

func join(t Truth, as []Assessment) Assessment {
	out := Assessment{Truth: t}
	reasons := make([]string, len(as))
	for i, a := range as {
		reasons[i] = a.Reason
		out.Tests = append(out.Tests, a.Tests...)
	}
	out.Reason = strings.Join(reasons, " and ")
	return out
}
