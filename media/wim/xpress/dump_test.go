package xpress

import (
	"os"
	"testing"
)

func TestDumpCorpus(t *testing.T) {
	p := os.Getenv("XPRESS_DUMP_CORPUS")
	if p == "" {
		t.Skip()
	}
	if err := os.WriteFile(p, benchCorpus(), 0o644); err != nil {
		t.Fatal(err)
	}
}
