package gitstore

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestGCBesideRecorders: writer processes append records on reachable
// commits while gc runs again and again (each time after adding notes on
// commits that do not exist, which it must remove). Whatever the
// interleaving, every acknowledged record is there at the end, no removed
// note is, and the notes history is one commit after the last gc.
func TestGCBesideRecorders(t *testing.T) {
	writers, per, rounds := 4, 40, 15
	if testing.Short() {
		writers, per, rounds = 2, 15, 5
	}
	dir := makeRepo(t, 9)
	commits := strings.Fields(git(t, dir, "rev-list", "main"))
	wg, errs := startWriters(t, dir, commits, writers, per)
	var garbage []Hash
	gcRun := func(r *Repo) {
		reach, err := r.Reachable(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.GC("flameiq", reach, GCPolicy{}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < rounds; i++ {
		r := mustOpen(t, dir)
		g := testHash(byte(0x10 + i))
		garbage = append(garbage, g)
		if err := r.AppendNote("flameiq", g, []byte(`{"garbage":true}`), ""); err != nil {
			t.Fatal(err)
		}
		gcRun(r)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	r := mustOpen(t, dir)
	gcRun(r)

	n, err := r.Notes("flameiq")
	if err != nil {
		t.Fatal(err)
	}
	count := lineCounts(t, n, commits)
	lost := 0
	for w := 0; w < writers; w++ {
		for i := 0; i < per; i++ {
			if l := fmt.Sprintf("{\"w\":%q,\"i\":%d}", strconv.Itoa(w), i); count[l] != 1 {
				lost++
				t.Errorf("record %s present %d times", l, count[l])
			}
		}
	}
	for _, g := range garbage {
		if ok, _ := n.Has(g); ok {
			t.Errorf("the note of %s (no such commit) survived gc", g)
		}
	}
	if got := git(t, dir, "rev-list", "--count", "refs/notes/flameiq"); got != "1" {
		t.Errorf("notes history after gc: %s commits, want 1", got)
	}
	t.Logf("%d writers × %d records beside %d gc runs: %d lost", writers, per, rounds, lost)
	git(t, dir, "fsck", "--strict", "--no-progress")
}

// TestGCSameTreeAsGit: the squashed tree is the tree `git notes` writes
// for the kept notes (same fanout), plus the pruned list.
func TestGCSameTreeAsGit(t *testing.T) {
	dir := makeRepo(t, 300)
	fastImport(t, dir, 0, 0, false)
	commits := strings.Fields(git(t, dir, "rev-list", "main"))
	r := mustOpen(t, dir)
	adds := map[Hash][]byte{}
	for i, c := range commits {
		adds[mustHash(t, c)] = []byte(fmt.Sprintf(`{"i":%d}`, i))
	}
	adds[testHash(0xee)] = []byte(`{"gone":1}`)
	if err := r.AppendNotes("flameiq", adds, ""); err != nil {
		t.Fatal(err)
	}
	reach, err := r.Reachable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.GC("flameiq", reach, GCPolicy{})
	if err != nil || !res.Changed || len(res.Unreachable) != 1 || res.Kept != len(commits) {
		t.Fatalf("GC = %+v, %v", res, err)
	}
	// git's own tree for the same notes: remove the pruned list and let
	// `git notes` rewrite the tree (copy a note onto itself: -f).
	got := git(t, dir, "ls-tree", "-r", "refs/notes/flameiq")
	if !strings.Contains(got, PrunedFile) {
		t.Fatalf("no %s in the squashed tree", PrunedFile)
	}
	var want bytes.Buffer
	for _, l := range strings.Split(got, "\n") {
		if !strings.HasSuffix(l, "\t"+PrunedFile) {
			want.WriteString(l + "\n")
		}
	}
	git(t, dir, "notes", "--ref=flameiq", "add", "-f", "-m", `{"i":0}`, commits[0])
	after := git(t, dir, "ls-tree", "-r", "refs/notes/flameiq")
	var notes bytes.Buffer
	kept := false
	for _, l := range strings.Split(after, "\n") {
		if strings.HasSuffix(l, "\t"+PrunedFile) {
			kept = true
			continue
		}
		notes.WriteString(l + "\n")
	}
	if !kept {
		t.Errorf("git notes dropped %s", PrunedFile)
	}
	if notes.String() != want.String() {
		t.Fatalf("git rewrote the squashed tree differently:\n%s\nwant\n%s", notes.String(), want.String())
	}
}

// TestGCHeals: a record a stale `git notes` update dropped is restored by
// gc before it squashes (after the squash, the reflog entries holding it
// lie behind an update of ours, where no later write would look).
func TestGCHeals(t *testing.T) {
	dir := makeRepo(t, 3)
	commits := strings.Fields(git(t, dir, "rev-list", "main"))
	r := mustOpen(t, dir)
	ours := mustHash(t, commits[0])
	if err := r.AppendNote("flameiq", ours, []byte(`{"ours":1}`), ""); err != nil {
		t.Fatal(err)
	}
	tip := git(t, dir, "rev-parse", "refs/notes/flameiq")
	empty := git(t, dir, "mktree")
	stale := git(t, dir, "commit-tree", empty, "-p", tip, "-m", "Notes added by 'git notes append'")
	git(t, dir, "update-ref", "-m", "notes: Notes added by 'git notes append'", "refs/notes/flameiq", stale, tip)
	reach, err := r.Reachable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mustOpen(t, dir).GC("flameiq", reach, GCPolicy{}); err != nil {
		t.Fatal(err)
	}
	n, _ := mustOpen(t, dir).Notes("flameiq")
	if got, _ := n.Read(ours); !strings.Contains(string(got), `{"ours":1}`) {
		t.Fatalf("gc lost the record a stale git notes update dropped: %q", got)
	}
}

// TestGCPlumbing: gc and size on the repositories read through git
// plumbing (SHA-256, refs through git update-ref, a partial clone).
func TestGCPlumbing(t *testing.T) {
	for _, k := range plumbingKinds {
		k.run(t, func(t *testing.T) {
			dir := k.make(t, 4)
			r := k.open(t, dir)
			commits := strings.Fields(git(t, dir, "rev-list", "main"))
			for i, c := range commits {
				if err := r.AppendNote("flameiq", mustHash(t, c), []byte(fmt.Sprintf(`{"i":%d}`, i)), ""); err != nil {
					t.Fatal(err)
				}
			}
			gone := Hash{n: uint8(k.hashSize)}
			gone.b[0] = 0xab
			if err := r.AppendNote("flameiq", gone, []byte(`{"gone":1}`), ""); err != nil {
				t.Fatal(err)
			}
			s, err := r.Size("flameiq", 1)
			if err != nil || s.Notes != len(commits)+1 || s.Commits != len(commits)+1 || len(s.Largest) != 1 {
				t.Fatalf("Size = %+v, %v", s, err)
			}
			reach, err := r.Reachable(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.GC("flameiq", reach, GCPolicy{})
			if err != nil || !res.Changed || len(res.Unreachable) != 1 || res.Unreachable[0] != gone || res.Kept != len(commits) {
				t.Fatalf("GC = %+v, %v", res, err)
			}
			if got := git(t, dir, "rev-list", "--count", "refs/notes/flameiq"); got != "1" {
				t.Fatalf("notes history: %s commits", got)
			}
			if got := strings.Count(git(t, dir, "notes", "--ref=flameiq", "list"), "\n") + 1; got != len(commits) {
				t.Fatalf("git notes list: %d notes, want %d", got, len(commits))
			}
			git(t, dir, "fsck", "--strict", "--no-progress")
		})
	}
}

// TestMergePruned: merging a side that has seen a gc with one that has
// not. A note pruned on one side is taken from that side only (the stale
// copy does not come back, a record made there after the gc stays); other
// notes are the union; the merge keeps only the pruned side's history.
func TestMergePruned(t *testing.T) {
	dir := makeRepo(t, 2)
	c1 := mustHash(t, git(t, dir, "rev-parse", "main"))
	gone := testHash(0xab)
	r := mustOpen(t, dir)
	if err := r.AppendNotes("refs/notes/a", map[Hash][]byte{c1: []byte(`{"c1":0}`), gone: []byte(`{"gone":"before"}`)}, ""); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "update-ref", "refs/notes/b", "refs/notes/a")
	reach, err := r.Reachable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.GC("refs/notes/a", reach, GCPolicy{}); err != nil {
		t.Fatal(err)
	}
	// After the gc, side a records on the pruned commit again; side b
	// (stale) records on c1.
	if err := r.AppendNote("refs/notes/a", gone, []byte(`{"gone":"after"}`), ""); err != nil {
		t.Fatal(err)
	}
	if err := r.AppendNote("refs/notes/b", c1, []byte(`{"c1":"b"}`), ""); err != nil {
		t.Fatal(err)
	}
	aTip, _, _ := r.ReadRef("refs/notes/a")
	bTip, _, _ := r.ReadRef("refs/notes/b")
	for _, tc := range []struct{ into, from string }{{"refs/notes/a", "refs/notes/b"}, {"refs/notes/b", "refs/notes/a"}} {
		git(t, dir, "update-ref", "refs/notes/a", aTip.String())
		git(t, dir, "update-ref", "refs/notes/b", bTip.String())
		other, _, _ := r.ReadRef(tc.from)
		if err := mustOpen(t, dir).MergeNotesFrom(tc.into, other); err != nil {
			t.Fatal(err)
		}
		m := mustOpen(t, dir)
		n, _ := m.Notes(tc.into)
		g, _ := n.Read(gone)
		one, _ := n.Read(c1)
		if string(g) != "{\"gone\":\"after\"}\n" {
			t.Errorf("merge into %s: pruned commit's note = %q, want only the record made after the gc", tc.into, g)
		}
		if string(one) != "{\"c1\":\"b\"}\n{\"c1\":0}\n" {
			t.Errorf("merge into %s: c1's note = %q, want the union", tc.into, one)
		}
		tip, _, _ := m.ReadRef(tc.into)
		c, _ := m.Commit(tip)
		if len(c.Parents) != 1 || c.Parents[0] != aTip {
			t.Errorf("merge into %s: parents %v, want only the pruned side's tip %s", tc.into, c.Parents, aTip)
		}
	}
	git(t, dir, "fsck", "--strict", "--no-progress")
}
