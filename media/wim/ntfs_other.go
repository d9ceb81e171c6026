//go:build !windows

package wim

// Alternate data streams and Windows attributes have no place on this
// platform: they were counted as skipped while planning the apply.

func (w *WIM) applyStreams(all []applyFile, st *ApplyStats) error { return nil }

func applyAttributes(all []applyFile, st *ApplyStats) {}
