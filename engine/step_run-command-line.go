package engine

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/refimage/refimage/engine/sequence"
)

// Run Command Line (configmgr.md §2.14): runs the command line in the
// working folder; the exit code is checked against the success codes;
// the output goes into smsts.log and, with output_variable, its last
// 1000 characters into a variable.
type runCommandLine struct{}

func init() { Register("run-command-line", runCommandLine{}) }

// maxOutputVariable is how much output an output variable keeps.
const maxOutputVariable = 1000

func (runCommandLine) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.RunCommandLine)
	if strings.TrimSpace(p.CommandLine) == "" {
		return 0, &Error{Code: CodeInvalidParam, Msg: "the command line is empty"}
	}
	// OSDDoNotLogCommand hides the command line, as in ConfigMgr.
	hide := p.HideCommand || strings.EqualFold(sc.Vars.Value("OSDDoNotLogCommand"), "true")
	if hide {
		sc.Log("Executing command line: (hidden: OSDDoNotLogCommand)")
	} else {
		sc.Log("Executing command line: %s", p.CommandLine)
	}
	if p.WorkingDirectory != "" {
		sc.Log("Working directory %s", p.WorkingDirectory)
	}
	var out strings.Builder
	c := Command{Line: p.CommandLine, Dir: p.WorkingDirectory, Timeout: sc.Timeout}
	c.Output = func(line string, stderr bool) {
		sc.Output(line, stderr)
		if p.OutputVariable != "" {
			out.WriteString(line)
			out.WriteString("\r\n")
			if out.Len() > 64*1024 {
				s := out.String()
				out.Reset()
				out.WriteString(s[len(s)-8*1024:])
			}
		}
	}
	code, err := sc.Platform.Run(ctx, c)
	if err != nil {
		return code, err
	}
	sc.Log("Process completed with exit code %d", uint32(code))
	if p.OutputVariable != "" {
		v := lastChars(strings.TrimSpace(out.String()), maxOutputVariable)
		if err := sc.Vars.Set(p.OutputVariable, v); err != nil {
			return 0, err
		}
		sc.Log("Saved %d characters of output in the variable %s", utf8.RuneCountInString(v), p.OutputVariable)
	}
	return code, nil
}

func lastChars(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[len(r)-n:])
}

func (runCommandLine) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.RunCommandLine)
	line := p.CommandLine
	if p.HideCommand {
		line = "(hidden: hide_command)"
	}
	out := []string{"run: " + line}
	if p.WorkingDirectory != "" {
		out = append(out, "in the folder "+p.WorkingDirectory)
	}
	codes := pc.Item.SuccessCodes
	if len(codes) == 0 {
		codes = sequence.DefaultSuccessCodes
	}
	out = append(out, fmt.Sprintf("success codes: %s", joinInts(codes)))
	if pc.Item.Timeout > 0 {
		out = append(out, "stop it after "+pc.Item.Timeout.String())
	}
	if p.OutputVariable != "" {
		out = append(out, fmt.Sprintf("save the last %d characters of its output in %s", maxOutputVariable, p.OutputVariable))
	}
	return out
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, " ")
}
