// Command benchcmd drives the gitstore code paths that `git flameiq record`
// and `git flameiq diff` use, for scripts/bench.sh to time against the git
// CLI doing the same work.
//
//	benchcmd record DIR REV   Open + Resolve + AppendNote (one new line)
//	benchcmd diff DIR HEAD BASE
//	                          Open + Resolve ×2 + MergeBase + two note reads
package main

import (
	"fmt"
	"os"

	"github.com/flameiq/git-flameiq/gitstore"
	_ "github.com/flameiq/git-flameiq/internal/hugeheap" // as the CLI does
	"github.com/flameiq/git-flameiq/snapshot"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchcmd:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 3 {
		return fmt.Errorf("usage: benchcmd record DIR REV | diff DIR HEAD BASE")
	}
	r, err := gitstore.Open(args[1])
	if err != nil {
		return err
	}
	switch args[0] {
	case "record":
		h, err := r.Resolve(args[2])
		if err != nil {
			return err
		}
		line := fmt.Sprintf(`{"id":%q,"schema":"flameiq/1"}`, snapshot.NewID())
		return r.AppendNote(gitstore.DefaultNotesRef, h, []byte(line), "")
	case "diff":
		if len(args) < 4 {
			return fmt.Errorf("diff needs HEAD and BASE")
		}
		head, err := r.Resolve(args[2])
		if err != nil {
			return err
		}
		base, err := r.Resolve(args[3])
		if err != nil {
			return err
		}
		mb, err := r.MergeBase(head, base)
		if err != nil {
			return err
		}
		n, err := r.Notes(gitstore.DefaultNotesRef)
		if err != nil {
			return err
		}
		a, err := n.Read(head)
		if err != nil {
			return err
		}
		b, err := n.Read(mb)
		if err != nil {
			return err
		}
		if a == nil || b == nil {
			return fmt.Errorf("missing note (head %d bytes, base %d bytes)", len(a), len(b))
		}
		return nil
	}
	return fmt.Errorf("unknown command %q", args[0])
}
