package gitstore

// Hostile repository states (issue 9, item 4), built with the git CLI in
// real temporary repositories (TestMain isolates HOME and the system config
// and sets the identity): corrupt notes written by hand, a notes ref that
// points at a blob or a tree, a notes tree holding non-note entries, and an
// empty notes tree.

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

const hostileRef = "refs/notes/flameiq"

func validRecord(t *testing.T, key string, v float64) []byte {
	t.Helper()
	s := &snapshot.Snapshot{}
	s.Add(key, "sec/op", snapshot.LowerIsBetter, v, v*1.01, v*0.99, v)
	line, err := snapshot.EncodeRecord(s, "rec-"+key)
	if err != nil {
		t.Fatal(err)
	}
	return line
}

func noPanicGit(t *testing.T, label string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s: panic: %v", label, r)
		}
	}()
	f()
}

func TestHandWrittenCorruptNote(t *testing.T) {
	dir := makeRepo(t, 3)
	c1 := git(t, dir, "rev-parse", "main~2")
	c2 := git(t, dir, "rev-parse", "main~1")
	c3 := git(t, dir, "rev-parse", "main")
	good := validRecord(t, "Work-2:sec/op", 4e-5)
	git(t, dir, "notes", "--ref=flameiq", "add", "-m", "not json", c1)
	git(t, dir, "notes", "--ref=flameiq", "add", "-m", string(good), c2)
	// A mixed note: garbage, a good record, a record of another schema.
	mixed := "garbage {\n" + string(validRecord(t, "Other-2:sec/op", 1e-3)) + "\n" + `{"schema":"flameiq/v99","metrics":{}}` + "\n"
	git(t, dir, "notes", "--ref=flameiq", "add", "-m", mixed, c3)

	r := mustOpen(t, dir)
	var n *Notes
	noPanicGit(t, "Notes", func() {
		var err error
		if n, err = r.Notes(hostileRef); err != nil {
			t.Fatalf("Notes: %v", err)
		}
	})
	keys, err := n.List()
	if err != nil || len(keys) != 3 {
		t.Fatalf("List: %v, %v; want 3 notes", keys, err)
	}

	// gitstore returns bytes: the corrupt note reads as what was written.
	bad, err := n.Read(mustHash(t, c1))
	if err != nil || strings.TrimSpace(string(bad)) != "not json" {
		t.Fatalf("Read(corrupt) = %q, %v", bad, err)
	}
	recs, errs := snapshot.DecodeNote(bad, nil)
	if len(recs) != 0 || len(errs) != 1 {
		t.Fatalf("DecodeNote(corrupt): %d records, errors %v; want 0 and one error", len(recs), errs)
	}
	var le *snapshot.LineError
	if !errors.As(errs[0], &le) || le.Line != 1 {
		t.Errorf("DecodeNote(corrupt): error %v, want a LineError on line 1", errs[0])
	}

	// The good note on the next commit is unaffected.
	ok, err := n.Read(mustHash(t, c2))
	if err != nil {
		t.Fatal(err)
	}
	recs, errs = snapshot.DecodeNote(ok, nil)
	if len(errs) != 0 || len(recs) != 1 || recs[0].Snapshot.Get("Work-2:sec/op") == nil {
		t.Fatalf("good note: %d records, errors %v", len(recs), errs)
	}

	// Mixed: the good line is kept, the two bad lines are reported by number.
	m, err := n.Read(mustHash(t, c3))
	if err != nil {
		t.Fatal(err)
	}
	recs, errs = snapshot.DecodeNote(m, nil)
	if len(recs) != 1 || recs[0].Snapshot.Get("Other-2:sec/op") == nil {
		t.Errorf("mixed note: records %+v, want the one good record", recs)
	}
	var lines []int
	for _, e := range errs {
		if errors.As(e, &le) {
			lines = append(lines, le.Line)
		}
	}
	if fmt.Sprint(lines) != "[1 3]" {
		t.Errorf("mixed note: bad lines %v (errors %v), want [1 3]", lines, errs)
	}
	for _, e := range errs {
		t.Logf("mixed note: %v", e)
	}

	// Appending to a commit with a corrupt note keeps the corrupt line
	// (it is the user's data) and adds the new one.
	if err := r.AppendNote(hostileRef, mustHash(t, c1), good, "append"); err != nil {
		t.Fatalf("AppendNote onto a corrupt note: %v", err)
	}
	n2, err := mustOpen(t, dir).Notes(hostileRef)
	if err != nil {
		t.Fatal(err)
	}
	after, err := n2.Read(mustHash(t, c1))
	if err != nil {
		t.Fatal(err)
	}
	recs, errs = snapshot.DecodeNote(after, nil)
	if len(recs) != 1 || len(errs) != 1 || !strings.Contains(string(after), "not json") {
		t.Errorf("after append: %q (%d records, %d errors)", after, len(recs), len(errs))
	}
	if out, err := gitErr(dir, nil, "fsck", "--no-progress"); err != nil {
		t.Errorf("git fsck: %v %s", err, out)
	}
}

