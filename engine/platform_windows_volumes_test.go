//go:build windows

package engine_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
)

// Read-only queries of the machine's volumes and disks: the system drive
// is listed with its file system, disk and partition, and its disk is
// marked as one the engine runs from.
func TestLiveVolumesAndDisks(t *testing.T) {
	p := engine.Live(engine.LiveOptions{})
	vols, err := p.Volumes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sys := strings.ToUpper(os.Getenv("SystemDrive"))
	var found *engine.Volume
	for i := range vols {
		if vols[i].Letter == sys {
			found = &vols[i]
		}
	}
	if found == nil || found.FileSystem == "" {
		t.Fatalf("the system drive %s is not listed: %+v", sys, vols)
	}
	if found.Disk < 0 {
		t.Skipf("the system drive is not on one disk (%+v)", *found)
	}
	disks, err := p.Disks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range disks {
		if d.Number == found.Disk && !d.Boot {
			t.Errorf("disk %d holds %s but is not marked Boot", d.Number, sys)
		}
	}
}
