//go:build linux

package e2e

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/sequence"
)

// killSequence writes a sequence of more than 40 steps in nested groups:
// commands that record their start and end in rec (with a pause between,
// so a kill lands inside them), set-variable steps that build on each
// other and on a command's output variable, and conditions on those
// variables and on the engine's _SMSTSLastAction* (one command fails
// and continues on error).
func killSequence(rng *rand.Rand, rec string) string {
	var b strings.Builder
	b.WriteString("version = 1\nname = \"Kill and resume\"\nkind = \"custom\"\n\n[variables]\nPhase = \"0\"\n")
	n := 0
	cmd := func(prefix, extra string) {
		n++
		pause := 10 + rng.Intn(60)
		fmt.Fprintf(&b, "\n[[%s]]\ntype = \"run-command-line\"\nname = \"C%d\"\nretry_count = 5\n", prefix, n)
		fmt.Fprintf(&b, "command_line = '''echo start C%d >> %s; sleep 0.%03d; echo C%d-out; echo end C%d >> %s'''\n%s", n, rec, pause, n, n, rec, extra)
	}
	set := func(prefix, v, val, cond string) {
		n++
		fmt.Fprintf(&b, "\n[[%s]]\ntype = \"set-variable\"\nname = \"V%d\"\nvariable = \"%s\"\nvalue = \"%s\"\n", prefix, n, v, val)
		if cond != "" {
			fmt.Fprintf(&b, "condition = '%s'\n", cond)
		}
	}
	for g := 1; g <= 6; g++ {
		fmt.Fprintf(&b, "\n[[steps]]\ntype = \"group\"\nname = \"G%d\"\n", g)
		if g > 1 {
			fmt.Fprintf(&b, "condition = 'Phase == \"%d\"'\n", g-1)
		}
		p := "steps.steps"
		cmd(p, "")
		set(p, fmt.Sprintf("Seen%d", g), fmt.Sprintf("%%Phase%%-%d", g), "")
		cmd(p, fmt.Sprintf("output_variable = \"Out%d\"\n", g))
		set(p, fmt.Sprintf("Copy%d", g), fmt.Sprintf("%%Out%d%%", g), fmt.Sprintf(`Out%d like "C*-out"`, g))
		if g == 3 {
			n++
			fmt.Fprintf(&b, "\n[[%s]]\ntype = \"run-command-line\"\nname = \"F%d\"\ncommand_line = 'echo start F%d >> %s; exit 4'\ncontinue_on_error = true\n", p, n, n, rec)
			fmt.Fprintf(&b, "\n[[%s]]\ntype = \"group\"\nname = \"Handler%d\"\ncondition = '_SMSTSLastActionSucceeded == \"false\"'\n", p, g)
			cmd(p+".steps", "")
			set(p+".steps", "Handled", "yes", `_SMSTSLastActionName == "C`+strconv.Itoa(n+1)+`"`)
		}
		fmt.Fprintf(&b, "\n[[%s]]\ntype = \"group\"\nname = \"Inner%d\"\n", p, g)
		cmd(p+".steps", "")
		set(p+".steps", fmt.Sprintf("Inner%d", g), "done", "")
		cmd(p+".steps", "")
		cmd(p, "")
		set(p, "Phase", strconv.Itoa(g), fmt.Sprintf(`Seen%d exists`, g))
	}
	fmt.Fprintf(&b, "\n[[steps]]\ntype = \"group\"\nname = \"Skipped\"\ncondition = 'Phase == \"9\"'\n")
	cmd("steps.steps", "")
	cmd("steps", "")
	return b.String()
}

type recCount struct{ start, end int }

func readRec(t *testing.T, path string) map[string]*recCount {
	t.Helper()
	b, _ := os.ReadFile(path)
	out := map[string]*recCount{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(l)
		if len(f) != 2 {
			continue
		}
		c := out[f[1]]
		if c == nil {
			c = &recCount{}
			out[f[1]] = c
		}
		if f[0] == "start" {
			c.start++
		} else {
			c.end++
		}
	}
	return out
}

