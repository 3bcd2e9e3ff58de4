package commands

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/snapshot"
)

func init() { commandList = append(commandList, cmdDiff) }

func cmdDiff(e *env) *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "the PR check: compare HEAD with its merge-base's snapshot",
		ArgsUsage: "[BASE [HEAD]] | A..B | A...B",
		Description: `With no revisions, HEAD is compared with merge-base(HEAD, base branch); the base
branch is --base, else flameiq.yaml 'base', else the remote's default branch, else
origin/main, main, master. If the merge-base has no snapshot, the nearest first-parent
ancestor that has one is used, and the report says so. A..B compares A with B;
A...B compares merge-base(A, B) with B. --current FILE compares an unrecorded results
file with the resolved baseline (the usual PR case).

Exit 0 pass (warnings allowed), 1 regression or budget breach, 2 usage/config/no
baseline, 3 bad input.

Example:
   go test -bench . -count 10 > bench.txt
   git flameiq diff --current bench.txt --format markdown > comment.md`,
		Flags: append(compareFlags(),
			&cli.StringFlag{Name: "base", Usage: "base `BRANCH` whose merge-base with HEAD is the baseline"},
			&cli.StringFlag{Name: "current", Usage: "compare this results `FILE` (not yet recorded) with the baseline"},
			&cli.StringFlag{Name: "input-format", Usage: "input `FORMAT` of --current (default: auto-detect)"},
			allowFailedFlag,
			&cli.IntFlag{Name: "max-walk", Value: 50, Usage: "look at most `N` first-parent ancestors for a recorded baseline"},
			&cli.StringSliceFlag{Name: "accept-from", Usage: "read Perf-Accepted: lines from `FILE` (e.g. the PR description; - for stdin)"},
		),
		Action: func(c *cli.Context) error {
			if err := checkFormat(c.String("format"), reportFormats...); err != nil {
				return err
			}
			opts, st, err := e.compareStore(c)
			if err != nil {
				return err
			}
			var current *snapshot.Snapshot
			if f := c.String("current"); f != "" {
				current, err = e.parseInput(e.path(f), c.String("input-format"), c.Bool("allow-failed"))
				if err != nil {
					return err
				}
			}
			sides, err := e.resolveSides(c, st, current != nil)
			if err != nil {
				return err
			}
			base, err := e.baseline(c, st, sides)
			if err != nil {
				return err
			}
			head := current
			headLabel := "--current " + c.String("current")
			if head == nil {
				var ok bool
				var warns []string
				head, ok, warns, err = st.snapshot(sides.head)
				e.warn(warns)
				if err != nil {
					return err
				}
				if !ok {
					return usagef("%s (%s) has no snapshot in %s; %s, or pass --current FILE", sides.headRev, short(sides.head), st.ref, recordHint(sides.head))
				}
				headLabel = short(sides.head)
			}
			// Opt-outs come from the PR's own commits (merge-base..HEAD), never
			// from the older ancestor a missing baseline fell back to: those
			// commits are already on the base branch.
			accepts, err := e.acceptances(c, st, sides.base, sides.head)
			if err != nil {
				return err
			}
			opts.Accept = append(opts.Accept, accepts...)
			res, err := compareFiltered(c, base, head, opts)
			if err != nil {
				return err
			}
			e.warnNoCommon(res)
			headCommit := sides.head.String()
			info := reportInfo{BaseLabel: short(sides.baseUsed), HeadLabel: headLabel,
				BaseCommit: sides.baseUsed.String(), HeadCommit: headCommit, BaseReason: sides.reason,
				extra: extraReport{st: st, sides: sides}}
			if err := e.render(c, res, info); err != nil {
				return err
			}
			return verdict(c, res)
		},
	}
}

func (e *env) warn(ws []string) {
	for _, w := range ws {
		fmt.Fprintln(e.stderr, "git-flameiq: warning: "+w)
	}
}

// sides is the outcome of revision resolution for diff.
type sides struct {
	head     gitstore.Hash
	headRev  string
	base     gitstore.Hash // the commit the rules chose (merge-base, BASE…)
	baseUsed gitstore.Hash // the commit whose snapshot is used (base or a recorded ancestor)
	reason   string        // said aloud in the report
}

