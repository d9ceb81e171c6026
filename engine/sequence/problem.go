package sequence

import (
	"fmt"

	"github.com/refimage/refimage/engine/sequence/msg"
	"sort"
	"strings"
)

// Problem is one thing wrong (or worth a warning) in a sequence.
type Problem struct {
	File    string
	Pos     Pos
	Path    string // key path, e.g. steps[0].steps[2].product_key
	Msg     string // in English
	Warning bool
	// Message is Msg before it is formatted, for a user interface in
	// another language (msg.Message.In); zero for the problems of
	// reading the file.
	Message msg.Message
}

// String formats the problem as FILE:LINE:COL: key.path: message.
func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		b.WriteByte(':')
		if p.Pos.Line > 0 {
			fmt.Fprintf(&b, "%d:%d:", p.Pos.Line, p.Pos.Col)
		}
		b.WriteByte(' ')
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	if p.Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is a list of problems, sorted by position.
type Problems []Problem

// Errors returns only the errors (not the warnings).
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns only the warnings.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Err returns the problems as an error if any of them is an error.
func (ps Problems) Err() error {
	if len(ps.Errors()) == 0 {
		return nil
	}
	return ps.Errors()
}

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

func (ps Problems) sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].Pos, ps[j].Pos
		if a.Line != b.Line {
			// Unknown positions go last.
			if a.Line == 0 || b.Line == 0 {
				return b.Line == 0 && a.Line != 0
			}
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}
