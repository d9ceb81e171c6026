package wim

import (
	"fmt"
	"sync"

	"github.com/refimage/refimage/media/wim/lzms"
	"github.com/refimage/refimage/media/wim/lzx"
	"github.com/refimage/refimage/media/wim/xpress"
)

// lzmsPool keeps LZMS decompressors (their tables are about 400 KiB)
// for the chunks of non-solid LZMS resources.
var lzmsPool = sync.Pool{New: func() any { return lzms.NewDecompressor() }}

func init() {
	decompressors[CompressLZMS] = func(int) decompressFunc {
		return func(dst, src []byte) error {
			d := lzmsPool.Get().(*lzms.Decompressor)
			defer lzmsPool.Put(d)
			return d.Decompress(dst, src)
		}
	}
	decompressors[CompressXPRESS] = func(int) decompressFunc { return xpress.Decompress }
	decompressors[CompressLZX] = func(window int) decompressFunc {
		return func(dst, src []byte) error { return lzx.Decompress(dst, src, window) }
	}
	compressors[CompressXPRESS] = func(int) chunkCompressor {
		c := xpress.NewCompressor()
		return func(dst, src []byte) (int, bool) {
			n := c.Compress(dst, src)
			return n, n > 0 && n < len(src)
		}
	}
	compressors[CompressLZX] = func(chunkSize int) chunkCompressor {
		c, err := lzx.NewCompressor(chunkSize)
		if err != nil {
			// build checked the chunk size; this cannot happen.
			panic(err)
		}
		return func(dst, src []byte) (int, bool) {
			n := c.Compress(dst, src)
			return n, n > 0 && n < len(src)
		}
	}
}

// validChunkSize reports whether a WIM of compression c may use chunks of
// size n (the ranges wimlib and the format accept; Microsoft software
// reads only 32 KiB reliably).
func validChunkSize(c Compression, n int) bool {
	if n&(n-1) != 0 {
		return false
	}
	switch c {
	case CompressXPRESS:
		return n >= 4096 && n <= 65536
	case CompressLZX:
		return n >= 32768 && n <= 2<<20
	}
	return false
}

// CheckChunkSize reports whether compression c can be written in chunks of
// n bytes (0 means the default, 32768).
func CheckChunkSize(c Compression, n int) error {
	if n == 0 || c == CompressNone {
		return nil
	}
	if c == CompressLZMS || !validChunkSize(c, n) {
		return fmt.Errorf("chunk size %d is not valid for %s (a power of two, %s)", n, c, chunkRange(c))
	}
	return nil
}

func chunkRange(c Compression) string {
	if c == CompressXPRESS {
		return "4096 to 65536"
	}
	return "32768 to 2097152"
}
