package tui

import "testing"

// The command lines printed after the wizard are pasted into the shell
// the user is in: on Windows that is cmd.exe (the Windows PE console) or
// PowerShell, where only double quotes group a word (found by the Wine
// lane: the Windows binary printed 'C:\Ref Images\seq.toml').
func TestShellQuoteFor(t *testing.T) {
	for _, c := range []struct{ goos, in, want string }{
		{"windows", `C:\Ref Images\seq.toml`, `"C:\Ref Images\seq.toml"`},
		{"windows", `C:\seq.toml`, `C:\seq.toml`},
		{"windows", `a"b c`, `"a""b c"`},
		{"windows", "", `""`},
		{"linux", "/tmp/ref images/seq.toml", "'/tmp/ref images/seq.toml'"},
		{"linux", "/tmp/seq.toml", "/tmp/seq.toml"},
		{"linux", "it's.toml", `'it'\''s.toml'`},
		{"linux", `a\b`, `'a\b'`},
		{"darwin", "", "''"},
	} {
		if got := shellQuoteFor(c.goos, c.in); got != c.want {
			t.Errorf("shellQuoteFor(%s, %q) = %s, want %s", c.goos, c.in, got, c.want)
		}
	}
}
