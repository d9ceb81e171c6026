package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
)

// crashed is what the crash hook panics with: the run stops where it
// is, as kill -9 would stop it (what was written stays, nothing more is).
type crashed struct{}

// crashPlat is the machine of the crash tests: it survives the engine's
// crashes (it is the disk and the processes). A command line is
// "mark NAME [EXIT]": it records "run NAME", starts (the engine
// journals the process), may crash there, then records "done NAME",
// prints "out NAME" and exits with EXIT.
type crashPlat struct {
	files  map[string]bool // what commands created: "mark NAME" creates NAME
	rec    []string
	ended  []int
	failed map[string]bool
	tick   func()
	pid    int
}

func (p *crashPlat) Machine(context.Context) (Machine, error) {
	return Machine{InWinPE: true, UEFI: true, SecureBoot: "NA", Name: "REF01", Arch: "x64"}, nil
}

func (p *crashPlat) Run(ctx context.Context, c Command) (int64, error) {
	f := strings.Fields(c.Line)
	if len(f) > 0 && f[0] == "echo" {
		p.rec = append(p.rec, c.Line)
		if c.Output != nil {
			c.Output(strings.TrimPrefix(c.Line, "echo "), false)
		}
		return 0, nil
	}
	if len(f) < 2 || f[0] != "mark" {
		return 0, fmt.Errorf("crashPlat: unexpected command %q", c.Line)
	}
	p.rec = append(p.rec, "run "+f[1])
	if p.files == nil {
		p.files = map[string]bool{}
	}
	p.files[f[1]] = true // the machine changed before the command ended
	p.pid++
	if c.Started != nil {
		c.Started(ProcessRef{PID: 100000 + p.pid})
	}
	p.tick() // a crash while the command runs
	p.rec = append(p.rec, "done "+f[1])
	if c.Output != nil {
		c.Output("out "+f[1], false)
	}
	code := 0
	if len(f) > 2 {
		code, _ = strconv.Atoi(f[2])
	}
	if len(f) > 3 && f[3] == "once" {
		// Fails the first time only.
		if p.failed == nil {
			p.failed = map[string]bool{}
		}
		if p.failed[f[1]] {
			code = 0
		}
		p.failed[f[1]] = true
	}
	return int64(code), nil
}

func (p *crashPlat) EndProcessGroup(pr ProcessRef) (bool, error) {
	p.ended = append(p.ended, pr.PID)
	return false, nil
}

var errNoMachine = errors.New("crashPlat: not used")

func (p *crashPlat) Stat(string) (fs.FileInfo, error)            { return nil, errNoMachine }
func (p *crashPlat) ReadFile(string) ([]byte, error)             { return nil, errNoMachine }
func (p *crashPlat) WriteFile(string, []byte, fs.FileMode) error { return errNoMachine }
func (p *crashPlat) MkdirAll(string) error                       { return errNoMachine }
func (p *crashPlat) RemoveAll(string) error                      { return errNoMachine }
func (p *crashPlat) Rename(string, string) error                 { return errNoMachine }
func (p *crashPlat) CopyFile(string, string) error               { return errNoMachine }
func (p *crashPlat) ReadDirNames(string) ([]string, error)       { return nil, errNoMachine }
func (p *crashPlat) Volumes(context.Context) ([]Volume, error)   { return nil, errNoMachine }
func (p *crashPlat) Disks(context.Context) ([]Disk, error)       { return nil, errNoMachine }
func (p *crashPlat) Reboot(context.Context, Reboot) error        { return ErrRebootUnsupported }
func (p *crashPlat) FileInfo(path string) (condition.FileInfo, error) {
	return condition.FileInfo{Exists: p.files[path]}, nil
}
func (p *crashPlat) FolderInfo(string) (condition.FolderInfo, error) {
	return condition.FolderInfo{}, ErrNoFacts
}
func (p *crashPlat) Registry(string, string) (condition.RegValue, error) {
	return condition.RegValue{}, ErrNoFacts
}
func (p *crashPlat) WMI(string, string) (int, error) { return 0, ErrNoFacts }
func (p *crashPlat) OSVersion() (string, error)      { return "", ErrNoFacts }
func (p *crashPlat) OSLanguage() (string, error)     { return "", ErrNoFacts }
func (p *crashPlat) Software(string, string) ([]condition.Installed, error) {
	return nil, ErrNoFacts
}