func finalVariables(t *testing.T, state string) string {
	t.Helper()
	st, err := engine.LoadState(state)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range st.Vars {
		if strings.HasSuffix(v.Name, "Path") {
			continue
		}
		out = append(out, v.Name+"="+v.Value)
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// The real binary, killed with SIGKILL at random points at least 20
// times and resumed each time, ends exactly like a run that was never
// interrupted: every step that finished ran once, only the steps in
// progress at a kill ran again, the final variables (engine variables
// included) and the final status are equal. REFIMAGE_KILL_SEED replays
// a seed.
func TestKill9AndResumeRealBinary(t *testing.T) {
	bin := buildRefimage(t)
	seed := time.Now().UnixNano()
	if s := os.Getenv("REFIMAGE_KILL_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("seed %d (replay with REFIMAGE_KILL_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewSource(seed))

	run := func(dir string, args ...string) *exec.Cmd {
		c := exec.Command(bin, append(args, "--plain", "--state", filepath.Join(dir, "state"), "--log", filepath.Join(dir, "log"))...)
		c.Env = append(os.Environ(), "TERM=dumb")
		return c
	}
	seqText := killSequence(rng, "REC")

	// The uninterrupted run.
	ref := t.TempDir()
	os.WriteFile(filepath.Join(ref, "seq.toml"), []byte(strings.ReplaceAll(seqText, "REC", filepath.Join(ref, "rec"))), 0o644)
	if out, err := run(ref, "run", filepath.Join(ref, "seq.toml")).CombinedOutput(); err != nil {
		t.Fatalf("the uninterrupted run: %v\n%s", err, out)
	}
	want := readRec(t, filepath.Join(ref, "rec"))
	wantVars := finalVariables(t, filepath.Join(ref, "state"))
	steps := 0
	for range want {
		steps++
	}
	if steps < 20 || strings.Count(seqText, "[[steps") < 40 {
		t.Fatalf("the sequence is too small: %d commands", steps)
	}

	// Rounds: a fresh run is killed and resumed until it finishes; when a
	// round finishes before the 20th kill (a fast machine, short pauses),
	// it is checked and another round starts, until 20 kills were made.
	kills, rounds := 0, 0
	for rounds == 0 || kills < 20 {
		rounds++
		if rounds > 20 {
			t.Fatalf("only %d kills in %d rounds", kills, rounds-1)
		}
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "seq.toml"), []byte(strings.ReplaceAll(seqText, "REC", filepath.Join(dir, "rec"))), 0o644)
		interrupted := map[string]int{}
		finished := false
		for attempt := 0; attempt < 200 && !finished; attempt++ {
			var c *exec.Cmd
			_, err := os.Stat(filepath.Join(dir, "state", engine.StateFile))
			if attempt == 0 || err != nil {
				// No state yet: the kill came before the engine started
				// (then nothing may have run), so start again.
				if b, _ := os.ReadFile(filepath.Join(dir, "rec")); len(b) > 0 {
					t.Fatalf("commands ran but no state was kept:\n%s", b)
				}
				c = run(dir, "run", filepath.Join(dir, "seq.toml"))
			} else {
				c = run(dir, "run", "--resume")
			}
			var out strings.Builder
			c.Stdout, c.Stderr = &out, &out
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- c.Wait() }()
			if kills >= 20 {
				if err := <-done; err != nil {
					t.Fatalf("round %d, the last resume: %v\n%s", rounds, err, out.String())
				}
				finished = true
				break
			}
			delay := time.Duration(20+rng.Intn(400)) * time.Millisecond
			for _, n := range interrupted {
				if n >= 4 {
					// A step allows 5 interruptions (retry_count): let
					// the run get past it this time.
					delay += 400 * time.Millisecond
					break
				}
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("round %d, attempt %d ended before its kill: %v\n%s", rounds, attempt, err, out.String())
				}
				finished = true
				continue
			case <-time.After(delay):
			}
			c.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
			if _, err := os.Stat(filepath.Join(dir, "state", engine.StateFile)); err != nil {
				continue // killed before the engine started
			}
			st, err := engine.LoadState(filepath.Join(dir, "state"))
			if err != nil {
				t.Fatalf("kill %d (after %s): the state does not load: %v", kills, delay, err)
			}
			if st.InProgress != nil {
				seq, err := engine.LoadStateSequence(filepath.Join(dir, "state"), st)
				if err != nil {
					t.Fatal(err)
				}
				i := 0
				seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
					if i == st.InProgress.Index {
						interrupted[it.Name]++
					}
					i++
					return true
				})
			}
		}
		if !finished {
			t.Fatalf("round %d never finished (%d kills)", rounds, kills)
		}
		got := readRec(t, filepath.Join(dir, "rec"))
		for name, w := range want {
			g := got[name]
			if g == nil {
				t.Errorf("round %d: %s never ran", rounds, name)
				continue
			}
			if interrupted[name] == 0 {
				if g.start != w.start || g.end != w.end {
					t.Errorf("round %d: %s was never interrupted but ran %d times (ended %d), want %d", rounds, name, g.start, g.end, w.start)
				}
				continue
			}
			if g.start > w.start+interrupted[name] || g.end < w.end {
				t.Errorf("round %d: %s: interrupted %d times, started %d times, ended %d", rounds, name, interrupted[name], g.start, g.end)
			}
		}
		for name := range got {
			if want[name] == nil {
				t.Errorf("round %d: %s ran, but not in the uninterrupted run", rounds, name)
			}
		}
		if gotVars := finalVariables(t, filepath.Join(dir, "state")); gotVars != wantVars {
			t.Errorf("round %d: final variables\n got %s\nwant %s", rounds, gotVars, wantVars)
		}
		t.Logf("round %d: %d kills so far; interrupted steps %v", rounds, kills, interrupted)
	}
}
