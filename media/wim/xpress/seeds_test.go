package xpress

type fuzzSeed struct{ plain, comp []byte }

// fuzzSeeds returns compressed chunks for the fuzz corpus (filled in once
// the compressor exists).
func fuzzSeeds() []fuzzSeed { return nil }