// resolveSides applies diff's revision grammar.
func (e *env) resolveSides(c *cli.Context, st *store, haveCurrent bool) (*sides, error) {
	args := c.Args().Slice()
	s := &sides{headRev: "HEAD"}
	var err error
	switch {
	case len(args) == 1 && strings.Contains(args[0], "..."):
		a, b, _ := strings.Cut(args[0], "...")
		if a == "" {
			a = "HEAD"
		}
		if b == "" {
			b = "HEAD"
		}
		ah, err := resolve(st.repo, a)
		if err != nil {
			return nil, err
		}
		if s.head, err = resolve(st.repo, b); err != nil {
			return nil, err
		}
		s.headRev = b
		mb, err := e.mergeBase(st, ah, s.head, a, b)
		if err != nil {
			return nil, err
		}
		s.base = mb
		s.reason = fmt.Sprintf("merge-base of %s and %s", a, b)
	case len(args) == 1 && strings.Contains(args[0], ".."):
		a, b, _ := strings.Cut(args[0], "..")
		if a == "" {
			a = "HEAD"
		}
		if b == "" {
			b = "HEAD"
		}
		if s.base, err = resolve(st.repo, a); err != nil {
			return nil, err
		}
		if s.head, err = resolve(st.repo, b); err != nil {
			return nil, err
		}
		s.headRev = b
		s.reason = a
	case len(args) == 1 || len(args) == 2:
		if s.base, err = resolve(st.repo, args[0]); err != nil {
			return nil, err
		}
		if len(args) == 2 {
			s.headRev = args[1]
		}
		if s.head, err = resolve(st.repo, s.headRev); err != nil {
			return nil, err
		}
		s.reason = args[0]
	case len(args) == 0:
		if s.head, err = resolve(st.repo, "HEAD"); err != nil {
			return nil, err
		}
		branch, bh, err := e.baseBranch(c, st)
		if err != nil {
			return nil, err
		}
		mb, err := e.mergeBase(st, bh, s.head, branch, "HEAD")
		if err != nil {
			return nil, err
		}
		s.base = mb
		s.reason = fmt.Sprintf("merge-base of HEAD and %s", branch)
		if mb == s.head && !haveCurrent {
			// On the base branch itself: compare with the previous recorded commit.
			c, err := st.repo.Commit(s.head)
			if err != nil {
				return nil, usagef("%v", err)
			}
			if len(c.Parents) == 0 {
				return nil, usagef("HEAD is the root commit and on %s: nothing to compare with", branch)
			}
			s.base = c.Parents[0]
			s.reason = fmt.Sprintf("HEAD is on %s, so its first parent", branch)
		}
	default:
		return nil, usagef("takes [BASE [HEAD]], A..B or A...B; got %d arguments", len(args))
	}
	return s, nil
}

func (e *env) mergeBase(st *store, a, b gitstore.Hash, an, bn string) (gitstore.Hash, error) {
	mb, err := st.repo.MergeBase(a, b)
	if err != nil {
		if errors.Is(err, gitstore.ErrNoMergeBase) {
			msg := fmt.Sprintf("%s and %s have no common ancestor", an, bn)
			if st.repo.IsShallow() {
				msg += "; this is a shallow clone: fetch more history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
			}
			return mb, usagef("%s", msg)
		}
		return mb, usagef("merge-base of %s and %s: %v", an, bn, err)
	}
	return mb, nil
}

// baseBranch picks the base branch: --base, flameiq.yaml base, the remote's
// default branch, origin/main, main, master.
func (e *env) baseBranch(c *cli.Context, st *store) (string, gitstore.Hash, error) {
	var cands []string
	explicit := false
	if b := c.String("base"); b != "" {
		cands, explicit = []string{b}, true
	} else if cfg, err := e.config(); err != nil {
		return "", gitstore.Hash{}, err
	} else if cfg.Base != "" {
		cands, explicit = []string{cfg.Base}, true
	} else {
		if d := st.repo.DefaultBranch("origin"); d != "" {
			cands = append(cands, d)
		}
		cands = append(cands, "origin/main", "origin/master", "main", "master")
	}
	for _, b := range cands {
		if h, err := st.repo.Resolve(b); err == nil {
			return b, h, nil
		}
		if explicit {
			// Try the remote-tracking branch of an explicit name too.
			if h, err := st.repo.Resolve("origin/" + b); err == nil {
				return "origin/" + b, h, nil
			}
			return "", gitstore.Hash{}, usagef("base branch %q not found (set base: in flameiq.yaml or pass --base)", b)
		}
	}
	return "", gitstore.Hash{}, usagef("no base branch found (tried %s); pass --base BRANCH or set base: in flameiq.yaml", strings.Join(cands, ", "))
}

