// Command removeall makes a small folder tree in the temporary folder and
// removes it with os.RemoveAll, printing "removed" or the error
// (TestRemoveAllUnderWine).
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir, err := os.MkdirTemp("", "removeall-")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(dir, "a", "b", "file"), []byte("x"), 0o644)
	if err := os.RemoveAll(dir); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	if _, err := os.Stat(dir); err == nil {
		fmt.Println("RemoveAll returned nil but the folder is still there")
		os.Exit(1)
	}
	fmt.Println("removed")
}
