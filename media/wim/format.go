package wim

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
)

// On-disk sizes and constants of the WIM format (version 1.13).
const (
	HeaderSize       = 208
	reshdrSize       = 24
	blobEntrySize    = 50
	dentryFixedSize  = 102
	extraStreamFixed = 38

	versionDefault = 0x00010D00
	versionSolid   = 0x00000E00

	// DefaultChunkSize is the chunk size of compressed WIMs (32 KiB).
	DefaultChunkSize = 32768

	integrityChunkSize = 10 * 1024 * 1024
)

var magic = [8]byte{'M', 'S', 'W', 'I', 'M', 0, 0, 0}
var pipableMagic = [8]byte{'W', 'L', 'P', 'W', 'M', 0, 0, 0}

// Header flags.
const (
	HdrFlagReserved         = 0x00000001
	HdrFlagCompression      = 0x00000002
	HdrFlagReadOnly         = 0x00000004
	HdrFlagSpanned          = 0x00000008
	HdrFlagResourceOnly     = 0x00000010
	HdrFlagMetadataOnly     = 0x00000020
	HdrFlagWriteInProgress  = 0x00000040
	HdrFlagRPFix            = 0x00000080
	HdrFlagCompressReserved = 0x00010000
	HdrFlagCompressXPRESS   = 0x00020000
	HdrFlagCompressLZX      = 0x00040000
	HdrFlagCompressLZMS     = 0x00080000
	HdrFlagCompressXPRESS2  = 0x00200000
)

// Resource header flags.
const (
	ResFlagFree       = 0x01
	ResFlagMetadata   = 0x02
	ResFlagCompressed = 0x04
	ResFlagSpanned    = 0x08
	ResFlagSolid      = 0x10
)

// File attributes used in dentries.
const (
	AttrReadOnly     = 0x1
	AttrHidden       = 0x2
	AttrSystem       = 0x4
	AttrDirectory    = 0x10
	AttrArchive      = 0x20
	AttrNormal       = 0x80
	AttrSparse       = 0x200
	AttrReparsePoint = 0x400
	AttrCompressed   = 0x800
	AttrEncrypted    = 0x4000
)

// Reparse tags refimage understands.
const (
	ReparseTagSymlink    = 0xA000000C
	ReparseTagMountPoint = 0xA0000003
)

// Compression is the compression type of a WIM.
type Compression int

// Compression types.
const (
	CompressNone Compression = iota
	CompressXPRESS
	CompressLZX
	CompressLZMS
)

func (c Compression) String() string {
	switch c {
	case CompressNone:
		return "none"
	case CompressXPRESS:
		return "XPRESS"
	case CompressLZX:
		return "LZX"
	case CompressLZMS:
		return "LZMS"
	}
	return fmt.Sprintf("compression(%d)", int(c))
}

// ParseCompression parses "none", "xpress"/"fast", "lzx"/"maximum".
func ParseCompression(s string) (Compression, error) {
	switch s {
	case "none", "":
		return CompressNone, nil
	case "xpress", "XPRESS", "fast":
		return CompressXPRESS, nil
	case "lzx", "LZX", "maximum":
		return CompressLZX, nil
	case "lzms", "LZMS", "recovery":
		return CompressLZMS, nil
	}
	return CompressNone, fmt.Errorf("unknown compression %q (want none or xpress)", s)
}

// SHA1 is a SHA-1 digest as stored in WIM files.
type SHA1 [20]byte

// IsZero reports whether the hash is all zero (the empty stream).
func (h SHA1) IsZero() bool { return h == SHA1{} }

func (h SHA1) String() string { return hex.EncodeToString(h[:]) }

// InputError is a problem with a WIM's content found while using it (an
// unsafe or duplicate name, missing or corrupt file data): the input is
// bad, not the job. The command line exits 2 for it.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// FormatError is a problem with the bytes of a WIM file. Offset is the
// absolute file offset (or the offset inside a metadata resource when
// Where says so) of the offending structure.
type FormatError struct {
	File   string
	Where  string // "file" or e.g. "metadata resource of image 1"
	Offset int64
	Msg    string
}

func (e *FormatError) Error() string {
	where := ""
	if e.Where != "" && e.Where != "file" {
		where = " in " + e.Where
	}
	name := e.File
	if name == "" {
		name = "wim"
	}
	return fmt.Sprintf("%s: offset %d (0x%x)%s: %s", name, e.Offset, e.Offset, where, e.Msg)
}