func TestNotesRefAtNonCommit(t *testing.T) {
	for _, kind := range []string{"blob", "tree"} {
		t.Run(kind, func(t *testing.T) {
			dir := makeRepo(t, 2)
			head := git(t, dir, "rev-parse", "main")
			var obj string
			if kind == "blob" {
				obj, _ = gitErr(dir, []byte("not a notes commit\n"), "hash-object", "-w", "--stdin")
			} else {
				obj = git(t, dir, "rev-parse", "main^{tree}")
			}
			git(t, dir, "update-ref", hostileRef, obj)

			r := mustOpen(t, dir)
			noPanicGit(t, "Notes", func() {
				n, err := r.Notes(hostileRef)
				if err == nil {
					t.Fatalf("Notes() on a ref pointing at a %s: no error (tip %v)", kind, n.Tip())
				}
				t.Logf("Notes: %v", err)
				if !strings.Contains(err.Error(), hostileRef) {
					t.Errorf("error does not name the ref: %v", err)
				}
			})
			// A write must refuse too, and leave the ref as it was.
			noPanicGit(t, "AppendNote", func() {
				err := r.AppendNote(hostileRef, mustHash(t, head), validRecord(t, "X:sec/op", 1), "append")
				if err == nil {
					t.Errorf("AppendNote over a %s ref succeeded", kind)
				} else {
					t.Logf("AppendNote: %v", err)
				}
			})
			if got := git(t, dir, "rev-parse", hostileRef); got != obj {
				t.Errorf("ref moved from %s to %s", obj, got)
			}
			// Other refs of the repository stay usable.
			if _, err := r.Resolve("main"); err != nil {
				t.Errorf("Resolve(main): %v", err)
			}
		})
	}
}

func TestNotesTreeWithNonNoteEntries(t *testing.T) {
	dir := makeRepo(t, 2)
	c1 := git(t, dir, "rev-parse", "main~1")
	c2 := git(t, dir, "rev-parse", "main")
	note, _ := gitErr(dir, validRecord(t, "A:sec/op", 2), "hash-object", "-w", "--stdin")
	readme, _ := gitErr(dir, []byte("hand-made notes tree\n"), "hash-object", "-w", "--stdin")
	sub, _ := gitErr(dir, []byte("100644 blob "+readme+"\tinner\n"), "mktree")
	// A note, a README, a non-hex directory and a hex-looking file of the
	// wrong length.
	entries := "100644 blob " + note + "\t" + c1 + "\n" +
		"100644 blob " + readme + "\tREADME\n" +
		"040000 tree " + sub + "\tzz-not-fanout\n" +
		"100644 blob " + readme + "\tabcdef\n"
	tree, err := gitErr(dir, []byte(entries), "mktree")
	if err != nil {
		t.Fatal(err)
	}
	commit := git(t, dir, "commit-tree", tree, "-m", "hand-made notes")
	git(t, dir, "update-ref", hostileRef, commit)

	r := mustOpen(t, dir)
	n, err := r.Notes(hostileRef)
	if err != nil {
		t.Fatalf("Notes: %v", err)
	}
	keys, err := n.List()
	if err != nil || len(keys) != 1 || keys[0].String() != c1 {
		t.Fatalf("List = %v, %v; want only %s", keys, err, c1)
	}
	b, err := n.Read(mustHash(t, c1))
	if err != nil || len(b) == 0 {
		t.Fatalf("Read(%s) = %q, %v", c1, b, err)
	}
	if b, err := n.Read(mustHash(t, c2)); err != nil || b != nil {
		t.Fatalf("Read(no note) = %q, %v", b, err)
	}
	// git agrees on what is a note.
	if got := git(t, dir, "notes", "--ref=flameiq", "list"); got != note+" "+c1 {
		t.Logf("git notes list: %q", got)
	}
	// Appending keeps the entries that are not notes (git's notes.c does).
	if err := r.AppendNote(hostileRef, mustHash(t, c2), validRecord(t, "B:sec/op", 3), "append"); err != nil {
		t.Fatalf("AppendNote: %v", err)
	}
	ls := git(t, dir, "ls-tree", "--name-only", hostileRef)
	for _, want := range []string{"README", "zz-not-fanout", "abcdef", c1, c2} {
		if !strings.Contains(ls, want) {
			t.Errorf("after append, the notes tree lost %q:\n%s", want, ls)
		}
	}
}

func TestEmptyNotesTree(t *testing.T) {
	dir := makeRepo(t, 1)
	c1 := git(t, dir, "rev-parse", "main")
	tree, err := gitErr(dir, []byte{}, "mktree")
	if err != nil {
		t.Fatal(err)
	}
	commit := git(t, dir, "commit-tree", tree, "-m", "empty notes")
	git(t, dir, "update-ref", hostileRef, commit)

	r := mustOpen(t, dir)
	n, err := r.Notes(hostileRef)
	if err != nil {
		t.Fatalf("Notes: %v", err)
	}
	if keys, err := n.List(); err != nil || len(keys) != 0 {
		t.Fatalf("List = %v, %v; want none", keys, err)
	}
	if b, err := n.Read(mustHash(t, c1)); err != nil || b != nil {
		t.Fatalf("Read = %q, %v; want nil, nil", b, err)
	}
	if ok, err := n.Has(mustHash(t, c1)); err != nil || ok {
		t.Fatalf("Has = %v, %v", ok, err)
	}
	if err := r.AppendNote(hostileRef, mustHash(t, c1), validRecord(t, "A:sec/op", 1), "first"); err != nil {
		t.Fatalf("AppendNote on an empty notes tree: %v", err)
	}
	if got := git(t, dir, "notes", "--ref=flameiq", "show", c1); !strings.Contains(got, `"A:sec/op"`) {
		t.Errorf("git notes show: %q", got)
	}
}
