package interop

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
)

// maxZipEntries bounds how many entries of a .zip refimage looks at.
const maxZipEntries = 100000

func isZip(data []byte) bool {
	return bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06"))
}

// ImportFile imports the file at name: task sequence XML, object.xml, or
// an exported .zip (read in place, never whole, and at most MaxXMLSize of
// the one entry that holds the sequence).
func ImportFile(name string, opt ImportOptions) (*ImportReportSequence, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &XMLError{File: name, Msg: "this is a folder; give the task sequence file (ts.xml, object.xml or the exported .zip)"}
	}
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	var data []byte
	if isZip(head[:n]) {
		entry, body, note, err := readZipAt(name, f, st.Size())
		if err != nil {
			return nil, err
		}
		seq, rep, err := Import(name+":"+entry, body, opt)
		if err != nil {
			return nil, err
		}
		rep.Source = entry
		if note != "" {
			rep.Warnings = append([]string{note}, rep.Warnings...)
		}
		return &ImportReportSequence{seq, rep}, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	data, err = io.ReadAll(io.LimitReader(f, MaxXMLSize+1))
	if err != nil {
		return nil, err
	}
	seq, rep, err := Import(name, data, opt)
	if err != nil {
		return nil, err
	}
	return &ImportReportSequence{seq, rep}, nil
}

func readZip(file string, data []byte) (string, []byte, error) {
	entry, body, _, err := readZipAt(file, bytes.NewReader(data), int64(len(data)))
	return entry, body, err
}

// readZipAt finds the task sequence in an exported .zip: the object.xml
// of SMS_TaskSequencePackage\<ID>, else a ts.xml, else an .xml whose
// root is <sequence>. It reads only that entry, bounded.
func readZipAt(file string, r io.ReaderAt, size int64) (entry string, body []byte, note string, err error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", nil, "", &XMLError{File: file, Msg: "not a readable .zip: " + err.Error()}
	}
	if len(zr.File) > maxZipEntries {
		return "", nil, "", &XMLError{File: file, Msg: fmt.Sprintf("the .zip has %d entries; refimage looks at most at %d", len(zr.File), maxZipEntries)}
	}
	var objects, tsxml, others []*zip.File
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, `\`, "/")
		low := strings.ToLower(name)
		parts := strings.Split(low, "/")
		switch {
		case len(parts) >= 3 && parts[len(parts)-1] == "object.xml" && parts[len(parts)-3] == "sms_tasksequencepackage":
			objects = append(objects, f)
		case path.Base(low) == "ts.xml":
			tsxml = append(tsxml, f)
		case strings.HasSuffix(low, ".xml"):
			others = append(others, f)
		}
	}
	byName := func(l []*zip.File) { sort.Slice(l, func(i, j int) bool { return l[i].Name < l[j].Name }) }
	byName(objects)
	byName(tsxml)
	var pick *zip.File
	switch {
	case len(objects) > 0:
		pick = objects[0]
		if len(objects) > 1 {
			var names []string
			for _, o := range objects[1:] {
				names = append(names, o.Name)
			}
			note = fmt.Sprintf("%s: the .zip holds %d task sequences; imported %s, not %s", file, len(objects), objects[0].Name, strings.Join(names, ", "))
		}
	case len(tsxml) > 0:
		pick = tsxml[0]
	default:
		for i, f := range others {
			if i >= 100 {
				break
			}
			b, err := readEntry(file, f, 4096, true)
			if err == nil && bytes.Contains(b, []byte("<sequence")) {
				pick = f
				break
			}
		}
	}
	if pick == nil {
		return "", nil, "", &XMLError{File: file, Msg: `the .zip holds no task sequence (no SMS_TaskSequencePackage\<ID>\object.xml, no ts.xml, no .xml with a <sequence>)`}
	}
	body, err = readEntry(file, pick, MaxXMLSize, false)
	if err != nil {
		return "", nil, "", err
	}
	return pick.Name, body, note, nil
}

// readEntry reads at most max bytes of an entry (a prefix when partial),
// refusing encrypted entries and entries larger than max.
func readEntry(file string, f *zip.File, max int64, partial bool) ([]byte, error) {
	where := file + ":" + f.Name
	if f.Flags&0x1 != 0 {
		return nil, &XMLError{File: where, Msg: "the entry is encrypted; export the task sequence without a password"}
	}
	if !partial && f.UncompressedSize64 > uint64(max) {
		return nil, &XMLError{File: where, Msg: fmt.Sprintf("the entry says it is %d bytes; refimage reads at most %d", f.UncompressedSize64, max)}
	}
	rc, err := f.Open()
	if err != nil {
		if errors.Is(err, zip.ErrAlgorithm) {
			return nil, &XMLError{File: where, Msg: "the entry is compressed with a method refimage cannot read"}
		}
		return nil, &XMLError{File: where, Msg: err.Error()}
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil && !(partial && len(b) > 0) {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) {
			// archive/zip stops at the size the header gives.
			return nil, &XMLError{File: where, Msg: "the entry does not match its header (larger than it says, or damaged)"}
		}
		return nil, &XMLError{File: where, Msg: "cannot read the entry: " + err.Error()}
	}
	if int64(len(b)) > max {
		if partial {
			return b[:max], nil
		}
		// The header lied about the size: a zip bomb, or damage.
		return nil, &XMLError{File: where, Msg: fmt.Sprintf("the entry is larger than it says (more than %d bytes)", max)}
	}
	return b, nil
}
