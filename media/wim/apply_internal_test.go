package wim

import "testing"

// TestStripedSegments: every blob is in exactly one segment, and the
// segments taken one after the other by two workers lie about half the
// list apart, except near the end.
func TestStripedSegments(t *testing.T) {
	for _, c := range []struct{ n, threads int }{{0, 2}, {1, 2}, {7, 2}, {16, 2}, {100, 3}, {11478, 2}, {11478, 4}, {70000, 2}, {5, 0}} {
		segs := stripedSegments(c.n, c.threads)
		seen := make([]int, c.n)
		for _, s := range segs {
			if s[0] >= s[1] || s[1]-s[0] > 256 {
				t.Fatalf("n %d: segment %v", c.n, s)
			}
			for i := s[0]; i < s[1]; i++ {
				seen[i]++
			}
		}
		for i, k := range seen {
			if k != 1 {
				t.Fatalf("n %d threads %d: blob %d in %d segments", c.n, c.threads, i, k)
			}
		}
		if c.n >= 1000 && c.threads == 2 {
			if d := segs[1][0] - segs[0][0]; d < int64(c.n)/2-256 {
				t.Fatalf("n %d: the first two segments start %d blobs apart", c.n, d)
			}
		}
	}
}
