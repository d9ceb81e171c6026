package wim

import "github.com/refimage/refimage/media/wim/xpress"

func init() {
	decompressors[CompressXPRESS] = xpress.Decompress
	compressors[CompressXPRESS] = func() chunkCompressor {
		c := xpress.NewCompressor()
		return func(dst, src []byte) (int, bool) {
			n := c.Compress(dst, src)
			return n, n > 0 && n < len(src)
		}
	}
}
