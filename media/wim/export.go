package wim

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ExportOptions describe an export.
type ExportOptions struct {
	// Compression of a new destination WIM; nil keeps the source's.
	// An existing destination keeps its own compression.
	Compression *Compression
	// ChunkSize of a new destination (0: the source's when the
	// compression is the same, else 32768).
	ChunkSize   int
	Name        string // new name (single image only)
	Description string
	Boot        bool
	NoIntegrity bool
	Threads     int
	Progress    ProgressFunc
	// Context cancels the operation (nil: never); a cancelled write leaves
	// no file behind.
	Context context.Context
}

// Export copies image index (0 = all images) of srcPath into destPath,
// appending when destPath exists. Resources are copied raw whenever the
// compression allows.
func Export(srcPath string, index int, destPath string, opts ExportOptions) (*WriteResult, error) {
	src, err := Open(srcPath)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if index < 0 || index > src.ImageCount() {
		return nil, fmt.Errorf("image %d does not exist in %s (it has %d)", index, srcPath, src.ImageCount())
	}
	spec := &buildSpec{path: destPath, ctype: src.Compression(), integrity: !opts.NoIntegrity, threads: opts.Threads, progress: opts.Progress, op: "export", ctx: opts.Context}
	spec.chunkSize = int(src.Header.ChunkSize)
	if opts.Compression != nil && *opts.Compression != spec.ctype {
		spec.ctype = *opts.Compression
		spec.chunkSize = 0
	}
	if spec.ctype == CompressLZMS && opts.Compression == nil {
		// refimage reads LZMS but does not write it: an ESD becomes an
		// LZX WIM, as DISM /Export-Image /Compress:max makes it.
		spec.ctype = CompressLZX
		spec.chunkSize = 0
	}
	if spec.ctype == CompressLZMS {
		return nil, ErrSolid
	}
	if opts.ChunkSize != 0 {
		spec.chunkSize = opts.ChunkSize
	}
	var dest *WIM
	closed := false
	if _, err := os.Stat(destPath); err == nil {
		dest, err = Open(destPath)
		if err != nil {
			return nil, err
		}
		defer func() {
			if !closed {
				dest.Close()
			}
		}()
		if dest.Header.TotalParts > 1 {
			return nil, fmt.Errorf("cannot export into a split WIM")
		}
		spec.ctype = dest.Compression()
		spec.chunkSize = int(dest.Header.ChunkSize)
		if spec.ctype == CompressLZMS || dest.Header.Version == versionSolid {
			return nil, fmt.Errorf("cannot export into %s: %w", destPath, ErrSolid)
		}
		spec.guid = &dest.Header.GUID
		spec.bootIndex = int(dest.Header.BootIndex)
		spec.extraFlags = dest.Header.Flags & HdrFlagRPFix
		spec.wimXML = dest.xml
		spec.beforeRename = func() { dest.Close(); closed = true }
		if err := addExistingImages(spec, dest, nil); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	} else {
		spec.extraFlags = src.Header.Flags & HdrFlagRPFix
	}
	first := len(spec.images)
	names := map[string]bool{}
	for _, im := range spec.images {
		names[im.xml.text("NAME")] = true
	}
	if err := addExistingImages(spec, src, func(i int) bool { return index == 0 || i == index }); err != nil {
		return nil, err
	}
	for i, im := range spec.images[first:] {
		if opts.Name != "" && index != 0 {
			im.xml.set("NAME", opts.Name)
		}
		if opts.Description != "" && index != 0 {
			im.xml.set("DESCRIPTION", opts.Description)
		}
		n := im.xml.text("NAME")
		if n != "" && names[n] {
			return nil, fmt.Errorf("%s already has an image named %q; choose another name", destPath, n)
		}
		names[n] = true
		if opts.Boot || (index != 0 && int(src.Header.BootIndex) == index) || (index == 0 && int(src.Header.BootIndex) == i+1) {
			if opts.Boot || spec.bootIndex == 0 {
				spec.bootIndex = first + i + 1
			}
		}
	}
	return build(spec)
}
