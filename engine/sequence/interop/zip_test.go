package interop

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A zip bomb: an entry whose header says 100 bytes but that inflates to
// more than MaxXMLSize. refimage stops reading at the limit.
func TestZipBombIsBounded(t *testing.T) {
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	zeros := make([]byte, 1<<20)
	for i := 0; i < MaxXMLSize>>20+2; i++ {
		fw.Write(zeros)
	}
	fw.Close()
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "SMS_TaskSequencePackage/PS100010/object.xml", Method: zip.Deflate,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: 100, CRC32: crc32.ChecksumIEEE(nil)})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw.Bytes())
	zw.Close()
	_, _, err = Import("bomb.zip", z.Bytes(), ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "larger than it says") {
		t.Fatalf("err = %v", err)
	}
	// An honest header that is too large is refused before reading.
	z.Reset()
	zw = zip.NewWriter(&z)
	w, _ = zw.CreateRaw(&zip.FileHeader{Name: "ts.xml", Method: zip.Deflate, CompressedSize64: uint64(raw.Len()), UncompressedSize64: MaxXMLSize + 1})
	w.Write(raw.Bytes())
	zw.Close()
	if _, _, err := Import("big.zip", z.Bytes(), ImportOptions{}); err == nil || !strings.Contains(err.Error(), "refimage reads at most") {
		t.Fatalf("err = %v", err)
	}
}

// ImportFile reads a .zip in place and picks the task sequence package.
func TestImportFileZip(t *testing.T) {
	data, err := os.ReadFile("testdata/mdt-ts.xml")
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("Control/README.txt")
	w.Write([]byte("not this"))
	w, _ = zw.Create("Control/REF001/ts.xml")
	w.Write(data)
	zw.Close()
	p := filepath.Join(t.TempDir(), "share.zip")
	os.WriteFile(p, z.Bytes(), 0o644)
	res, err := ImportFile(p, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Source != "Control/REF001/ts.xml" || res.Report.Format != FormatMDT || res.Seq.Name != "Standard Client Task Sequence" {
		t.Errorf("%+v %q", res.Report, res.Seq.Name)
	}
}

// A large sequence (thousands of steps, megabytes) imports in linear time.
func TestLargeSequence(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`<sequence version="3.10"><group name="G">`)
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "\n<step type=\"SMS_TaskSequence_SetVariableAction\" name=\"S%d\"><defaultVarList><variable name=\"VariableName\">A</variable><variable name=\"VariableValue\">%d</variable></defaultVarList><action>tsenv.exe \"A=%d\"</action></step>", i, i, i)
	}
	b.WriteString("\n<step/></group></sequence>")
	_, _, err := Import("large.xml", b.Bytes(), ImportOptions{})
	var xe *XMLError
	if !errors.As(err, &xe) || xe.Line != 5002 || xe.Path != "sequence/group[1]/step[5001]" {
		t.Fatalf("err = %v", err)
	}
}
