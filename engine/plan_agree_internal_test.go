package engine

import (
	"context"
	"math/rand"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

// plan and run agree: over generated sequences (nested groups, continue
// on error, set-variable chains, output variables, conditions on
// variables, on files commands create and on the engine's
// _SMSTSLastAction*), every step the plan calls known runs in the run
// exactly when the plan says will_run, when the plan is told which
// steps fail (--assume-fail) as the run's commands do.
func TestPlanAndRunAgree(t *testing.T) {
	failing := regexp.MustCompile(`name = "(S\d+)"\ncommand_line = "mark S\d+ (\d+)"`)
	unknownSeen, knownSeen := 0, 0
	for seed := int64(100); seed < 160; seed++ {
		rng := rand.New(rand.NewSource(seed))
		src := genSequence(rng, 30)
		seq, probs := sequence.Parse("agree.toml", []byte(src))
		if seq == nil || len(probs.Errors()) > 0 {
			t.Fatalf("seed %d: %v", seed, probs)
		}
		assume := map[string]int64{}
		for _, m := range failing.FindAllStringSubmatch(src, -1) {
			assume[m[1]] = 3
		}
		plan, err := Plan(seq, PlanOptions{AssumeFail: assume})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		plat := &crashPlat{tick: func() {}}
		res, err := Run(context.Background(), seq, Options{Platform: plat, StateDir: filepath.Join(dir, "s"), LogDir: filepath.Join(dir, "l"), NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		ran := map[string]Outcome{}
		for _, s := range res.Steps {
			ran[s.Path] = s.Outcome
		}
		for _, e := range plan {
			if e.Type == sequence.GroupType {
				continue
			}
			if !e.Known {
				unknownSeen++
				continue
			}
			knownSeen++
			o := ran[e.Path]
			did := o == Succeeded || o == Failed || o == FailedCont
			if did != e.WillRun {
				t.Errorf("seed %d: %s: plan says will_run=%v (%s), the run says %s", seed, e.Path, e.WillRun, e.Reason, o)
			}
		}
		if t.Failed() {
			t.Logf("sequence:\n%s", src)
			return
		}
	}
	if unknownSeen == 0 || knownSeen < 10*unknownSeen/10 {
		t.Errorf("the generated sequences test too little: %d known, %d unknown", knownSeen, unknownSeen)
	}
	t.Logf("%d steps known, %d unknown", knownSeen, unknownSeen)
}
