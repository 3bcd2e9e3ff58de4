package gitstore

import (
	"fmt"
	"strings"
	"testing"
)

// A `git notes append` that read the notes before our write and committed
// after it drops our line (git does not compare-and-swap). The next write
// of ours restores it, however many git CLI updates came in between: a
// fixed window of 64 reflog entries lost lines under a busy CLI.
func TestHealAfterManyCLIWrites(t *testing.T) {
	dir := makeRepo(t, 3)
	commits := strings.Fields(git(t, dir, "rev-list", "main"))
	r := mustOpen(t, dir)
	ours := mustHash(t, commits[0])
	if err := r.AppendNote("flameiq", ours, []byte(`{"ours":1}`), ""); err != nil {
		t.Fatal(err)
	}
	tip := strings.TrimSpace(git(t, dir, "rev-parse", "refs/notes/flameiq"))
	// The stale CLI update: our tip as parent, a tree from before our write.
	empty := strings.TrimSpace(git(t, dir, "mktree"))
	stale := strings.TrimSpace(git(t, dir, "commit-tree", empty, "-p", tip, "-m", "Notes added by 'git notes append'"))
	git(t, dir, "update-ref", "-m", "notes: Notes added by 'git notes append'", "refs/notes/flameiq", stale, tip)
	for i := 0; i < 80; i++ {
		git(t, dir, "notes", "--ref=flameiq", "append", "-m", fmt.Sprintf(`{"cli":%d}`, i), commits[1])
	}
	if note := git(t, dir, "notes", "--ref=flameiq", "list"); strings.Contains(note, commits[0]) {
		t.Fatal("setup: the stale update did not drop our note")
	}
	r2 := mustOpen(t, dir)
	if err := r2.RepairNotes("flameiq"); err != nil {
		t.Fatal(err)
	}
	n, err := r2.Notes("flameiq")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := n.Read(ours)
	if !strings.Contains(string(got), `{"ours":1}`) {
		t.Fatalf("our line was not restored: %q", got)
	}
	cli, _ := n.Read(mustHash(t, commits[1]))
	if c := strings.Count(string(cli), `{"cli":`); c != 80 {
		t.Fatalf("%d CLI lines after the repair, want 80", c)
	}
	git(t, dir, "fsck", "--strict")
}
