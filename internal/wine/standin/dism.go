package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/refimage/refimage/media/wim"
)

// dism does what a DISM command line of the engine asks, with
// media/wim: /Apply-Image /ImageFile: /Index: /ApplyDir:, or
// /Capture-Image and /Append-Image /ImageFile: /CaptureDir: /Name:
// /Description: /ConfigFile: /Compress:. Folders outside roots are never
// read: their capture is an empty folder's, under the asked name.
func dism(argv []string, roots []string) error {
	opt := map[string]string{}
	verb := ""
	for _, a := range argv[1:] {
		name, val, _ := strings.Cut(a, ":")
		name = strings.ToLower(name)
		switch name {
		case "/apply-image", "/capture-image", "/append-image":
			verb = name
		default:
			opt[name] = val
		}
	}
	inRoots := func(p string) bool {
		for _, r := range roots {
			if strings.HasPrefix(strings.ToUpper(p), strings.ToUpper(r)) {
				return true
			}
		}
		return false
	}
	img := opt["/imagefile"]
	if img == "" || !inRoots(img) {
		return fmt.Errorf("the image file %q is not under %q", img, roots)
	}
	switch verb {
	case "/apply-image":
		dir := opt["/applydir"]
		if !inRoots(dir) {
			return fmt.Errorf("will not apply to %s: not under %q", dir, roots)
		}
		index, err := strconv.Atoi(opt["/index"])
		if err != nil {
			return fmt.Errorf("/Index:%s", opt["/index"])
		}
		w, err := wim.Open(img)
		if err != nil {
			return err
		}
		defer w.Close()
		_, err = w.Apply(index, dir, wim.ApplyOptions{})
		return err
	case "/capture-image", "/append-image":
		dir := opt["/capturedir"]
		if !inRoots(dir) {
			empty, err := os.MkdirTemp("", "standin-empty-")
			if err != nil {
				return err
			}
			defer os.Remove(empty)
			fmt.Printf("standin dism: %s is not under %q: capturing an empty folder as %q\r\n", dir, roots, opt["/name"])
			dir = empty
		}
		co := wim.CaptureOptions{Name: opt["/name"], Description: opt["/description"], Append: verb == "/append-image"}
		switch strings.ToLower(opt["/compress"]) {
		case "max":
			co.Compression = wim.CompressLZX
		case "fast", "":
			co.Compression = wim.CompressXPRESS
		case "none":
			co.Compression = wim.CompressNone
		}
		if ini := opt["/configfile"]; ini != "" {
			f, err := os.Open(ini)
			if err != nil {
				return err
			}
			defer f.Close()
			if co.Config, err = wim.ParseConfig(f); err != nil {
				return err
			}
		}
		_, err := wim.Capture(dir, img, co)
		return err
	}
	return fmt.Errorf("no /Apply-Image, /Capture-Image or /Append-Image in %q", argv)
}
