package engine

import (
	"testing"
)

// FuzzReplayJournal: whatever results.jsonl holds (torn, reordered,
// hostile), applying it to a state never panics, keeps the pointer and
// the step in progress inside the table and the journal position
// non-negative, and lets in only valid variable names.
func FuzzReplayJournal(f *testing.F) {
	f.Add([]byte(`{"index":1,"started":true,"attempt":1,"seq":1}
{"index":1,"process":{"pid":42},"seq":2}
{"index":1,"outcome":"succeeded","seq":3,"next":2,"set":[{"name":"A","value":"x"}],"delete":["B"]}
{"index":-1,"seq":4,"next":5,"sealed":[{"name":"P","value":"seal:v1:AAAA"}],"omitted":["Q"]}
{"index":3,"outcome":"skipped","seq":5,"next":4`))
	f.Add([]byte(`{"index":0,"outcome":"succeeded","seq":1,"next":99}`))
	f.Add([]byte("{\"seq\":2}\n{\"seq\":1,\"next\":-5}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st := &State{Size: 5, Pointer: 1, Journal: 0, Vars: []StateVar{{Name: "B", Value: "y"}}}
		replayJournal(st, data)
		if st.Pointer < 0 || st.Pointer > st.Size {
			t.Fatalf("pointer %d outside 0..%d", st.Pointer, st.Size)
		}
		if st.InProgress != nil && (st.InProgress.Index < 0 || st.InProgress.Index >= st.Size || st.InProgress.Attempts < 1) {
			t.Fatalf("in progress %+v", st.InProgress)
		}
		if st.Journal < 0 {
			t.Fatalf("journal %d", st.Journal)
		}
		for _, v := range append(append([]StateVar(nil), st.Vars...), st.Sealed...) {
			if !validAnyName(v.Name) {
				t.Fatalf("variable name %q", v.Name)
			}
		}
	})
}
