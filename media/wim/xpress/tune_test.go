//go:build linux

package xpress

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func TestTune(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if os.Getenv("XPRESS_TUNE") == "" {
		t.Skip()
	}
	data := benchCorpus()
	words := testFiles()["text/words.txt"]
	for _, p := range [][5]int{{24, 48, 16, 48, 1}, {8, 32, 8, 32, 1}, {8, 24, 6, 24, 1}, {6, 32, 8, 32, 1}, {12, 32, 6, 32, 1}, {8, 16, 4, 16, 1}} {
		maxDepth, niceLen, goodLen, maxLazy, useHash3 = p[0], p[1], p[2], p[3], p[4] == 1
		c := NewCompressor()
		var size int
		el := time.Hour
		for r := 0; r < 5; r++ {
			start := cpuTime()
			size = resourceSize(c, data, 32768)
			el = min(el, cpuTime()-start)
		}
		ws := resourceSize(c, words, 32768)
		t.Logf("%v: %d (%.2f%%) %.1f MB/s  words %d", p, size, 100*float64(size)/float64(len(data)), float64(len(data))/el.Seconds()/1e6, ws)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
