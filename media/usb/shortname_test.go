package usb

import (
	"strings"
	"testing"
)

func shortString(sn [11]byte) string {
	base := strings.TrimRight(string(sn[:8]), " ")
	ext := strings.TrimRight(string(sn[8:]), " ")
	if ext == "" {
		return base
	}
	return base + "." + ext
}

func folder(names ...string) *fatNode {
	d := &fatNode{dir: true}
	for _, n := range names {
		d.children = append(d.children, &fatNode{name: n, parent: d})
	}
	return d
}

// TestShortNames: names alone in a folder and the short entry Windows'
// FAT driver gives them.
func TestShortNames(t *testing.T) {
	for _, tc := range []struct {
		name  string
		short string
		lfn   bool
		nt    byte
	}{
		// Valid 8.3 names in one case: a short entry only.
		{"BOOTX64.EFI", "BOOTX64.EFI", false, 0},
		{"EFI", "EFI", false, 0},
		{"BOOT", "BOOT", false, 0},
		{"BCD", "BCD", false, 0},
		{"bootx64.efi", "BOOTX64.EFI", false, ntLowerBase | ntLowerExt},
		{"bootmgr", "BOOTMGR", false, ntLowerBase},
		{"boot.SDI", "BOOT.SDI", false, ntLowerBase},
		{"BOOT.sdi", "BOOT.SDI", false, ntLowerExt},
		{"en-us", "EN-US", false, ntLowerBase},
		{"123.txt", "123.TXT", false, ntLowerExt},
		{"A$%'-_@~.{}^", "A$%'-_@~.{}^", false, 0},
		{"X1~1.TXT", "X1~1.TXT", false, 0},
		// Fits 8.3 apart from mixed case: long name, the basis name as alias.
		{"Boot", "BOOT", true, 0},
		{"Fonts", "FONTS", true, 0},
		{"ko-KR", "KO-KR", true, 0},
		{"Readme.txt", "README.TXT", true, 0},
		{"boot.Sdi", "BOOT.SDI", true, 0},
		// Does not fit: basis name with a numeric tail.
		{"Microsoft", "MICROS~1", true, 0},
		{"MICROSOFT", "MICROS~1", true, 0},
		{"bootmgr.efi.mui", "BOOTMG~1.MUI", true, 0},
		{"Sequence File.toml", "SEQUEN~1.TOM", true, 0},
		{"a b.txt", "AB~1.TXT", true, 0},
		{".hidden", "HIDDEN~1", true, 0},
		{"x+y.txt", "X_Y~1.TXT", true, 0},
		{"a[1].txt", "A_1_~1.TXT", true, 0},
		{"한국어.txt", "___~1.TXT", true, 0},
		{"archive.tar.gz", "ARCHIV~1.GZ", true, 0},
		{"Program Files", "PROGRA~1", true, 0},
		{"TOOLONGNAME", "TOOLON~1", true, 0},
		{"noext.", "NOEXT~1", true, 0},
	} {
		d := folder(tc.name)
		if err := assignShortNames(d); err != nil {
			t.Errorf("%q: %v", tc.name, err)
			continue
		}
		c := d.children[0]
		if got := shortString(c.short); got != tc.short || c.lfn != tc.lfn || c.ntCase != tc.nt {
			t.Errorf("%q: short %q lfn %v case %#x; want %q lfn %v case %#x", tc.name, got, c.lfn, c.ntCase, tc.short, tc.lfn, tc.nt)
		}
	}
}

// TestShortNameCollisions: the numeric tail counts up past taken names,
// shortens the basis to keep 8 characters, and never takes a plain short
// name that a file needs, whatever the order.
func TestShortNameCollisions(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  []string
	}{
		{[]string{"Long File Name 1.txt", "Long File Name 2.txt", "Long File Name 3.txt"},
			[]string{"LONGFI~1.TXT", "LONGFI~2.TXT", "LONGFI~3.TXT"}},
		// A real short name LONGFI~1.TXT is kept; the alias moves on.
		{[]string{"Long File Name.txt", "LONGFI~1.TXT"},
			[]string{"LONGFI~2.TXT", "LONGFI~1.TXT"}},
		// Mixed case that fits: the basis name, unless a plain name has it.
		{[]string{"Data", "DATA~1"}, []string{"DATA", "DATA~1"}},
		{[]string{"Setup.exe", "setup.exe.bak", "SETUP.BAK"},
			[]string{"SETUP.EXE", "SETUP~1.BAK", "SETUP.BAK"}},
		// Two-digit tails shorten the basis further.
		{func() []string {
			var n []string
			for i := 0; i < 11; i++ {
				n = append(n, "Windows Driver "+strings.Repeat("x", i))
			}
			return n
		}(), []string{"WINDOW~1", "WINDOW~2", "WINDOW~3", "WINDOW~4", "WINDOW~5", "WINDOW~6", "WINDOW~7", "WINDOW~8", "WINDOW~9", "WINDO~10", "WINDO~11"}},
	} {
		d := folder(tc.names...)
		if err := assignShortNames(d); err != nil {
			t.Errorf("%v: %v", tc.names, err)
			continue
		}
		for i, c := range d.children {
			if got := shortString(c.short); got != tc.want[i] {
				t.Errorf("%v: %q got %q, want %q", tc.names, c.name, got, tc.want[i])
			}
		}
	}
}

func TestShortNameRefusals(t *testing.T) {
	for _, names := range [][]string{
		{"a:b"}, {"a\x01b"}, {"."}, {"..."}, {strings.Repeat("a", 256)},
		{"bootx64.efi", "BOOTX64.EFI"},
	} {
		if err := assignShortNames(folder(names...)); err == nil {
			t.Errorf("%q accepted", names)
		}
	}
}
