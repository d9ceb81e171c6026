package sequence

import (
	"errors"

	"github.com/refimage/refimage/engine/sequence/condition"
)

// checkCondition parses a condition's text; on a syntax error it returns
// the byte offset and the message.
func checkCondition(text string) (offset int, msg string, ok bool) {
	_, err := condition.Parse(text)
	if err == nil {
		return 0, "", true
	}
	var se *condition.SyntaxError
	if errors.As(err, &se) {
		return se.Offset, se.Msg, false
	}
	return 0, err.Error(), false
}
