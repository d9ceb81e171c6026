package engine

import (
	"strings"
	"testing"
)

// splitWindows splits a command line as CommandLineToArgvW does for the
// arguments after the program (and the C runtime since 2008): 2n
// backslashes before a quote are n backslashes and the quote toggles
// quoting; 2n+1 are n and a literal quote; "" inside quotes is a quote;
// other backslashes are literal.
func splitWindows(line string) []string {
	var args []string
	var cur strings.Builder
	in, have := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(line) && line[i] == '\\' {
				n++
				i++
			}
			if i < len(line) && line[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					i--
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				i--
			}
			have = true
		case c == '"':
			if in && i+1 < len(line) && line[i+1] == '"' {
				cur.WriteByte('"')
				i++
			} else {
				in = !in
			}
			have = true
		case (c == ' ' || c == '\t') && !in:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		args = append(args, cur.String())
	}
	return args
}

// Values with spaces, quotes and trailing backslashes reach the program
// whole (the Wine lane proves the split on CommandLineToArgvW itself:
// internal/wine TestLiveRunUnderWine); plain values are unchanged, so
// the step goldens are.
func TestArgQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`C:\Images\install.wim`, `C:\Images\install.wim`},
		{`D:\My Images\install.wim`, `"D:\My Images\install.wim"`},
		{`C:\Ref Drivers\`, `"C:\Ref Drivers\\"`},
		{`C:\Ref Drivers\\`, `"C:\Ref Drivers\\\\"`},
		{`say "hi"`, `"say \"hi\""`},
		{`a\"b`, `"a\\\"b"`},
		{`pa"ss`, `"pa\"ss"`},
		{`\\server\share$`, `\\server\share$`},
		{"", ""},
	} {
		if got := argQuote(c.in); got != c.want {
			t.Errorf("argQuote(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	for _, v := range []string{`C:\Ref Drivers\`, `x "y" z\`, `\\srv\Client Share\\`, `"`, `\"`, `a b\\\"c d\`, "tab\there\\", `CORP\svc capture`, `p@ss "w0rd"\`} {
		line := `tool.exe /Driver:` + argQuote(v) + ` ` + argQuote(v) + ` next`
		got := splitWindows(line)
		want := []string{"tool.exe", "/Driver:" + v, v, "next"}
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Errorf("%s splits into %q, want %q", line, got, want)
		}
	}
}

func FuzzArgQuote(f *testing.F) {
	for _, s := range []string{`C:\Ref Drivers\`, `say "hi"`, `a\\"b c`, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" || strings.ContainsAny(s, "\x00\r\n") {
			return
		}
		got := splitWindows("tool.exe " + argQuote(s) + " next")
		if len(got) != 3 || got[1] != s || got[2] != "next" {
			t.Fatalf("argQuote(%q) = %s splits into %q", s, argQuote(s), got)
		}
	})
}

// The restart message reaches shutdown.exe as one argument, also when it
// ends in backslashes or holds quotes.
func TestRestartMessageSplitsWhole(t *testing.T) {
	for _, msg := range []string{`Restarting`, `Say "hi"`, `saved to C:\`, `two \\`, `a\b c`, `end "\"`} {
		line := restartCommand(false, Reboot{Message: msg})
		args := splitWindows(line)
		want := strings.ReplaceAll(msg, `"`, `'`)
		if len(args) != 6 || args[4] != "/c" || args[5] != want {
			t.Errorf("message %q: %s splits to %q, want the last argument %q", msg, line, args, want)
		}
	}
}
