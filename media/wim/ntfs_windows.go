//go:build windows

package wim

import (
	"os"
	"syscall"
)

// applyStreams writes alternate data streams ("file:name").
func (w *WIM) applyStreams(all []applyFile, st *ApplyStats) error {
	sc := &scratch{}
	for _, f := range all {
		if f.d.IsReparse() {
			continue
		}
		for _, s := range f.d.Streams {
			if err := checkName(s.Name); err != nil {
				continue
			}
			out, err := os.OpenFile(f.path+":"+s.Name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
			if err != nil {
				continue // not NTFS: stays counted as skipped
			}
			if b := w.Blob(s.Hash); b != nil {
				err = w.forEachChunk(b, sc, func(p []byte) error { _, err := out.Write(p); return err })
			}
			out.Close()
			if err != nil {
				return err
			}
			st.SkippedStreams--
		}
	}
	return nil
}

// applyAttributes sets read-only, hidden, system and archive attributes.
func applyAttributes(all []applyFile, st *ApplyStats) {
	const keep = AttrReadOnly | AttrHidden | AttrSystem | AttrArchive | 0x2000 // NOT_CONTENT_INDEXED
	for _, f := range all {
		a := f.d.Attributes & keep
		if a == 0 {
			continue
		}
		p, err := syscall.UTF16PtrFromString(f.path)
		if err != nil {
			continue
		}
		if syscall.SetFileAttributes(p, a) == nil && f.d.Attributes&(AttrHidden|AttrSystem|AttrReadOnly|AttrEncrypted|AttrCompressed) != 0 && f.d.Attributes&(AttrEncrypted|AttrCompressed) == 0 {
			st.SkippedAttributes--
		}
	}
}
