package media

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Started is what `refimage run --media` learns about the medium it was
// started from.
type Started struct {
	Identity     *Identity
	SequencePath string // the sequence inside the boot image
	MediaRoot    string // the root of the medium (where Content\ is), "" if not found
	LaunchMode   string // _SMSTSLaunchMode: UFD or CD
}

// Variables are the engine variables a medium sets: the media type, the
// launch mode, the media root, and the media variables.
func (s *Started) Variables() map[string]string {
	v := map[string]string{}
	for k, val := range s.Identity.Variables {
		v[k] = val
	}
	v["_SMSTSMediaType"] = s.Identity.MediaType
	v["_SMSTSLaunchMode"] = s.LaunchMode
	if s.MediaRoot != "" {
		root := s.MediaRoot
		if !strings.HasSuffix(root, `\`) && !strings.HasSuffix(root, "/") {
			root += string(filepath.Separator)
		}
		v[MediaRootVar] = strings.TrimRight(root, `\/`)
	}
	return v
}

// Locate finds the sequence and identity in the running boot image
// (bootRoot, X:\ in Windows PE) and the medium among roots (the drive
// roots to search, e.g. C:\ … Z:\) by its identity. driveType tells a
// root's kind ("cdrom", "removable", …) for the launch mode; it may be
// nil.
func Locate(bootRoot string, roots []string, driveType func(root string) string) (*Started, error) {
	idPath := filepath.Join(bootRoot, filepath.FromSlash(IdentityPath))
	id, err := ReadIdentity(idPath)
	if err != nil {
		return nil, fmt.Errorf("this boot image was not made by refimage media (%v)", err)
	}
	s := &Started{Identity: id, SequencePath: filepath.Join(bootRoot, filepath.FromSlash(SequencePath)), LaunchMode: "UFD"}
	if _, err := os.Stat(s.SequencePath); err != nil {
		return nil, fmt.Errorf("the boot image has no sequence: %v", err)
	}
	for _, r := range roots {
		other, err := ReadIdentity(filepath.Join(r, filepath.FromSlash(IdentityPath)))
		if err != nil || other.ID != id.ID {
			continue
		}
		s.MediaRoot = r
		if driveType != nil && driveType(r) == "cdrom" {
			s.LaunchMode = "CD"
		}
		break
	}
	if s.MediaRoot == "" && id.Kind == Standalone {
		return s, fmt.Errorf("the stand-alone medium %s (id %s) holding the content was not found; is it still attached?", id.Label, id.ID)
	}
	return s, nil
}
