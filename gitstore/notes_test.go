package gitstore

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestNoteRoundTrip(t *testing.T) {
	dir := makeRepo(t, 3)
	r := mustOpen(t, dir)
	head, _ := r.Resolve("HEAD")
	prev, _ := r.Resolve("HEAD~1")

	n, err := r.Notes("flameiq")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := n.Read(head); got != nil || err != nil {
		t.Fatalf("Read on missing ref = %q, %v", got, err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.AppendNote("flameiq", head, []byte(`{"b":1}`), ""))
	must(r.AppendNote("refs/notes/flameiq", head, []byte("{\"a\":1}\n{\"b\":1}\n"), ""))
	must(r.AppendNotes("flameiq", map[Hash][]byte{prev: []byte("{\"p\":1}\n"), head: []byte("{\"c\":1}\n")}, "custom message"))
	tip := git(t, dir, "rev-parse", "refs/notes/flameiq")
	must(r.AppendNote("flameiq", head, []byte(`{"a":1}`), "")) // nothing new: no commit
	if got := git(t, dir, "rev-parse", "refs/notes/flameiq"); got != tip {
		t.Fatalf("a no-op append moved the ref")
	}

	n, _ = r.Notes("flameiq")
	got, err := n.Read(head)
	must(err)
	if want := "{\"a\":1}\n{\"b\":1}\n{\"c\":1}\n"; string(got) != want {
		t.Fatalf("Read = %q, want %q", got, want)
	}
	if ok, _ := n.Has(prev); !ok {
		t.Fatal("Has(prev) = false")
	}
	if ok, _ := n.Has(mustHash(t, git(t, dir, "rev-parse", "HEAD~2"))); ok {
		t.Fatal("Has(HEAD~2) = true")
	}
	list, err := n.List()
	if err != nil || len(list) != 2 {
		t.Fatalf("List = %v, %v", list, err)
	}
	if msg := git(t, dir, "log", "-1", "--format=%B", "refs/notes/flameiq"); msg != "custom message" {
		t.Fatalf("notes commit message %q", msg)
	}
	if msg := git(t, dir, "log", "-1", "--format=%B%an <%ae>", "refs/notes/flameiq~1"); msg != "Notes added by 'git flameiq record'\nTest Author <author@example.com>" {
		t.Fatalf("notes commit %q", msg)
	}
	if n := git(t, dir, "rev-list", "--count", "refs/notes/flameiq"); n != "3" {
		t.Fatalf("%s notes commits, want 3", n)
	}
	if lines := strings.Count(git(t, dir, "reflog", "show", "refs/notes/flameiq"), "\n") + 1; lines != 3 {
		t.Fatalf("%d reflog entries, want 3", lines)
	}
}

// TestInteropGitReadsOurs: notes we write are what the git CLI reads, and
// git fsck, git log --notes and git notes merge accept them.
func TestInteropGitReadsOurs(t *testing.T) {
	dir := makeRepo(t, 40)
	r := mustOpen(t, dir)
	commits := strings.Fields(git(t, dir, "rev-list", "main"))
	for i, c := range commits {
		if err := r.AppendNote("flameiq", mustHash(t, c), []byte(fmt.Sprintf("{\"i\":%d}\n", i)), ""); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range commits {
		if got := git(t, dir, "notes", "--ref=flameiq", "show", c); got != fmt.Sprintf("{\"i\":%d}", i) {
			t.Fatalf("git notes show %s = %q", c, got)
		}
	}
	log := git(t, dir, "log", "--notes=flameiq", "-1", "--format=%N", commits[0])
	if log != `{"i":0}` {
		t.Fatalf("git log --notes = %q", log)
	}
	git(t, dir, "fsck", "--strict", "--no-progress")

	// Merge a diverged copy with git's cat_sort_uniq: union of lines.
	git(t, dir, "update-ref", "refs/notes/other", "refs/notes/flameiq")
	git(t, dir, "notes", "--ref=other", "append", "-m", `{"z":"other"}`, commits[1])
	if err := r.AppendNote("flameiq", mustHash(t, commits[1]), []byte(`{"y":"ours"}`), ""); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "notes", "--ref=flameiq", "merge", "-q", "-s", "cat_sort_uniq", "refs/notes/other")
	n, _ := r.Notes("flameiq")
	got, _ := n.Read(mustHash(t, commits[1]))
	if want := "{\"i\":1}\n{\"y\":\"ours\"}\n{\"z\":\"other\"}\n"; string(got) != want {
		t.Fatalf("after git notes merge: %q, want %q", got, want)
	}
	git(t, dir, "fsck", "--strict", "--no-progress")
}

// TestInteropSameTreeAsGit adds the same notes with the git CLI in one
// repository and with AppendNote in another: git's fanout heuristic kicks in
// along the way, and the notes trees must be identical after every step.
func TestInteropSameTreeAsGit(t *testing.T) {
	n := 320
	if testing.Short() {
		n = 140
	}
	a := makeRepo(t, n)
	b := filepath.Join(t.TempDir(), "b")
	git(t, a, "clone", "-q", a, b)
	r := mustOpen(t, b)
	commits := strings.Fields(git(t, a, "rev-list", "main"))
	var script bytes.Buffer
	for i, c := range commits {
		// git notes add through one process per note would take seconds;
		// fast-import cannot be used (its fanout rule differs), so drive
		// `git notes add` through a shell loop in one exec.
		fmt.Fprintf(&script, "git notes --ref=flameiq add -m '{\"n\":%d}' %s || exit 1\n", i, c)
		if i%40 == 39 || i == len(commits)-1 {
			if _, err := gitErr(a, nil, "-c", "alias.x=!sh -c \""+strings.ReplaceAll(script.String(), "\"", "\\\"")+"\"", "x"); err != nil {
				t.Fatal(err)
			}
			script.Reset()
		}
		if err := r.AppendNote("flameiq", mustHash(t, c), []byte(fmt.Sprintf("{\"n\":%d}", i)), ""); err != nil {
			t.Fatal(err)
		}
		if i%40 == 39 || i == len(commits)-1 {
			ta := git(t, a, "rev-parse", "refs/notes/flameiq^{tree}")
			tb := git(t, b, "rev-parse", "refs/notes/flameiq^{tree}")
			if ta != tb {
				t.Fatalf("after %d notes: git tree %s, ours %s\ngit:\n%s\nours:\n%s", i+1, ta, tb,
					git(t, a, "ls-tree", ta), git(t, b, "ls-tree", tb))
			}
		}
	}
	top := git(t, a, "ls-tree", "refs/notes/flameiq")
	if !strings.Contains(top, "040000 tree") {
		t.Fatalf("git did not fan out after %d notes:\n%s", n, top)
	}
	git(t, b, "fsck", "--strict", "--no-progress")
}

// TestReadGitFanout reads notes written by the git CLI and by fast-import
// at fanout depths 0, 1 and 2 (the last built by hand).
func TestReadGitFanout(t *testing.T) {
	dir := makeRepo(t, 0)
	fastImport(t, dir, 600, 0, true) // fast-import fans out above 255 notes
	if top := git(t, dir, "ls-tree", "refs/notes/flameiq"); !strings.Contains(top, "040000 tree") {
		t.Fatalf("fast-import did not fan out:\n%s", top[:200])
	}
	git(t, dir, "repack", "-adq")
	r := mustOpen(t, dir)
	n, _ := r.Notes("flameiq")
	commits := strings.Fields(git(t, dir, "rev-list", "main"))
	for i, c := range commits {
		got, err := n.Read(mustHash(t, c))
		if want := fmt.Sprintf("{\"note\":%d}\n", len(commits)-1-i); err != nil || string(got) != want {
			t.Fatalf("Read(%s) = %q, %v; want %q", c, got, err, want)
		}
	}
	if l, _ := n.List(); len(l) != len(commits) {
		t.Fatalf("List: %d notes, want %d", len(l), len(commits))
	}

	// Re-home every note at 2/2/36 and check both git and we read it,
	// then that an append there matches git's own append.
	tree := make(map[string]map[string][]treeEntry)
	for _, c := range commits {
		blob, _, _ := r.lookupNote(n.tree, mustHash(t, c))
		if tree[c[:2]] == nil {
			tree[c[:2]] = map[string][]treeEntry{}
		}
		tree[c[:2]][c[2:4]] = append(tree[c[:2]][c[2:4]], treeEntry{mode: modeBlob, name: c[4:], hash: blob})
	}
	var root []treeEntry
	for _, d1 := range sortedKeys(tree) {
		var mid []treeEntry
		for _, d2 := range sortedKeys(tree[d1]) {
			ents := tree[d1][d2]
			sortEntries(ents)
			h, _ := r.odb.write(objTree, encodeTree(ents))
			mid = append(mid, treeEntry{mode: modeTree, name: d2, hash: h})
		}
		h, _ := r.odb.write(objTree, encodeTree(mid))
		root = append(root, treeEntry{mode: modeTree, name: d1, hash: h})
	}
	rootH, _ := r.odb.write(objTree, encodeTree(root))
	ch := git(t, dir, "commit-tree", "-m", "deep", "-p", "refs/notes/flameiq", rootH.String())
	git(t, dir, "update-ref", "refs/notes/deep", ch)
	git(t, dir, "update-ref", "refs/notes/deep2", ch)
	dn, _ := r.Notes("deep")
	for _, c := range commits[:50] {
		got, _ := dn.Read(mustHash(t, c))
		if want := git(t, dir, "notes", "--ref=deep", "show", c); strings.TrimSpace(string(got)) != want {
			t.Fatalf("deep Read(%s) = %q, git shows %q", c, got, want)
		}
	}
	// The same edit by git and by us gives the same tree: git re-derives
	// the fanout of the rewritten path with its heuristic, and so do we.
	content := fmt.Sprintf("{\"note\":%d}\n{\"x\":1}\n", len(commits)-1-7)
	f := filepath.Join(t.TempDir(), "note")
	os.WriteFile(f, []byte(content), 0o644)
	git(t, dir, "notes", "--ref=deep", "add", "-f", "-F", f, commits[7])
	if err := r.AppendNote("deep2", mustHash(t, commits[7]), []byte("{\"x\":1}\n"), ""); err != nil {
		t.Fatal(err)
	}
	if a, b := git(t, dir, "rev-parse", "refs/notes/deep^{tree}"), git(t, dir, "rev-parse", "refs/notes/deep2^{tree}"); a != b {
		t.Fatalf("edit of a 2/2/36 tree: git wrote %s, we wrote %s", a, b)
	}
	git(t, dir, "fsck", "--strict", "--no-progress")
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

func sortEntries(e []treeEntry) {
	for i := range e {
		for j := i + 1; j < len(e); j++ {
			if e[j].name < e[i].name {
				e[i], e[j] = e[j], e[i]
			}
		}
	}
}

func TestLockTimeout(t *testing.T) {
	dir := makeRepo(t, 1)
	r := mustOpen(t, dir)
	head, _ := r.Resolve("HEAD")
	lock := filepath.Join(dir, ".git", "refs", "notes", "flameiq.lock")
	os.MkdirAll(filepath.Dir(lock), 0o755)
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	old := lockTimeout
	lockTimeout = 50 * 1e6
	defer func() { lockTimeout = old }()
	err := r.AppendNote("flameiq", head, []byte("x"), "")
	var le *LockError
	if !errorsAs(err, &le) || !strings.Contains(err.Error(), lock) {
		t.Fatalf("err = %v, want a LockError naming %s", err, lock)
	}
	os.Remove(lock)
	if err := r.AppendNote("flameiq", head, []byte("x"), ""); err != nil {
		t.Fatal(err)
	}
}

// TestAppendNoteLine: a line streamed into the note's blob
// (AppendNoteLine) makes the note AppendNote makes from the same line in
// memory, wherever it sorts among the lines already there, for a line
// longer than the prefix that sorts it, one that shares that prefix with
// another line, and one already in the note; git reads the blob.
func TestAppendNoteLine(t *testing.T) {
	long := func(prefix string, n int) string { return prefix + strings.Repeat("x", n) }
	existing := "{\"id\":\"b\"}\n{\"id\":\"d\"}\n" + long(`{"id":"f"`, 2*linePrefix) + "\n"
	for _, line := range []string{
		`{"id":"a"}`, `{"id":"c"}`, `{"id":"z"}`,
		long(`{"id":"c"`, 3*linePrefix),             // longer than the prefix
		long(`{"id":"f"`, 3*linePrefix),             // the same prefix as a line there: held in memory
		long(`{"id":"f"`, 2*linePrefix),             // in the note already: nothing changes
		long(`{"id":"g"`, 70000) + "\u00e9" + "end", // blocks of 65535 bytes
	} {
		var want, got string
		for i, streamed := range []bool{false, true} {
			dir := makeRepo(t, 1)
			r := mustOpen(t, dir)
			head, _ := r.Resolve("HEAD")
			if err := r.AppendNote("flameiq", head, []byte(existing), ""); err != nil {
				t.Fatal(err)
			}
			var err error
			if streamed {
				err = r.AppendNoteLine("flameiq", head, Line{Size: int64(len(line)), Write: func(w io.Writer) error {
					_, err := io.WriteString(w, line)
					return err
				}}, "")
			} else {
				err = r.AppendNote("flameiq", head, []byte(line+"\n"), "")
			}
			if err != nil {
				t.Fatal(err)
			}
			note := git(t, dir, "notes", "--ref=flameiq", "show", "HEAD")
			if out, err := exec.Command("git", "-C", dir, "fsck", "--strict").CombinedOutput(); err != nil {
				t.Fatalf("git fsck: %v\n%s", err, out)
			}
			if i == 0 {
				want = note
			} else {
				got = note
			}
		}
		if got != want {
			t.Errorf("line %.20q…: streamed note\n%.200q\nwant\n%.200q", line, got, want)
		}
	}
}

// TestAppendNoteLineSize: a Line that writes another size than it says
// fails and writes nothing.
func TestAppendNoteLineSize(t *testing.T) {
	dir := makeRepo(t, 1)
	r := mustOpen(t, dir)
	head, _ := r.Resolve("HEAD")
	line := strings.Repeat("y", 3*linePrefix)
	err := r.AppendNoteLine("flameiq", head, Line{Size: int64(len(line)) + 1, Write: func(w io.Writer) error {
		_, err := io.WriteString(w, line)
		return err
	}}, "")
	if err == nil || !strings.Contains(err.Error(), "bytes written") {
		t.Fatalf("err = %v", err)
	}
	if out, _ := exec.Command("git", "-C", dir, "rev-parse", "--verify", "-q", "refs/notes/flameiq").Output(); len(out) > 0 {
		t.Fatalf("the notes ref was written: %s", out)
	}
}
