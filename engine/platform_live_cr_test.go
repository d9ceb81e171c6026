//go:build !windows

package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
)

// SplitCR delivers a progress bar redrawn with carriage returns (DISM's)
// line by line; \r\n stays one line end.
func TestRunSplitCR(t *testing.T) {
	p := engine.Live(engine.LiveOptions{})
	for _, split := range []bool{true, false} {
		var got []string
		_, err := p.Run(context.Background(), engine.Command{
			Line:    `printf 'Applying image\r\n[==  10.0%%  ]\r[=== 20.0%% ]\r[=100.0%%=]\r\nThe operation completed successfully.\n'`,
			SplitCR: split,
			Output:  func(l string, _ bool) { got = append(got, l) },
		})
		if err != nil {
			t.Fatal(err)
		}
		want := "Applying image|[==  10.0%  ]|[=== 20.0% ]|[=100.0%=]|The operation completed successfully."
		if !split {
			want = "Applying image|[==  10.0%  ]\r[=== 20.0% ]\r[=100.0%=]|The operation completed successfully."
		}
		if s := strings.Join(got, "|"); s != want {
			t.Errorf("split %v: %q", split, s)
		}
	}
}
