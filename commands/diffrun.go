package commands

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/abrun"
	"github.com/flameiq/git-flameiq/internal/baseline"
	"github.com/flameiq/git-flameiq/internal/machine"
	"github.com/flameiq/git-flameiq/internal/measure"
	"github.com/flameiq/git-flameiq/snapshot"
)

// abFlags are the same-runner flags of diff (--run and its companions).
func abFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "run", Usage: "measure BASE and HEAD side by side on this machine: run `CMD` (sh -c) in a worktree of each, in interleaved rounds"},
		&cli.IntFlag{Name: "count", Aliases: []string{"n"}, Usage: "with --run: `N` rounds, each side once per round (default: 5 when one run of CMD gives repeated samples, else 10)"},
		&cli.IntFlag{Name: "warmup", Usage: "with --run: discarded warm-up runs of CMD on each side before the rounds (`K`)"},
		&cli.BoolFlag{Name: "no-record", Usage: "with --run: do not record the measurements (by default each side's samples are recorded on its commit, tagged mode=ab)"},
		&cli.BoolFlag{Name: "reuse", Usage: "with --run: use a side's mode=ab record made on this machine instead of measuring it again"},
	}
}

// abOptions are abFlags' values.
type abOptions struct {
	Run         string // --run CMD ("": compare the notes)
	Rounds      int    // -n (0: the default)
	Warmup      int
	NoRecord    bool
	Reuse       bool
	AllowFailed bool   // --allow-failed
	InputFormat string // --input-format of CMD's output
	SkipWarmup  time.Duration
	stray       []string
}

func abOptionsOf(c *cli.Context) abOptions {
	o := abOptions{Run: c.String("run"), Rounds: c.Int("count"), Warmup: c.Int("warmup"), NoRecord: c.Bool("no-record"),
		Reuse: c.Bool("reuse"), AllowFailed: c.Bool("allow-failed"), InputFormat: c.String("input-format")}
	for _, f := range []string{"count", "warmup", "no-record", "reuse"} {
		if c.IsSet(f) {
			o.stray = append(o.stray, "--"+f)
		}
	}
	if c.IsSet("count") && o.Rounds < 1 {
		o.Rounds = -1 // -n 0 is refused, not the default
	}
	return o
}

// check refuses the same-runner flags without --run, and bad counts.
func (o abOptions) check(current string) error {
	if o.Run == "" {
		if len(o.stray) > 0 {
			return usagef("%s goes with --run CMD", strings.Join(o.stray, ", "))
		}
		return nil
	}
	if current != "" {
		return usagef("--run measures HEAD itself; it does not take --current FILE")
	}
	if o.Rounds < 0 || o.Warmup < 0 {
		return usagef("-n must be ≥ 1 and --warmup ≥ 0")
	}
	return nil
}

// abTag marks the records that diff --run makes.
const abTag = "ab"

// sameRunner measures sd.Base and sd.Head side by side (diff --run),
// records each side on its commit unless asked not to, and returns the two
// snapshots with the baseline said aloud.
func (e *env) sameRunner(st *store, sd baseline.Sides, o abOptions) (base, head *snapshot.Snapshot, used baseline.Found, err error) {
	used = baseline.Found{Commit: sd.Base}
	sides := []abrun.Side{{Name: "base", Commit: sd.Base}, {Name: "head", Commit: sd.Head}}
	snaps := make([]*snapshot.Snapshot, 2)
	if o.Reuse {
		mine := func(m snapshot.Meta) bool { return m.Tags["mode"] == abTag && machine.Same(m.Machine) }
		for i, sdd := range sides {
			s, ok, warns, err := st.snapshotWhere(sdd.Commit, mine)
			e.warn(warns)
			if err != nil {
				return nil, nil, used, err
			}
			if ok {
				fmt.Fprintf(e.stderr, "git-flameiq: %s %s: reusing its mode=ab record made on this machine\n", sdd.Name, short(sdd.Commit))
				snaps[i] = s
			}
		}
	}
	var todo []abrun.Side
	var at []int
	for i, s := range snaps {
		if s == nil {
			todo, at = append(todo, sides[i]), append(at, i)
		}
	}
	rounds := 0
	if len(todo) > 0 {
		run := measure.Run{Argv: []string{o.Run}, Format: o.InputFormat, SkipWarmup: o.SkipWarmup, AllowFailed: o.AllowFailed, Stderr: e.stderr}
		res, err := abrun.Measure(e.ctx, st.repo, todo, abrun.Options{Run: run, Rounds: o.Rounds, Warmup: o.Warmup, Progress: e.stderr})
		if err != nil {
			return nil, nil, used, err
		}
		rounds = res.Rounds
		for j, i := range at {
			s := res.Snapshots[j]
			s.Meta.SetTag("mode", abTag)
			if !o.NoRecord {
				if err := e.recordOn(st, sides[i].Commit, s, recordMeta{}); err != nil {
					return nil, nil, used, err
				}
			}
			snaps[i] = s
		}
	}
	how := fmt.Sprintf("%d interleaved rounds", rounds)
	if len(todo) < 2 {
		how = "reusing mode=ab records made on this machine"
	}
	used.Reason = fmt.Sprintf("base %s (%s), measured side by side with head on this machine (%s; %s)", short(sd.Base), sd.Reason, machine.Here(), how)
	return snaps[0], snaps[1], used, nil
}

// machineGate compares the machines that measured base and head (diff from
// notes). When they differ it returns a note saying so; when flameiq.yaml's
// environment.must_match names a field that differs, or that a side does
// not know, it is exit 2. must_match is the base commit's and the work
// tree's together (a pull request cannot drop it), or --config's.
func (e *env) machineGate(baseCommit gitstore.Hash, base, head snapshot.Machine) (string, error) {
	cfg, err := e.config()
	if err != nil {
		return "", err
	}
	must := cfg.MustMatch
	if e.configPath == "" {
		baseCfg, err := e.baseConfig(baseCommit)
		if err != nil {
			return "", err
		}
		for _, f := range baseCfg.MustMatch {
			if !slices.Contains(must, f) {
				must = append(must, f)
			}
		}
	}
	for _, f := range must {
		b, h := base.Field(f), head.Field(f)
		switch {
		case b == "" || h == "":
			return "", usagef("environment.must_match: %s of the %s is not recorded (base: %s, head: %s); record both sides with this version, or measure both here with diff --run CMD",
				f, map[bool]string{true: "base", false: "head"}[b == ""], base, head)
		case b != h:
			return "", usagef("environment.must_match: base and head were measured on different machines (%s: %q vs %q; base: %s, head: %s); measure both on one runner with diff --run CMD",
				f, b, h, base, head)
		}
	}
	if len(base.Differs(head)) == 0 {
		return "", nil
	}
	return fmt.Sprintf("base: %s, head: %s — the change includes the machine; use `git flameiq diff --run CMD` to measure both here", base, head), nil
}
