package iso

import (
	"strings"
	"testing"
)

// FuzzLayout feeds arbitrary path lists (one per line) to the layout. The
// writer parses no untrusted bytes, but paths come from users' folders:
// whatever they are, layout must not panic, and what it accepts must give
// valid, unique names in both trees.
func FuzzLayout(f *testing.F) {
	f.Add("EFI/Microsoft/Boot/BCD\nBoot/etfsboot.com\nbootmgr")
	f.Add("a-b.txt\na_b.txt\nA b.txt\nGrüße/한국어.txt")
	f.Add(strings.Repeat("n", 40) + ".wim\nx." + strings.Repeat("e", 40) + "\n.hidden\nnoext.")
	f.Add("a\nA\na/b")
	f.Add(".é" + strings.Repeat("e", 29) + "\n.ê" + strings.Repeat("e", 29))
	f.Fuzz(func(t *testing.T, in string) {
		var files []File
		for _, p := range strings.Split(in, "\n") {
			files = append(files, File{Path: p, Source: "x", Size: int64(len(p))})
		}
		img, err := layout(files, Options{})
		if err != nil {
			return
		}
		var check func(d *node)
		check = func(d *node) {
			iso, jol := map[string]bool{}, map[string]bool{}
			for _, c := range d.kids {
				if len(c.isoName) == 0 || len(c.isoName) > maxISOName {
					t.Fatalf("%q: primary name %q", c.name, c.isoName)
				}
				for i, r := range c.isoName {
					if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' && !c.dir && i == strings.LastIndexByte(c.isoName, '.')) {
						t.Fatalf("%q: primary name %q has %q", c.name, c.isoName, r)
					}
				}
				if iso[c.isoName] || jol[string(c.jname)] {
					t.Fatalf("%q: duplicate name %q", c.name, c.isoName)
				}
				iso[c.isoName], jol[string(c.jname)] = true, true
				if len(c.jname) == 0 || len(c.jname) > 2*maxJolietName {
					t.Fatalf("%q: Joliet name of %d bytes", c.name, len(c.jname))
				}
				if c.dir {
					check(c)
				}
			}
		}
		check(img.root)
		if img.totalSectors < 20 {
			t.Fatalf("image of %d sectors", img.totalSectors)
		}
	})
}