// baseline loads the snapshot of sides.base, walking first-parent ancestors
// (at most --max-walk) to the nearest recorded one, and says so.
func (e *env) baseline(c *cli.Context, st *store, s *sides) (*snapshot.Snapshot, error) {
	n, err := st.notes()
	if err != nil {
		return nil, usagef("reading %s: %v", st.ref, err)
	}
	h, err := e.nearest(c, st.repo, s, n.Has, "snapshot in "+st.ref, n.Tip().IsZero(), st.ref, recordHint)
	if err != nil {
		return nil, err
	}
	snap, _, warns, err := st.snapshot(h)
	e.warn(warns)
	return snap, err
}

// nearest finds sides.base or its nearest first-parent ancestor (at most
// --max-walk commits) for which has is true, sets sides.baseUsed and says
// how it was chosen in sides.reason. what names the thing looked for.
func (e *env) nearest(c *cli.Context, r *gitstore.Repo, s *sides, has func(gitstore.Hash) (bool, error), what string, refMissing bool, ref string, hint func(gitstore.Hash) string) (gitstore.Hash, error) {
	limit := c.Int("max-walk")
	if limit < 1 {
		limit = 1
	}
	commits, err := r.FirstParent(s.base, limit)
	if err != nil && len(commits) == 0 {
		return gitstore.Hash{}, usagef("reading history from %s: %v", short(s.base), err)
	}
	for i, cm := range commits {
		ok, err := has(cm.Hash)
		if err != nil {
			return gitstore.Hash{}, usagef("reading %s: %v", ref, err)
		}
		if !ok {
			continue
		}
		s.baseUsed = cm.Hash
		if i == 0 {
			s.reason = fmt.Sprintf("base %s (%s)", short(cm.Hash), s.reason)
		} else {
			s.reason = fmt.Sprintf("base %s: %s is %s, which has no %s; using its nearest first-parent ancestor that has one, %d commit(s) back",
				short(cm.Hash), short(s.base), s.reason, what, i)
		}
		return cm.Hash, nil
	}
	msg := fmt.Sprintf("no baseline: %s (%s) and its %d nearest first-parent ancestors have no %s",
		short(s.base), s.reason, len(commits)-1, what)
	if r.IsShallow() && len(commits) < limit {
		msg += "\nthis is a shallow clone that may hide the baseline: fetch more history (actions/checkout fetch-depth: 0) and the notes (git fetch origin 'refs/notes/flameiq*:refs/notes/flameiq*')"
	} else if refMissing {
		msg += fmt.Sprintf("\n%s does not exist here: fetch it with 'git flameiq pull', or", ref)
	}
	msg += "\n" + hint(s.base)
	return gitstore.Hash{}, usagef("%s", msg)
}

// acceptances collects Perf-Accepted trailers from the commits in
// BASE..HEAD (BASE: the merge-base, not a fallback ancestor) and from
// --accept-from files.
func (e *env) acceptances(c *cli.Context, st *store, base, head gitstore.Hash) ([]compare.Acceptance, error) {
	var out []compare.Acceptance
	for _, f := range c.StringSlice("accept-from") {
		var data []byte
		var err error
		if f == "-" {
			data, err = io.ReadAll(e.stdin)
		} else {
			data, err = os.ReadFile(e.path(f))
		}
		if err != nil {
			return nil, &dataError{fmt.Errorf("--accept-from %s: %v", f, err)}
		}
		out = append(out, parseAcceptances(string(data), "PR description")...)
	}
	inCommits, err := st.Acceptances(base, head, 1000) // BASE..HEAD, all parents, newest first
	if err != nil {
		return nil, usagef("%v", err)
	}
	return append(out, inCommits...), nil
}
