// Package wimimages reads the image list of a WIM file for the wizard's
// image index field, with media/wim. It is apart from package wizard so
// the wizard's pure state does not depend on the WIM reader.
package wimimages

import (
	"strings"

	"github.com/refimage/refimage/media/wim"
	"github.com/refimage/refimage/wizard"
)

// Lister implements wizard.ImageLister.
type Lister struct{}

// Images opens the WIM and describes its images.
func (Lister) Images(path string) ([]wizard.ImageInfo, error) {
	w, err := wim.Open(path)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	var out []wizard.ImageInfo
	for _, im := range w.Images() {
		name := im.Name
		if name == "" {
			name = im.DisplayName
		}
		edition := im.WindowsEditionID
		if edition == "" {
			edition = im.Flags
		}
		out = append(out, wizard.ImageInfo{Index: im.Index, Name: name, Edition: edition, Arch: Arch(im.WindowsArch), Size: im.TotalBytes})
	}
	return out, nil
}

// Arch turns the WIM XML's WINDOWS/ARCH number into x86, x64, arm or arm64.
func Arch(s string) string {
	switch strings.TrimSpace(s) {
	case "0":
		return "x86"
	case "9":
		return "x64"
	case "5":
		return "arm"
	case "12":
		return "arm64"
	}
	return ""
}
