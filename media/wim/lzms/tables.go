package lzms

// The offset and length slots. Slot bases grow by a power of two that
// doubles at fixed points; the tables are rebuilt from how many slots use
// each increment (1, 2, 4, ... for offsets; the same for lengths), which
// is a compact statement of the format's tables. The last slot of each
// table has 30 extra bits.
var (
	offsetBase  [maxOffsetSyms + 1]uint32
	offsetExtra [maxOffsetSyms]uint8
	lengthBase  [numLengthSyms + 1]uint32
	lengthExtra [numLengthSyms]uint8
)

// slotsPerIncrement[k] is how many consecutive slots follow a base that
// grew by 1<<k.
var (
	offsetSlotsPerIncrement = []int{9, 0, 9, 7, 10, 15, 15, 20, 20, 30, 33, 40, 42, 45, 60, 73, 80, 85, 95, 105, 6}
	lengthSlotsPerIncrement = []int{27, 4, 6, 4, 5, 2, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1}
)

func init() {
	buildSlots(offsetBase[:], offsetExtra[:], offsetSlotsPerIncrement)
	buildSlots(lengthBase[:], lengthExtra[:], lengthSlotsPerIncrement)
}

func buildSlots(base []uint32, extra []uint8, runs []int) {
	n := len(extra)
	v := uint32(0)
	slot := 0
	for k, run := range runs {
		for ; run > 0; run-- {
			v += 1 << k
			base[slot] = v
			slot++
		}
	}
	if slot != n {
		panic("lzms: slot table does not add up")
	}
	base[n] = base[n-1] + 1<<30
	for s := 0; s < n; s++ {
		d := base[s+1] - base[s]
		e := uint8(0)
		for d > 1 {
			d >>= 1
			e++
		}
		extra[s] = e
	}
}

// numOffsetSlots is the number of offset symbols used for a chunk of n
// uncompressed bytes: enough slots to reach an offset of n-1.
func numOffsetSlots(n int) int {
	if n < 2 {
		return 0
	}
	v := uint32(n - 1)
	lo, hi := 0, maxOffsetSyms-1
	for lo < hi { // largest slot whose base is <= v
		mid := (lo + hi + 1) / 2
		if offsetBase[mid] <= v {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1
}