func formatErr(off int64, format string, args ...any) *FormatError {
	return &FormatError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// ErrSolid is returned when a solid (LZMS, "ESD") WIM would have to be
// written: refimage reads solid resources and LZMS but writes neither.
var ErrSolid = errors.New("solid/LZMS WIM (ESD) files can be read but not written; export to LZX or XPRESS, e.g. `refimage wim export SRC.esd all OUT.wim --compress lzx`")

// Limits that keep memory bounded whatever the input says: a solid chunk
// is decoded whole (its output and its input are held at once), a
// non-solid chunk once per worker.
const (
	maxSolidChunk    = 64 << 20
	maxNonSolidChunk = 2 << 20
	// solidMagic in a blob table entry's size marks a solid resource.
	solidMagic = 0x100000000
	// solidHeaderSize is the header of a solid resource: uncompressed
	// size (u64), chunk size (u32), compression (u32: 0 none, 1 XPRESS,
	// 2 LZX, 3 LZMS).
	solidHeaderSize = 16
)

// ResHdr is a resource header: where a resource lies and how big it is.
type ResHdr struct {
	Size     uint64 // bytes in the file (56 bits)
	Flags    uint8
	Offset   uint64
	OrigSize uint64 // uncompressed size
}

func (r ResHdr) compressed() bool { return r.Flags&ResFlagCompressed != 0 }

func parseResHdr(b []byte) ResHdr {
	v := binary.LittleEndian.Uint64(b)
	return ResHdr{
		Size:     v & (1<<56 - 1),
		Flags:    uint8(v >> 56),
		Offset:   binary.LittleEndian.Uint64(b[8:]),
		OrigSize: binary.LittleEndian.Uint64(b[16:]),
	}
}

func (r ResHdr) put(b []byte) {
	binary.LittleEndian.PutUint64(b, r.Size&(1<<56-1)|uint64(r.Flags)<<56)
	binary.LittleEndian.PutUint64(b[8:], r.Offset)
	binary.LittleEndian.PutUint64(b[16:], r.OrigSize)
}

// check validates a resource header against the file size.
func (r ResHdr) check(fileSize int64, at int64, what string) error {
	if r.Size == 0 && r.OrigSize == 0 {
		return nil
	}
	end := r.Offset + r.Size
	if r.Offset > uint64(fileSize) || r.Size > uint64(fileSize) || end > uint64(fileSize) {
		return formatErr(at, "%s lies outside the file: offset %d + size %d > file size %d", what, r.Offset, r.Size, fileSize)
	}
	if r.Flags&ResFlagSolid != 0 {
		// A solid resource: its sizes are in its own header.
		if r.Size < solidHeaderSize {
			return formatErr(at, "%s is a solid resource of %d bytes, too small for its %d-byte header", what, r.Size, solidHeaderSize)
		}
		return nil
	}
	if !r.compressed() && r.Size != r.OrigSize {
		return formatErr(at, "%s is uncompressed but its stored size %d differs from its size %d", what, r.Size, r.OrigSize)
	}
	if r.compressed() && r.OrigSize == 0 {
		return formatErr(at, "%s is compressed but empty", what)
	}
	return nil
}

// Header is the 208-byte WIM header.
type Header struct {
	Version    uint32
	Flags      uint32
	ChunkSize  uint32
	GUID       [16]byte
	PartNumber uint16
	TotalParts uint16
	ImageCount uint32
	BlobTable  ResHdr
	XML        ResHdr
	BootMeta   ResHdr
	BootIndex  uint32
	Integrity  ResHdr
}

// Compression returns the compression type named by the header flags.
func (h *Header) Compression() Compression {
	if h.Flags&HdrFlagCompression == 0 {
		return CompressNone
	}
	switch {
	case h.Flags&HdrFlagCompressLZMS != 0:
		return CompressLZMS
	case h.Flags&HdrFlagCompressLZX != 0:
		return CompressLZX
	case h.Flags&(HdrFlagCompressXPRESS|HdrFlagCompressXPRESS2) != 0:
		return CompressXPRESS
	}
	return CompressNone
}

// ParseHeader decodes and validates a header read from the start of a
// file of fileSize bytes.
func ParseHeader(b []byte, fileSize int64) (*Header, error) {
	if len(b) < HeaderSize || fileSize < HeaderSize {
		n := min(int64(len(b)), fileSize)
		return nil, formatErr(n, "file is too short for a WIM header (%d bytes, need %d)", n, HeaderSize)
	}
	var m [8]byte
	copy(m[:], b)
	if m == pipableMagic {
		return nil, formatErr(0, "pipable WIM (wimlib-only format) is not supported")
	}
	if m != magic {
		return nil, formatErr(0, "not a WIM file: bad magic %q", string(b[:8]))
	}
	le := binary.LittleEndian
	if hs := le.Uint32(b[8:]); hs != HeaderSize {
		return nil, formatErr(8, "header size is %d, want %d", hs, HeaderSize)
	}
	h := &Header{
		Version:    le.Uint32(b[0x0C:]),
		Flags:      le.Uint32(b[0x10:]),
		ChunkSize:  le.Uint32(b[0x14:]),
		PartNumber: le.Uint16(b[0x28:]),
		TotalParts: le.Uint16(b[0x2A:]),
		ImageCount: le.Uint32(b[0x2C:]),
		BlobTable:  parseResHdr(b[0x30:]),
		XML:        parseResHdr(b[0x48:]),
		BootMeta:   parseResHdr(b[0x60:]),
		BootIndex:  le.Uint32(b[0x78:]),
		Integrity:  parseResHdr(b[0x7C:]),
	}
	copy(h.GUID[:], b[0x18:0x28])
	switch h.Version {
	case versionDefault, versionSolid:
	default:
		return nil, formatErr(0x0C, "unknown WIM version 0x%x", h.Version)
	}
	if h.PartNumber == 0 || h.TotalParts == 0 || h.PartNumber > h.TotalParts {
		return nil, formatErr(0x28, "bad part number %d of %d", h.PartNumber, h.TotalParts)
	}
	if h.ImageCount > 65535 {
		return nil, formatErr(0x2C, "impossible image count %d", h.ImageCount)
	}
	if h.Flags&HdrFlagCompression != 0 {
		n := 0
		for _, f := range []uint32{HdrFlagCompressXPRESS | HdrFlagCompressXPRESS2, HdrFlagCompressLZX, HdrFlagCompressLZMS} {
			if h.Flags&f != 0 {
				n++
			}
		}
		if n != 1 {
			return nil, formatErr(0x10, "header flags 0x%x: compression flag without exactly one compression type", h.Flags)
		}
		cs := h.ChunkSize
		min, max := uint32(4096), uint32(65536)
		switch h.Compression() {
		case CompressLZX:
			min, max = 32768, 2<<20
		case CompressLZMS:
			min, max = 32768, 1<<30
		}
		if cs < min || cs > max || cs&(cs-1) != 0 {
			return nil, formatErr(0x14, "chunk size %d is not valid for %s", cs, h.Compression())
		}
		if cs > maxNonSolidChunk {
			return nil, formatErr(0x14, "chunk size %d is larger than refimage reads (%d) for non-solid resources", cs, maxNonSolidChunk)
		}
	} else if h.ChunkSize != 0 && h.ChunkSize != DefaultChunkSize {
		// wimlib writes 0; some writers put 32768 here. Anything else is odd
		// but harmless for an uncompressed file, so it is only normalised.
		h.ChunkSize = 0
	}
	for _, r := range []struct {
		hdr  ResHdr
		at   int64
		what string
	}{{h.BlobTable, 0x30, "blob table"}, {h.XML, 0x48, "XML data"}, {h.BootMeta, 0x60, "boot metadata"}, {h.Integrity, 0x7C, "integrity table"}} {
		if r.hdr.Flags&ResFlagSolid != 0 {
			return nil, formatErr(r.at, "%s is marked solid", r.what)
		}
		if err := r.hdr.check(fileSize, r.at, r.what); err != nil {
			return nil, err
		}
	}
	if h.BlobTable.compressed() {
		return nil, formatErr(0x30, "compressed blob table is not supported")
	}
	if h.XML.compressed() {
		return nil, formatErr(0x48, "compressed XML data is not supported")
	}
	if h.Integrity.compressed() {
		return nil, formatErr(0x7C, "compressed integrity table is not supported")
	}
	if h.BlobTable.OrigSize%blobEntrySize != 0 {
		return nil, formatErr(0x30, "blob table size %d is not a multiple of %d", h.BlobTable.OrigSize, blobEntrySize)
	}
	if h.BootIndex > h.ImageCount {
		h.BootIndex = 0
	}
	return h, nil
}

// Marshal encodes the header into 208 bytes.
func (h *Header) Marshal() []byte {
	b := make([]byte, HeaderSize)
	le := binary.LittleEndian
	copy(b, magic[:])
	le.PutUint32(b[8:], HeaderSize)
	le.PutUint32(b[0x0C:], h.Version)
	le.PutUint32(b[0x10:], h.Flags)
	le.PutUint32(b[0x14:], h.ChunkSize)
	copy(b[0x18:], h.GUID[:])
	le.PutUint16(b[0x28:], h.PartNumber)
	le.PutUint16(b[0x2A:], h.TotalParts)
	le.PutUint32(b[0x2C:], h.ImageCount)
	h.BlobTable.put(b[0x30:])
	h.XML.put(b[0x48:])
	h.BootMeta.put(b[0x60:])
	le.PutUint32(b[0x78:], h.BootIndex)
	h.Integrity.put(b[0x7C:])
	return b
}

// BlobEntry is one entry of the blob table.
type BlobEntry struct {
	Res        ResHdr
	PartNumber uint16
	RefCount   uint32
	Hash       SHA1
}

// ParseBlobTable decodes a blob table. tableOff is its file offset (for
// errors); fileSize bounds the resources of entries that belong to part.
// The SOLID flag is honoured only when solid is set (a version 0xE00
// WIM); elsewhere it is cleared, as WIMGAPI and wimlib do. Entries of
// blobs inside solid resources are returned unchecked: their offset is
// within the resource's uncompressed data.
func ParseBlobTable(b []byte, tableOff int64, fileSize int64, part uint16, solid bool) ([]BlobEntry, error) {
	t, err := checkBlobTable(b, tableOff, fileSize, part, solid)
	if err != nil {
		return nil, err
	}
	out := make([]BlobEntry, t.len())
	for i := range out {
		out[i] = t.at(i)
	}
	return out, nil
}

// blobTable is a checked blob table, its entries decoded when read:
// opening a WIM reads each entry once or twice, and decoding them all
// into a slice first cost a megabyte of fresh memory per 15,000 blobs.
type blobTable struct {
	b     []byte
	solid bool
}

func (t blobTable) len() int { return len(t.b) / blobEntrySize }

// at decodes entry i.
func (t blobTable) at(i int) BlobEntry {
	e := t.b[i*blobEntrySize : (i+1)*blobEntrySize]
	be := BlobEntry{
		Res:        parseResHdr(e),
		PartNumber: binary.LittleEndian.Uint16(e[24:]),
		RefCount:   binary.LittleEndian.Uint32(e[26:]),
	}
	copy(be.Hash[:], e[30:50])
	if !t.solid {
		be.Res.Flags &^= ResFlagSolid
	}
	return be
}

// checkBlobTable checks a blob table by ParseBlobTable's rules.
func checkBlobTable(b []byte, tableOff int64, fileSize int64, part uint16, solid bool) (blobTable, error) {
	if len(b)%blobEntrySize != 0 {
		return blobTable{}, formatErr(tableOff, "blob table size %d is not a multiple of %d", len(b), blobEntrySize)
	}
	t := blobTable{b: b, solid: solid}
	for i := range t.len() {
		be := t.at(i)
		if be.PartNumber != part || be.Res.Flags&ResFlagSolid != 0 && be.Res.OrigSize != solidMagic {
			continue
		}
		at := tableOff + int64(i*blobEntrySize)
		if err := be.Res.check(fileSize, at, "blob"); err != nil {
			// The label with the hash only when it is needed: making it
			// for every entry was a third of opening a WIM.
			return blobTable{}, be.Res.check(fileSize, at, "blob "+be.Hash.String())
		}
	}
	return t, nil
}

func (e *BlobEntry) put(b []byte) {
	e.Res.put(b)
	binary.LittleEndian.PutUint16(b[24:], e.PartNumber)
	binary.LittleEndian.PutUint32(b[26:], e.RefCount)
	copy(b[30:], e.Hash[:])
}

func align8(n int) int { return (n + 7) &^ 7 }
