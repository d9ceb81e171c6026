package engine_test

import (
	"encoding/json"
	"testing"

	"github.com/refimage/refimage/engine"
)

func FuzzParseState(f *testing.F) {
	f.Add([]byte(`{"format":1,"run_id":"x","sequence":"s","sha256":"","instructions":3,"pointer":1,"in_progress":{"index":1,"attempts":1},"status":"running","variables":[{"name":"A","value":"1"}],"started":"2026-11-26T00:00:00Z","saved":"2026-11-26T00:00:00Z","elapsed":0}`))
	f.Add([]byte(`{"format":1,"instructions":0,"pointer":0,"status":"restarting","reboot":{"target":"WinPE","step":"x","retry":true},"variables":null}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"format":1,"instructions":2,"pointer":5,"status":"running"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := engine.ParseState(data)
		if err != nil {
			return
		}
		if st.Pointer < 0 || st.Pointer > st.Size {
			t.Fatalf("pointer %d outside 0..%d accepted", st.Pointer, st.Size)
		}
		if st.InProgress != nil && (st.InProgress.Index >= st.Size || st.InProgress.Attempts < 1) {
			t.Fatalf("bad in-progress accepted: %+v", st.InProgress)
		}
		// What loads saves and loads the same.
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := engine.ParseState(b); err != nil {
			t.Fatalf("re-parse: %v", err)
		}
	})
}

func FuzzParseResults(f *testing.F) {
	f.Add([]byte("{\"index\":0,\"outcome\":\"succeeded\"}\n{\"index\":1,\"Outc"))
	f.Add([]byte("\n\n{\"index\":-1}\n{\"index\":0}\n{\"index\":0,\"exit_code\":5}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		seen := map[int]bool{}
		for _, r := range engine.ParseResults(data) {
			if r.Index < 0 || seen[r.Index] {
				t.Fatalf("result %+v", r)
			}
			seen[r.Index] = true
		}
	})
}
