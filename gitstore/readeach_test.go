package gitstore

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
)

// bigNotesRepo makes a repository of n commits, each with a note of about
// size bytes whose numbers differ from note to note in a tenth of their
// places (every third note repeats the one two before it: git stores it as
// a tiny delta), packed by git gc into delta chains. It returns the
// commits, oldest first.
func bigNotesRepo(t testing.TB, n, size int) (string, []Hash) {
	dir := makeRepo(t, 0)
	r := mustOpen(t, dir)
	var commits []Hash
	for i := range n {
		git(t, dir, "commit", "-q", "--allow-empty", "-m", fmt.Sprint("c", i))
		h, _ := r.Resolve("HEAD")
		commits = append(commits, h)
		seed := i
		if i%3 == 2 {
			seed = i - 2
		}
		line := make([]byte, 0, size+32)
		for j := 0; len(line) < size; j++ {
			v := j * 7919 % 100003
			if (j+seed)%10 == 0 {
				v += seed * 13
			}
			line = strconv.AppendInt(append(line, ','), int64(v), 10)
		}
		if err := r.AppendNote("flameiq", h, append(line, '\n'), ""); err != nil {
			t.Fatal(err)
		}
	}
	git(t, dir, "gc", "-q")
	return dir, commits
}

// readEach collects what ReadEach gives for commits.
func readEach(t testing.TB, n *Notes, commits []Hash, workers int) ([][]byte, []error) {
	datas, errs := make([][]byte, len(commits)), make([]error, len(commits))
	var mu sync.Mutex
	calls := 0
	n.ReadEach(commits, workers, func(w, i int, data []byte, err error) {
		if w < 0 || w >= workers {
			t.Errorf("worker %d of %d", w, workers)
		}
		mu.Lock()
		defer mu.Unlock()
		calls++
		if datas[i] != nil || errs[i] != nil {
			t.Errorf("commit %d given twice", i)
		}
		datas[i], errs[i] = bytes.Clone(data), err // data is only lent to fn
	})
	if calls != len(commits) {
		t.Errorf("%d calls for %d commits", calls, len(commits))
	}
	return datas, errs
}

// ReadEach gives what Read gives, note by note (a commit without a note
// included), and inflates every pack entry of the notes' delta chains
// once, where Read rebuilds chains whose bases its cache let go.
func TestReadEachInflatesEachEntryOnce(t *testing.T) {
	const notes, size = 12, 4 << 20
	dir, commits := bigNotesRepo(t, notes, size)
	git(t, dir, "commit", "-q", "--allow-empty", "-m", "no note")
	r := mustOpen(t, dir)
	head, _ := r.Resolve("HEAD")
	commits = append(commits, head)

	// The entries of the chains, counted from the pack.
	n, err := r.Notes("flameiq")
	if err != nil {
		t.Fatal(err)
	}
	entries := map[uint64]bool{}
	for _, it := range n.plan(commits, 2) {
		for _, off := range it.seq {
			entries[off] = true
		}
	}
	deltas := 0
	for _, it := range n.plan(commits, 2) {
		if len(it.seq) > 1 {
			deltas++
		}
	}
	if deltas < notes/2 {
		t.Fatalf("git gc stored %d of %d notes as deltas: the test needs chains", deltas, notes)
	}

	for _, workers := range []int{1, 2, 4} {
		r := mustOpen(t, dir)
		n, _ := r.Notes("flameiq")
		n.plan(commits, 2) // the notes trees, read once and kept: not counted
		before := r.odb.inflates.Load()
		datas, errs := readEach(t, n, commits, workers)
		if got := r.odb.inflates.Load() - before; got != int64(len(entries)) {
			t.Errorf("%d workers: %d pack entries inflated, want %d (each entry of the chains once)", workers, got, len(entries))
		}
		for i, c := range commits {
			want, err := n.Read(c)
			if err != nil || errs[i] != nil || !bytes.Equal(datas[i], want) {
				t.Errorf("%d workers: note %d: %d bytes, %v; Read: %d bytes, %v", workers, i, len(datas[i]), errs[i], len(want), err)
			}
		}
	}
	if datas, errs := readEach(t, n, commits, 2); datas[notes] != nil || errs[notes] != nil {
		t.Errorf("a commit without a note: %q, %v", datas[notes], errs[notes])
	}

}

// A damaged pack entry is an error for the notes built from it, as Read
// says, and the others are read.
func TestReadEachDamagedEntry(t *testing.T) {
	dir, commits := bigNotesRepo(t, 6, 512<<10)
	r := mustOpen(t, dir)
	n, _ := r.Notes("flameiq")
	items := n.plan(commits, 2)
	var victim *planItem
	for k := range items {
		if len(items[k].seq) > 1 {
			victim = &items[k]
			break
		}
	}
	if victim == nil {
		t.Fatal("no delta in the pack")
	}
	off := victim.seq[len(victim.seq)-1]
	h, err := victim.p.header(off)
	if err != nil {
		t.Fatal(err)
	}
	packPath := victim.p.packPath
	data, err := os.ReadFile(packPath)
	if err != nil {
		t.Fatal(err)
	}
	data[h.pos+20] ^= 0xff // inside the delta's zlib stream
	os.Chmod(packPath, 0o644)
	if err := os.WriteFile(packPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := victim.i

	r = mustOpen(t, dir)
	n, _ = r.Notes("flameiq")
	datas, errs := readEach(t, n, commits, 2)
	failed := 0
	for i, c := range commits {
		// The damaged entry, and any note built on it, fail as in Read.
		want, werr := mustOpenNotes(t, dir).Read(c)
		if (errs[i] != nil) != (werr != nil) || werr != nil && errs[i].Error() != werr.Error() {
			t.Errorf("note %d: ReadEach: %v; Read: %v", i, errs[i], werr)
		}
		if werr != nil {
			failed++
			continue
		}
		if !bytes.Equal(datas[i], want) {
			t.Errorf("note %d: %d bytes, Read %d", i, len(datas[i]), len(want))
		}
	}
	if errs[bad] == nil || failed == len(commits) {
		t.Errorf("%d of %d notes failed, the damaged one with %v", failed, len(commits), errs[bad])
	}
}

func mustOpenNotes(t testing.TB, dir string) *Notes {
	n, err := mustOpen(t, dir).Notes("flameiq")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// runsOf keeps a note with the note it is a delta of, up to runMax.
func TestRunsOf(t *testing.T) {
	p := &pack{}
	items := []planItem{
		{p: nil},                      // loose: alone
		{p: p, seq: []uint64{10}},     // a root
		{p: p, seq: []uint64{10, 20}}, // on the root: with it
		{p: p, seq: []uint64{10, 20, 30}},
		{p: p, seq: []uint64{10, 40}}, // a sibling of 20: not on 30
		{p: p, seq: []uint64{10, 40, 50}},
		{p: p, seq: []uint64{10, 40, 50, 60}},
		{p: p, seq: []uint64{10, 40, 50, 60, 70}},
		{p: p, seq: []uint64{10, 40, 50, 60, 70, 80}}, // a fifth in a chain: next run
	}
	got := fmt.Sprint(runsOf(items))
	if want := "[0 1 4 8 9]"; got != want {
		t.Errorf("runsOf = %s, want %s", got, want)
	}
}
