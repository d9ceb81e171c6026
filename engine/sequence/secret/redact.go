package secret

import (
	"sort"
	"strings"
	"sync"
)

// Redactor replaces known clear secrets in text with their masked forms. The
// engine adds every secret it reveals, and passes every log line, command
// line and output through Redact before it leaves the process.
type Redactor struct {
	mu    sync.RWMutex
	pairs []string // old, new, old, new… for strings.Replacer
	r     *strings.Replacer
}

// Add registers a clear value and how it shows. Values shorter than 3
// characters are not registered (they would mask ordinary text); such
// secrets are refused by validation anyway.
func (r *Redactor) Add(clear string, productKey bool) {
	if len(clear) < 3 {
		return
	}
	mask := Masked
	if productKey {
		mask = MaskProductKey(clear)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := 0; i < len(r.pairs); i += 2 {
		if r.pairs[i] == clear {
			return
		}
	}
	r.pairs = append(r.pairs, clear, mask)
	// Longest first, so a secret that contains another is masked whole.
	idx := make([]int, 0, len(r.pairs)/2)
	for i := 0; i < len(r.pairs); i += 2 {
		idx = append(idx, i)
	}
	sort.SliceStable(idx, func(a, b int) bool { return len(r.pairs[idx[a]]) > len(r.pairs[idx[b]]) })
	sorted := make([]string, 0, len(r.pairs))
	for _, i := range idx {
		sorted = append(sorted, r.pairs[i], r.pairs[i+1])
	}
	r.pairs = sorted
	r.r = strings.NewReplacer(sorted...)
}

// Redact masks every registered secret in s.
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	rep := r.r
	r.mu.RUnlock()
	if rep == nil {
		return s
	}
	return rep.Replace(s)
}

// Contains reports whether s contains a registered secret: a value
// built from a secret (a copy, an expansion, output that printed it) is
// a secret too.
func (r *Redactor) Contains(s string) bool {
	if r == nil || len(s) < 3 {
		return false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for i := 0; i < len(r.pairs); i += 2 {
		if strings.Contains(s, r.pairs[i]) {
			return true
		}
	}
	return false
}