// genSequence writes a random sequence: nested groups (some continue on
// error, some with conditions), set-variable steps that build on each
// other, commands that fail or print into output variables, and
// conditions on those variables and on the engine's _SMSTSLastAction*.
func genSequence(rng *rand.Rand, steps int) string {
	var b strings.Builder
	b.WriteString("version = 1\nname = \"Crash test\"\nkind = \"custom\"\n\n[variables]\nSeed = \"s\"\n")
	n := 0
	vars := []string{"Seed"}
	cond := func() string {
		switch rng.Intn(7) {
		case 0:
			return `_SMSTSLastActionSucceeded == "false"`
		case 1:
			return `_SMSTSLastActionSucceeded == "true"`
		case 2:
			return vars[rng.Intn(len(vars))] + " exists"
		case 3:
			return vars[rng.Intn(len(vars))] + ` like "*1*"`
		case 4:
			return "not " + vars[rng.Intn(len(vars))] + " exists"
		case 5:
			return `_SMSTSLastActionRetCode == "3"`
		}
		return ""
	}
	var items func(prefix string, depth int)
	items = func(prefix string, depth int) {
		count := 1 + rng.Intn(5)
		for i := 0; i < count && n < steps; i++ {
			if depth < 4 && rng.Intn(4) == 0 {
				n++
				fmt.Fprintf(&b, "\n[[%s]]\ntype = \"group\"\nname = \"G%d\"\n", prefix, n)
				if rng.Intn(3) == 0 {
					// True until the group's first step has started:
					// a resume must not evaluate it again then.
					fmt.Fprintf(&b, "condition = 'file(\"S%d\") not exists'\n", n+1)
				} else if c := cond(); c != "" {
					fmt.Fprintf(&b, "condition = '%s'\n", c)
				}
				if rng.Intn(2) == 0 {
					b.WriteString("continue_on_error = true\n")
				}
				items(prefix+".steps", depth+1)
				continue
			}
			n++
			fmt.Fprintf(&b, "\n[[%s]]\n", prefix)
			if rng.Intn(3) == 0 {
				v := fmt.Sprintf("V%d", n)
				from := vars[rng.Intn(len(vars))]
				fmt.Fprintf(&b, "type = \"set-variable\"\nname = \"S%d\"\nvariable = \"%s\"\nvalue = \"%%%s%%-%d\"\n", n, v, from, n)
				vars = append(vars, v)
			} else {
				exit := ""
				if rng.Intn(5) == 0 {
					exit = " 3"
				}
				// Two interruptions of one step are allowed (a crash and
				// another while resuming).
				fmt.Fprintf(&b, "type = \"run-command-line\"\nname = \"S%d\"\ncommand_line = \"mark S%d%s\"\nretry_count = 2\n", n, n, exit)
				if rng.Intn(3) == 0 {
					v := fmt.Sprintf("O%d", n)
					fmt.Fprintf(&b, "output_variable = \"%s\"\n", v)
					vars = append(vars, v)
				}
				if exit != "" || rng.Intn(6) == 0 {
					b.WriteString("continue_on_error = true\n")
				}
			}
			if c := cond(); c != "" {
				fmt.Fprintf(&b, "condition = '%s'\n", c)
			}
		}
	}
	for n < steps {
		items("steps", 0)
	}
	return b.String()
}

type crashRun struct {
	res   *Result
	err   error
	crash bool
}

func runCrashing(t *testing.T, seq *sequence.Sequence, plat *crashPlat, dir string, resume bool, crashAt int) crashRun {
	t.Helper()
	events := 0
	tick := func() {
		events++
		if crashAt > 0 && events == crashAt {
			panic(crashed{})
		}
	}
	plat.tick = tick
	crashHook = tick
	defer func() { crashHook = nil }()
	var out crashRun
	func() {
		defer func() {
			if v := recover(); v != nil {
				if _, ok := v.(crashed); !ok {
					panic(v)
				}
				out.crash = true
			}
		}()
		o := Options{Platform: plat, StateDir: filepath.Join(dir, "state"), LogDir: filepath.Join(dir, "log"), Resume: resume, Thread: 1}
		if resume {
			seq = nil
		}
		out.res, out.err = Run(context.Background(), seq, o)
	}()
	return out
}

