package commands

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/gitstore"
)

func init() { commandList = append(commandList, cmdGC) }

func cmdGC(e *env) *cli.Command {
	return &cli.Command{
		Name:  "gc",
		Usage: "remove the notes of unreachable (or old) commits and squash the notes history to one commit",
		Description: `Removes from refs/notes/flameiq and refs/notes/flameiq-profiles the notes of
commits that no branch, remote-tracking branch, tag or HEAD reaches any more (a
rebased-away PR head), and with --older-than those of commits older than DATE;
squashes each notes ref's history into one commit, so a clone fetches one tree;
removes the temporary worktrees of killed bisect runs. Safe beside concurrent
record and push (compare-and-swap, retried). The removed commits are listed in the
notes tree, so push and pull keep a pruned remote pruned: run
'git flameiq pull && git flameiq gc && git flameiq push'.

Example:
   git flameiq gc --dry-run --older-than 1.year.ago
   git flameiq gc --older-than 2025-01-01 && git flameiq push`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "keep-unreachable", Usage: "keep the notes of commits no ref reaches"},
			&cli.StringFlag{Name: "older-than", Usage: "also remove the notes of commits committed before `DATE` (as git reads dates: 2025-01-01, 6.months.ago)"},
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "say what would be removed, change nothing"},
		},
		Action: func(c *cli.Context) error {
			return e.gc(gcOptions{Args: c.Args().Slice(), KeepUnreachable: c.Bool("keep-unreachable"), OlderThan: c.String("older-than"), DryRun: c.Bool("dry-run")})
		},
	}
}

// gcOptions are gc's flags.
type gcOptions struct {
	Args            []string // none
	KeepUnreachable bool
	OlderThan       string // --older-than DATE ("": none)
	DryRun          bool
}

// gc prunes the notes refs (see cmdGC; gitstore.GC does the work).
func (e *env) gc(o gcOptions) error {
	if len(o.Args) > 0 {
		return usagef("takes no arguments")
	}
	r, ref, err := e.notesRepo()
	if err != nil {
		return err
	}
	if r.IsShallow() {
		return usagef("this is a shallow clone: gc needs the whole history to tell which commits are unreachable or old; run 'git fetch --unshallow' first")
	}
	p := gitstore.GCPolicy{KeepUnreachable: o.KeepUnreachable, DryRun: o.DryRun}
	if o.OlderThan != "" {
		if p.OlderThan, err = gitstore.ParseDate(e.ctx, e.workDir(), o.OlderThan); err != nil {
			return usagef("--older-than: %v", err)
		}
	}
	reachable, err := r.Reachable(e.ctx)
	if err != nil {
		return usagef("listing reachable commits: %v", err)
	}
	verb := "removed"
	if o.DryRun {
		verb = "would remove"
	}
	for _, ref := range []string{ref, profileRef(ref)} {
		res, err := r.GC(ref, reachable, p)
		if err != nil {
			return usagef("gc %s: %v", ref, err)
		}
		e.printGC(res, verb, p.OlderThan)
	}
	if o.DryRun {
		return nil
	}
	stale, err := r.PruneStaleWorktrees(e.ctx)
	if err != nil {
		return usagef("listing worktrees: %v", err)
	}
	for _, wt := range stale {
		fmt.Fprintf(e.stdout, "removed the stale worktree %s\n", wt)
	}
	return nil
}

// printGC says what gc did to one ref (and which commits it dropped).
func (e *env) printGC(res gitstore.GCResult, verb string, olderThan time.Time) {
	n := len(res.Unreachable) + len(res.Old)
	if res.CommitsBefore == 0 {
		fmt.Fprintf(e.stdout, "%s: nothing recorded\n", res.Ref)
		return
	}
	squash := fmt.Sprintf("%s squashed into 1", plural(res.CommitsBefore, "notes commit"))
	if res.CommitsBefore <= 1 {
		squash = "history already one commit"
	}
	fmt.Fprintf(e.stdout, "%s: %s %s (%d unreachable, %d old), %d bytes; %d kept; %s\n",
		res.Ref, verb, plural(n, "note"), len(res.Unreachable), len(res.Old), res.FreedBytes, res.Kept, squash)
	for _, h := range res.Unreachable {
		fmt.Fprintf(e.stdout, "  %s %s (unreachable)\n", verb, h)
	}
	for _, h := range res.Old {
		fmt.Fprintf(e.stdout, "  %s %s (committed before %s)\n", verb, h, olderThan.UTC().Format(time.DateOnly))
	}
}
