package wim

import (
	"github.com/refimage/refimage/media/wim/lzx"
	"github.com/refimage/refimage/media/wim/xpress"
)

func init() {
	decompressors[CompressXPRESS] = func(int) decompressFunc { return xpress.Decompress }
	decompressors[CompressLZX] = func(window int) decompressFunc {
		return func(dst, src []byte) error { return lzx.Decompress(dst, src, window) }
	}
	compressors[CompressXPRESS] = func() chunkCompressor {
		c := xpress.NewCompressor()
		return func(dst, src []byte) (int, bool) {
			n := c.Compress(dst, src)
			return n, n > 0 && n < len(src)
		}
	}
}