// finalVars are the variables the run ended with, without those that
// name the run's folders.
func finalVars(t *testing.T, dir string) string {
	t.Helper()
	st, err := LoadState(filepath.Join(dir, "state"))
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

func dones(rec []string) []string {
	var out []string
	for _, r := range rec {
		if strings.HasPrefix(r, "done ") {
			out = append(out, r)
		}
	}
	return out
}

// A run stopped at every point where it writes (each durable state
// write, each journal line, each command while it runs) and resumed —
// sometimes stopped again while resuming — ends exactly like the run
// that was never stopped: every command that finished ran once, only a
// command that was running when the engine died ran again, the final
// variables (engine variables included) and the outcome are equal.
func TestCrashAtEveryPointResumesExactly(t *testing.T) {
	seeds := []int64{1, 2, 3, 4, 5, 6}
	if testing.Short() {
		seeds = seeds[:2]
	}
	for _, seed := range seeds {
		rng := rand.New(rand.NewSource(seed))
		src := genSequence(rng, 24)
		seq, probs := sequence.Parse("crash.toml", []byte(src))
		if seq == nil || len(probs.Errors()) > 0 {
			t.Fatalf("seed %d: %v\n%s", seed, probs, src)
		}
		refDir := t.TempDir()
		refPlat := &crashPlat{}
		ref := runCrashing(t, seq, refPlat, refDir, false, 0)
		if ref.err != nil || ref.crash {
			t.Fatalf("seed %d: reference run: %v", seed, ref.err)
		}
		total := 0
		// Count the crash points of an uninterrupted run.
		{
			p := &crashPlat{}
			n := 0
			p.tick = func() { n++ }
			crashHook = p.tick
			Run(context.Background(), seq, Options{Platform: p, StateDir: filepath.Join(t.TempDir(), "s"), NoSync: true, Thread: 1})
			crashHook = nil
			total = n
		}
		refVars := finalVars(t, refDir)
		for k := 1; k <= total; k++ {
			dir := t.TempDir()
			plat := &crashPlat{}
			first := runCrashing(t, seq, plat, dir, false, k)
			if !first.crash {
				t.Fatalf("seed %d: crash point %d of %d never came", seed, k, total)
			}
			// Resume, stopping once more at a random point half the time.
			runs := 1
			last := crashRun{crash: true}
			for i := 0; last.crash && i < 5; i++ {
				again := 0
				if i == 0 && rng.Intn(2) == 0 {
					again = 1 + rng.Intn(total)
				}
				last = runCrashing(t, seq, plat, dir, true, again)
				runs++
			}
			where := fmt.Sprintf("seed %d, crash at %d of %d", seed, k, total)
			if last.err != nil && !errors.Is(last.err, ErrNothingToResume) {
				t.Fatalf("%s: resume: %v", where, last.err)
			}
			if last.res != nil && last.res.Status != ref.res.Status {
				t.Errorf("%s: status %s, want %s", where, last.res.Status, ref.res.Status)
			}
			if got, want := strings.Join(dones(plat.rec), ","), strings.Join(dones(refPlat.rec), ","); got != want {
				t.Errorf("%s: commands that finished\n got %s\nwant %s", where, got, want)
			}
			// Only a command that was running when the engine died runs
			// again: every "run" without its "done" is followed by the
			// same command's rerun.
			for i, r := range plat.rec {
				if !strings.HasPrefix(r, "run ") {
					continue
				}
				if i+1 < len(plat.rec) && plat.rec[i+1] == "done "+r[4:] {
					continue
				}
				found := false
				for _, later := range plat.rec[i+1:] {
					if later == r {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("%s: %s was interrupted and never ran again: %v", where, r, plat.rec)
				}
			}
			if got := finalVars(t, dir); got != refVars {
				t.Errorf("%s: final variables\n got %s\nwant %s", where, got, refVars)
			}
			if t.Failed() {
				t.Logf("sequence:\n%s", src)
				return
			}
		}
	}
}
