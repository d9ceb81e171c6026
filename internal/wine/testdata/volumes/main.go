// Command volumes prints the drive letters of the volumes the engine's
// live platform finds (FindFirstVolume…), one a line: the Wine lane waits
// with it until Wine's mount manager has taken up a new drive letter.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/refimage/refimage/engine"
)

func main() {
	vols, err := engine.Live(engine.LiveOptions{}).Volumes(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, v := range vols {
		if v.Letter != "" {
			fmt.Println(v.Letter)
		}
	}
}
