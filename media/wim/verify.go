package wim

import (
	"context"
	"crypto/sha1"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// VerifyOptions tune Verify.
type VerifyOptions struct {
	Threads  int
	Progress ProgressFunc
	// Context cancels the operation (nil: never); a cancelled write leaves
	// no file behind.
	Context context.Context
}

// VerifyResult summarises a successful verification.
type VerifyResult struct {
	Images    int
	Blobs     int
	Bytes     uint64
	Integrity bool // an integrity table was present and matched
}

// BadBlobError names a blob whose data is corrupt or missing, and the
// paths that use it.
type BadBlobError struct {
	Hash   SHA1
	File   string
	Offset int64
	Paths  []string // "image N:/path"
	Err    error
}

func (e *BadBlobError) Error() string {
	paths := ""
	if len(e.Paths) > 0 {
		shown := e.Paths
		if len(shown) > 5 {
			shown = shown[:5]
		}
		paths = "; used by " + strings.Join(shown, ", ")
		if len(e.Paths) > 5 {
			paths += fmt.Sprintf(" and %d more", len(e.Paths)-5)
		}
	}
	return fmt.Sprintf("blob %s at offset %d in %s: %v%s", e.Hash, e.Offset, e.File, e.Err, paths)
}

func (e *BadBlobError) Unwrap() error { return e.Err }

// Verify checks the integrity table(s), parses every image, makes sure
// every referenced blob exists, and decompresses every blob comparing its
// SHA-1. The first bad blob (in file order) is reported with its paths.
func (w *WIM) Verify(opts VerifyOptions) (*VerifyResult, error) {
	res := &VerifyResult{Images: w.ImageCount()}
	present, err := w.CheckIntegrity(opts.Progress)
	if err != nil {
		return nil, err
	}
	res.Integrity = present
	metas := make([]*Metadata, w.ImageCount())
	for i := range metas {
		m, err := w.Metadata(i + 1)
		if err != nil {
			return nil, err
		}
		if err := checkTreeNames(w.Path, i+1, m); err != nil {
			return nil, err
		}
		metas[i] = m
		var missing error
		m.Root.Walk(func(p string, d *Dentry) error {
			for _, h := range dentryHashes(d) {
				if w.Blob(h) == nil && missing == nil {
					missing = &BadBlobError{Hash: h, File: w.Path, Offset: -1, Paths: []string{fmt.Sprintf("image %d:/%s", i+1, p)}, Err: fmt.Errorf("referenced but missing from the WIM")}
				}
			}
			return nil
		})
		if missing != nil {
			return nil, missing
		}
	}
	blobs := w.Blobs()
	var total uint64
	for _, b := range blobs {
		total += b.Size()
	}
	prog := newTracker(opts.Progress, "verify", total, uint64(len(blobs)))
	ctx := ctxOf(opts.Context)
	threads := opts.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	type failure struct {
		i   int
		err error
	}
	// Jobs: every blob of a solid resource in one job, first (they share
	// one decoded chunk under a lock: spread over workers, they took
	// turns blob by blob, and the hand-offs cost as much CPU as the
	// decoding), then one job per other blob. Workers take the next job
	// from a shared counter (in file order): no channel hand-off per blob.
	// order holds the solid blobs' indexes, then the others'; job j is a
	// span of it.
	order := make([]int, 0, len(blobs))
	for i, b := range blobs {
		if b.solid != nil {
			order = append(order, i)
		}
	}
	ns := len(order)
	for i, b := range blobs {
		if b.solid == nil {
			order = append(order, i)
		}
	}
	solidJobs := min(ns, 1)
	njobs := solidJobs + len(order) - ns
	job := func(j int) []int {
		if j < solidJobs {
			return order[:ns]
		}
		k := ns + j - solidJobs
		return order[k : k+1]
	}
	var (
		mu     sync.Mutex
		fails  []failure
		failed atomic.Bool
		next   atomic.Int64
		wg     sync.WaitGroup
	)
	for range min(threads, max(njobs, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := &scratch{}
			for !failed.Load() && ctx.Err() == nil {
				j := int(next.Add(1) - 1)
				if j >= njobs {
					return
				}
				for _, i := range job(j) {
					if failed.Load() || ctx.Err() != nil {
						return
					}
					if err := w.checkBlob(ctx, blobs[i], sc, prog); err != nil {
						mu.Lock()
						fails = append(fails, failure{i, err})
						mu.Unlock()
						failed.Store(true)
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	prog.finish()
	if len(fails) > 0 {
		sort.Slice(fails, func(a, b int) bool { return fails[a].i < fails[b].i })
		b := blobs[fails[0].i]
		be := &BadBlobError{Hash: b.Hash, File: b.p.name, Offset: b.fileOffset(), Err: fails[0].err}
		for i, m := range metas {
			m.Root.Walk(func(p string, d *Dentry) error {
				for _, h := range dentryHashes(d) {
					if h == b.Hash {
						be.Paths = append(be.Paths, fmt.Sprintf("image %d:/%s", i+1, p))
					}
				}
				return nil
			})
		}
		return nil, be
	}
	res.Blobs = len(blobs)
	res.Bytes = total
	return res, nil
}

func dentryHashes(d *Dentry) []SHA1 {
	var hs []SHA1
	if !d.Hash.IsZero() {
		hs = append(hs, d.Hash)
	}
	if !d.ReparseHash.IsZero() {
		hs = append(hs, d.ReparseHash)
	}
	for _, s := range d.Streams {
		if !s.Hash.IsZero() {
			hs = append(hs, s.Hash)
		}
	}
	return hs
}

func (w *WIM) checkBlob(ctx context.Context, b *Blob, sc *scratch, prog *progressTracker) error {
	h := sha1.New()
	var n uint64
	err := w.forEachChunk(b, sc, func(p []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		h.Write(p)
		n += uint64(len(p))
		prog.add(uint64(len(p)), 0, "")
		return nil
	})
	if err != nil {
		return err
	}
	if n != b.Size() {
		return fmt.Errorf("decompressed to %d bytes, want %d", n, b.Size())
	}
	var got SHA1
	h.Sum(got[:0])
	if got != b.Hash {
		return fmt.Errorf("data has SHA-1 %s", got)
	}
	prog.add(0, 1, "")
	return nil
}
