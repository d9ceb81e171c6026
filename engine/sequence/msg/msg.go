// Package msg holds the messages of engine/sequence and its condition
// language before they are formatted, so that a user interface can say
// them in its own language: a Message is an English format and its
// arguments; String is the English text the packages have always
// produced, and In says it from a catalogue of translations.
package msg

import "fmt"

// Message is a message before it is formatted. Arguments that are
// Messages are phrases of their own, translated with it. The zero
// Message is no message (a check that passed).
type Message struct {
	Format string
	Args   []any
}

// New returns the message of format (an English fmt format) and args.
func New(format string, args ...any) Message { return Message{Format: format, Args: args} }

// Text is a message that is its text as it is (a value, a name).
func Text(s string) Message { return Message{Format: "%s", Args: []any{s}} }

// IsZero reports whether m is no message.
func (m Message) IsZero() bool { return m.Format == "" }

// String is the English text.
func (m Message) String() string {
	if m.Format == "" {
		return ""
	}
	return fmt.Sprintf(m.Format, m.Args...)
}

// Catalog maps English formats to formats in another language with the
// same verbs (%[n]s to reorder them).
type Catalog map[string]string

// In says m from the catalogue: its format's translation, and its
// Message arguments translated the same way. A format the catalogue
// does not have stays English. A nil catalogue is English.
func (m Message) In(c Catalog) string {
	if m.Format == "" {
		return ""
	}
	if c == nil {
		return m.String()
	}
	format := m.Format
	if t, ok := c[format]; ok {
		format = t
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		if am, ok := a.(Message); ok {
			args[i] = am.In(c)
		} else {
			args[i] = a
		}
	}
	return fmt.Sprintf(format, args...)
}

// Formats are the formats of m and of the messages in its arguments.
func (m Message) Formats() []string {
	if m.Format == "" {
		return nil
	}
	out := []string{m.Format}
	for _, a := range m.Args {
		if am, ok := a.(Message); ok {
			out = append(out, am.Formats()...)
		}
	}
	return out
}
