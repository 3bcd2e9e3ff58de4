package gitstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// makeRepoSHA256 is makeRepo for a repository whose objects are named by
// SHA-256 (git init --object-format=sha256): Open reads it through git
// plumbing.
func makeRepoSHA256(t testing.TB, n int) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main", "--object-format=sha256")
	if n > 0 {
		fastImport(t, dir, n, 0, false)
	}
	return dir
}

// makeRepoPartialClone is a SHA-1 repository whose objects Open reads
// through git: extensions.partialClone (git fetches a promisor remote's
// missing objects on demand, which the in-process reader cannot).
func makeRepoPartialClone(t testing.TB, n int) string {
	t.Helper()
	dir := makeRepo(t, n)
	git(t, dir, "config", "core.repositoryFormatVersion", "1")
	git(t, dir, "config", "extensions.partialClone", "origin")
	return dir
}

// makeRepoUnknownExtension is a SHA-1 repository with an extension nobody
// knows: in a version-0 repository git ignores it, and Open sends both
// objects and refs through git (whose update-ref does the swap).
func makeRepoUnknownExtension(t testing.TB, n int) string {
	t.Helper()
	dir := makeRepo(t, n)
	git(t, dir, "config", "extensions.frobnicate", "yes")
	return dir
}

// plumbingKind is a repository the plumbing backend tests run on.
type plumbingKind struct {
	name     string
	make     func(testing.TB, int) string
	hashSize int
	gitRefs  bool // refs through git too (forced for SHA-256: see forceGitRefs)
}

var plumbingKinds = []plumbingKind{
	{"sha256", makeRepoSHA256, sha256Size, false},
	{"sha256-gitrefs", makeRepoSHA256, sha256Size, true},
	{"sha1-unknown-extension", makeRepoUnknownExtension, sha1Size, true},
	{"sha1-partialclone", makeRepoPartialClone, sha1Size, false},
}

// run runs f as a subtest named after the kind, with forceGitRefs set
// when the kind needs it.
func (k plumbingKind) run(t *testing.T, f func(t *testing.T)) {
	t.Run(k.name, func(t *testing.T) {
		if k.gitRefs && k.hashSize == sha256Size {
			forceGitRefs = true
			defer func() { forceGitRefs = false }()
		}
		f(t)
	})
}

// open opens dir and checks it is on the backend this kind is about.
func (k plumbingKind) open(t *testing.T, dir string) *Repo {
	t.Helper()
	r := mustOpen(t, dir)
	if r.git == nil || !r.git.objects || r.gitRefs() != k.gitRefs || r.hashSize != k.hashSize {
		t.Fatalf("%s: Plumbing() = %q, hashSize %d", k.name, r.Plumbing(), r.hashSize)
	}
	return r
}

// TestRepoFormat: which configurations the in-process reader takes and
// which go to git plumbing. git 2.39 (this machine's) cannot create a
// reftable repository (`git init --ref-format` came in 2.45), so the
// reftable case is covered here, from the configuration alone.
func TestRepoFormat(t *testing.T) {
	const v1 = "[core]\n\trepositoryformatversion = 1\n"
	for _, c := range []struct {
		name, config  string
		objects, refs bool
		why           string
	}{
		{"plain v0", "[core]\n\trepositoryformatversion = 0\n", false, false, ""},
		{"no core section", "", false, false, ""},
		{"sha1 explicit", v1 + "[extensions]\n\tobjectFormat = sha1\n", false, false, ""},
		{"sha1 upper case", v1 + "[extensions]\n\tobjectformat = SHA1\n", false, false, ""},
		{"sha256", v1 + "[extensions]\n\tobjectformat = sha256\n", true, false, "extensions.objectFormat = sha256"},
		{"reftable", v1 + "[extensions]\n\trefStorage = reftable\n", false, true, "extensions.refStorage = reftable"},
		{"reftable, other spelling", v1 + "[Extensions]\n\tREFSTORAGE = reftable\n", false, true, "extensions.refStorage = reftable"},
		{"files ref storage", v1 + "[extensions]\n\trefstorage = files\n", false, false, ""},
		{"sha256 and reftable", v1 + "[extensions]\n\tobjectFormat = sha256\n\trefStorage = reftable\n", true, true,
			"extensions.objectFormat = sha256, extensions.refStorage = reftable"},
		{"harmless extensions", v1 + "[extensions]\n\tnoop = x\n\tpreciousObjects = true\n\tworktreeConfig = true\n", false, false, ""},
		{"partial clone", v1 + "[extensions]\n\tpartialClone = origin\n", true, false, "extensions.partialClone = origin"},
		{"unknown extension", v1 + "[extensions]\n\tfrobnicate = yes\n", true, true, "extensions.frobnicate = yes"},
		{"unknown extension, one-line section", "[extensions] compatObjectFormat = sha1\n", true, true, "extensions.compatobjectformat = sha1"},
		{"unknown extension without a value", "[extensions]\n\tnewThing\n", true, true, "extensions.newthing = true"},
		{"future format version", "[core]\n\trepositoryformatversion = 2\n", true, true, "core.repositoryFormatVersion = 2"},
		{"extension-like keys elsewhere", "[core]\n\textensions = 1\n[extensionsx]\n\ta = b\n[x \"extensions\"]\n\tb = c\n", false, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config")
			if err := os.WriteFile(p, []byte(c.config), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg := gitConfig{}
			cfg.readFile(p)
			want := repoFormatInfo{objects: c.objects, refs: c.refs, why: c.why}
			if got := repoFormat(cfg); got != want {
				t.Fatalf("repoFormat = %+v, want %+v", got, want)
			}
		})
	}
}

// TestOpenBackend: Open reads SHA-1 repositories in-process and everything
// else through git; a repository git itself refuses fails with git's
// message in a *GitError.
func TestOpenBackend(t *testing.T) {
	r := mustOpen(t, makeRepoSHA256(t, 1))
	if r.Plumbing() != "objects through git (extensions.objectFormat = sha256)" || r.hashSize != sha256Size || r.odb.disk != nil || r.gitRefs() {
		t.Fatalf("sha256: Plumbing() = %q, hashSize %d", r.Plumbing(), r.hashSize)
	}
	h, err := r.Resolve("HEAD")
	if err != nil || len(h.String()) != 64 {
		t.Fatalf("Resolve(HEAD) = %s, %v", h, err)
	}

	sha1 := makeRepo(t, 1)
	git(t, sha1, "config", "core.repositoryFormatVersion", "1")
	git(t, sha1, "config", "extensions.objectFormat", "sha1")
	if r := mustOpen(t, sha1); r.Plumbing() != "" || r.hashSize != sha1Size {
		t.Fatalf("objectFormat = sha1: Plumbing() = %q", r.Plumbing())
	}

	if r := mustOpen(t, makeRepoPartialClone(t, 1)); r.Plumbing() != "objects through git (extensions.partialClone = origin)" || r.hashSize != sha1Size {
		t.Fatalf("partial clone: Plumbing() = %q, hashSize %d", r.Plumbing(), r.hashSize)
	}
	if r := mustOpen(t, makeRepoUnknownExtension(t, 1)); r.Plumbing() != "objects and refs through git (extensions.frobnicate = yes)" {
		t.Fatalf("unknown extension: Plumbing() = %q", r.Plumbing())
	}

	// An extension git 2.39 does not know either: git's refusal, verbatim.
	bad := makeRepo(t, 1)
	git(t, bad, "config", "core.repositoryFormatVersion", "1")
	git(t, bad, "config", "extensions.frobnicate", "yes")
	_, err = Open(bad)
	var ge *GitError
	if !errors.As(err, &ge) || !strings.Contains(ge.Stderr, "frobnicate") {
		t.Fatalf("Open(unknown extension) = %v, want a GitError with git's message", err)
	}

	// A reftable configuration: a git that has reftable (2.45+) reads it
	// through plumbing; an older one refuses it, and so do we.
	rt := makeRepo(t, 1)
	git(t, rt, "config", "core.repositoryFormatVersion", "1")
	git(t, rt, "config", "extensions.refStorage", "reftable")
	if r, err := Open(rt); err == nil {
		if r.Plumbing() != "refs through git (extensions.refStorage = reftable)" {
			t.Fatalf("reftable: Plumbing() = %q", r.Plumbing())
		}
	} else if !errors.As(err, &ge) || ge.Stderr == "" {
		t.Fatalf("Open(reftable) = %v, want plumbing or git's refusal", err)
	}
}

// TestPlumbingHistory: revisions, commits and history walks on the
// plumbing backend give what git gives.
func TestPlumbingHistory(t *testing.T) {
	for _, k := range plumbingKinds {
		k.run(t, func(t *testing.T) {
			dir := k.make(t, 6)
			git(t, dir, "tag", "-a", "-m", "annotated", "v1", "HEAD~2")
			git(t, dir, "checkout", "-q", "-b", "feature", "main~3")
			f1 := commitFile(t, dir, "f.txt", "1", "feature 1")
			commitFile(t, dir, "f.txt", "2", "feature 2")
			git(t, dir, "checkout", "-q", "main")
			merge := commitFile(t, dir, "m.txt", "m", "on main")
			git(t, dir, "merge", "-q", "--no-ff", "-m", "merge feature", "feature")
			r := k.open(t, dir)
			for _, rev := range []string{"HEAD", "@", "main", "main~1", "HEAD^2", "HEAD~2^{commit}", "v1", "v1^{}", "feature",
				"refs/heads/feature", git(t, dir, "rev-parse", "--short=9", "HEAD~3"), git(t, dir, "rev-parse", "HEAD~4")} {
				want := git(t, dir, "rev-parse", rev+"^{commit}")
				h, err := r.Resolve(rev)
				if err != nil || h.String() != want {
					t.Fatalf("Resolve(%s) = %s, %v; want %s", rev, h, err, want)
				}
				if len(want) != 2*k.hashSize {
					t.Fatalf("git printed %q for a %d-byte format", want, k.hashSize)
				}
			}
			if h, err := r.Resolve("~1"); err != nil || h.String() != git(t, dir, "rev-parse", "HEAD~1") {
				t.Fatalf("Resolve(~1) = %s, %v", h, err)
			}
			for _, rev := range []string{"nosuch", "HEAD~40", "-h", "--all", "main^{tree}"} {
				if _, err := r.Resolve(rev); !errors.Is(err, ErrUnknownRev) {
					t.Fatalf("Resolve(%q) = %v, want ErrUnknownRev", rev, err)
				}
			}
			head, _ := r.Resolve("HEAD")
			c, err := r.Commit(head)
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject() != "merge feature" || len(c.Parents) != 2 || c.Tree.String() != git(t, dir, "rev-parse", "HEAD^{tree}") ||
				c.Author.Email != "author@example.com" || c.Parents[1].String() != git(t, dir, "rev-parse", "feature") {
				t.Fatalf("Commit = %+v", c)
			}
			fp, err := r.FirstParent(head, 0)
			if err != nil || len(fp) != 8 || fp[1].Hash != merge {
				t.Fatalf("FirstParent: %d commits, %v", len(fp), err)
			}
			feat, _ := r.Resolve("feature")
			mb, err := r.MergeBase(feat, merge)
			if err != nil || mb.String() != git(t, dir, "merge-base", "feature", merge.String()) {
				t.Fatalf("MergeBase = %s, %v", mb, err)
			}
			rg, err := r.Range(mb, feat, 0)
			if err != nil || len(rg) != 2 || rg[1].Hash != f1 {
				t.Fatalf("Range = %d commits, %v", len(rg), err)
			}
			if b := r.CurrentBranch(); b != "main" {
				t.Fatalf("CurrentBranch = %q", b)
			}
			git(t, dir, "update-ref", "refs/remotes/origin/main", "main")
			git(t, dir, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
			if b := r.DefaultBranch("origin"); b != "refs/remotes/origin/main" {
				t.Fatalf("DefaultBranch = %q", b)
			}
			if r.IsShallow() {
				t.Fatal("IsShallow")
			}
			if got, ok, err := r.ReadRef("refs/heads/feature"); !ok || err != nil || got != feat {
				t.Fatalf("ReadRef = %s %v %v", got, ok, err)
			}
			if _, ok, err := r.ReadRef("refs/heads/nosuch"); ok || err != nil {
				t.Fatalf("ReadRef(missing) = %v, %v", ok, err)
			}
			git(t, dir, "checkout", "-q", "--detach")
			if b := r.CurrentBranch(); b != "" {
				t.Fatalf("CurrentBranch on a detached HEAD = %q", b)
			}
			wt, cleanup, err := r.AddWorktree(context.Background(), feat)
			if err != nil {
				t.Fatal(err)
			}
			if got := git(t, wt, "rev-parse", "HEAD"); got != feat.String() {
				t.Fatalf("worktree at %s, want %s", got, feat)
			}
			cleanup()
			if _, err := os.Stat(wt); !os.IsNotExist(err) {
				t.Fatalf("worktree left behind: %v", err)
			}
		})
	}
}

// TestPlumbingNotes: notes written on the plumbing backend read back, are
// what git reads (git notes show, git log --notes, git fsck --strict), and
// merge and heal as on the in-process path.
func TestPlumbingNotes(t *testing.T) {
	for _, k := range plumbingKinds {
		k.run(t, func(t *testing.T) {
			dir := k.make(t, 4)
			r := k.open(t, dir)
			r.CacheReads()
			head, _ := r.Resolve("HEAD")
			prev, _ := r.Resolve("HEAD~1")
			n, err := r.Notes("flameiq")
			if err != nil {
				t.Fatal(err)
			}
			if got, err := n.Read(head); got != nil || err != nil || !n.Tip().IsZero() {
				t.Fatalf("Read on a missing ref = %q, %v", got, err)
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
			must(r.AppendNote("flameiq", head, []byte(`{"a":1}`), "")) // nothing new
			if got := git(t, dir, "rev-parse", "refs/notes/flameiq"); got != tip {
				t.Fatal("a no-op append moved the ref")
			}
			n, _ = r.Notes("flameiq")
			if n.Tip().String() != tip {
				t.Fatalf("Tip = %s, want %s", n.Tip(), tip)
			}
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
			if l, err := n.List(); err != nil || len(l) != 2 {
				t.Fatalf("List = %v, %v", l, err)
			}
			if got := git(t, dir, "notes", "--ref=flameiq", "show", head.String()); got != "{\"a\":1}\n{\"b\":1}\n{\"c\":1}" {
				t.Fatalf("git notes show = %q", got)
			}
			if got := git(t, dir, "log", "-1", "--format=%N", "--notes=flameiq", prev.String()); got != `{"p":1}` {
				t.Fatalf("git log --notes = %q", got)
			}
			if msg := git(t, dir, "log", "-1", "--format=%B", "refs/notes/flameiq"); msg != "custom message" {
				t.Fatalf("notes commit message %q", msg)
			}
			if msg := git(t, dir, "log", "-1", "--format=%B%an <%ae>", "refs/notes/flameiq~1"); msg != "Notes added by 'git flameiq record'\nTest Author <author@example.com>" {
				t.Fatalf("notes commit %q", msg)
			}
			if c := git(t, dir, "rev-list", "--count", "refs/notes/flameiq"); c != "3" {
				t.Fatalf("%s notes commits, want 3", c)
			}
			if rl := git(t, dir, "reflog", "show", "--format=%gs", "refs/notes/flameiq"); rl != "flameiq: custom message\nflameiq: Notes added by 'git flameiq record'\nflameiq: Notes added by 'git flameiq record'" {
				t.Fatalf("reflog:\n%s", rl)
			}
			git(t, dir, "fsck", "--strict", "--no-progress")
			if err := r.FlushCache(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dir, ".git", "flameiq", "objcache")); !os.IsNotExist(err) {
				t.Fatalf("object cache written on the plumbing backend: %v", err)
			}

			// MergeNotesFrom: a diverged copy changed by git merges as a union.
			git(t, dir, "update-ref", "refs/notes/other", "refs/notes/flameiq")
			git(t, dir, "notes", "--ref=other", "append", "-m", `{"z":"other"}`, prev.String())
			must(r.AppendNote("flameiq", prev, []byte(`{"y":"ours"}`), ""))
			other, _, _ := r.ReadRef("refs/notes/other")
			must(r.MergeNotesFrom("flameiq", other))
			n, _ = r.Notes("flameiq")
			got, _ = n.Read(prev)
			if want := "{\"p\":1}\n{\"y\":\"ours\"}\n{\"z\":\"other\"}\n"; string(got) != want {
				t.Fatalf("after MergeNotesFrom: %q, want %q", got, want)
			}
			if ps := git(t, dir, "log", "-1", "--format=%P", "refs/notes/flameiq"); !strings.Contains(ps, other.String()) {
				t.Fatalf("merge commit parents %q lack %s", ps, other)
			}
			must(r.MergeNotesFrom("flameiq", other)) // already merged: nothing to do
			git(t, dir, "fsck", "--strict", "--no-progress")

			// heal: a `git notes add` that raced us dropped our line; the next
			// write of ours restores it from the reflog.
			cur := git(t, dir, "rev-parse", "refs/notes/flameiq")
			must(r.AppendNote("flameiq", head, []byte(`{"ours":2}`), ""))
			ours := git(t, dir, "rev-parse", "refs/notes/flameiq")
			stale := git(t, dir, "commit-tree", cur+"^{tree}", "-p", ours, "-m", "Notes added by 'git notes add'")
			git(t, dir, "update-ref", "-m", "notes: Notes added by 'git notes add'", "refs/notes/flameiq", stale, ours)
			if s := git(t, dir, "notes", "--ref=flameiq", "show", head.String()); strings.Contains(s, "ours") {
				t.Fatal("setup: the stale update did not drop our line")
			}
			must(r.RepairNotes("flameiq"))
			if s := git(t, dir, "notes", "--ref=flameiq", "show", head.String()); !strings.Contains(s, `{"ours":2}`) {
				t.Fatalf("our line was not restored: %q", s)
			}
			git(t, dir, "fsck", "--strict", "--no-progress")
		})
	}
}

// TestPlumbingSameTreeAsGit: on a SHA-256 repository the notes trees we
// write are git's own, byte for byte, through the fanout git adds as the
// notes grow (64-digit names, so different path lengths than SHA-1).
func TestPlumbingSameTreeAsGit(t *testing.T) {
	n := 140
	if testing.Short() {
		n = 60
	}
	a := makeRepoSHA256(t, n)
	b := filepath.Join(t.TempDir(), "b")
	git(t, a, "clone", "-q", a, b)
	r := mustOpen(t, b)
	commits := strings.Fields(git(t, a, "rev-list", "main"))
	var script bytes.Buffer
	for i, c := range commits {
		fmt.Fprintf(&script, "git notes --ref=flameiq add -m '{\"n\":%d}' %s || exit 1\n", i, c)
		if err := r.AppendNote("flameiq", mustHash(t, c), []byte(fmt.Sprintf("{\"n\":%d}", i)), ""); err != nil {
			t.Fatal(err)
		}
		if i%20 == 19 || i == len(commits)-1 {
			if _, err := gitErr(a, nil, "-c", "alias.x=!sh -c \""+strings.ReplaceAll(script.String(), "\"", "\\\"")+"\"", "x"); err != nil {
				t.Fatal(err)
			}
			script.Reset()
			ta := git(t, a, "rev-parse", "refs/notes/flameiq^{tree}")
			tb := git(t, b, "rev-parse", "refs/notes/flameiq^{tree}")
			if ta != tb {
				t.Fatalf("after %d notes: git tree %s, ours %s\ngit:\n%s\nours:\n%s", i+1, ta, tb,
					git(t, a, "ls-tree", ta), git(t, b, "ls-tree", tb))
			}
		}
	}
	if !testing.Short() {
		if top := git(t, a, "ls-tree", "refs/notes/flameiq"); !strings.Contains(top, "040000 tree") {
			t.Fatalf("git did not fan out after %d notes:\n%s", n, top)
		}
	}
	// Every note reads back, at whatever depth it sits.
	nt, _ := mustOpen(t, b).Notes("flameiq")
	for i, c := range commits {
		got, err := nt.Read(mustHash(t, c))
		if want := fmt.Sprintf("{\"n\":%d}\n", i); err != nil || string(got) != want {
			t.Fatalf("Read(%s) = %q, %v; want %q", c, got, err, want)
		}
	}
	git(t, b, "fsck", "--strict", "--no-progress")
}

// TestPlumbingConcurrentGoroutines: goroutines appending through one
// shared Repo and through Repos of their own lose no line.
func TestPlumbingConcurrentGoroutines(t *testing.T) {
	for _, k := range plumbingKinds {
		k.run(t, func(t *testing.T) { concurrentGoroutines(t, k) })
	}
}

func concurrentGoroutines(t *testing.T, k plumbingKind) {
	dir := k.make(t, 6)
	commits := strings.Fields(git(t, dir, "rev-list", "main"))
	extra := mustHash(t, commits[5]) // AppendNotes' second commit
	shared := k.open(t, dir)
	workers, per := 6, 8
	var wg sync.WaitGroup
	errs := make(chan error, workers+2)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := shared
			if w%2 == 1 {
				var err error
				if r, err = Open(dir); err != nil {
					errs <- err
					return
				}
			}
			for i := 0; i < per; i++ {
				c := commits[0]
				if i%2 == 1 {
					c = commits[1+w%4]
				}
				h, _ := ParseHash(c)
				line := fmt.Sprintf("{\"w\":%d,\"i\":%d}", w, i)
				if i%3 == 2 { // several commits in one notes commit
					also := fmt.Sprintf("{\"w\":%d,\"i\":%d,\"also\":1}", w, i)
					if err := r.AppendNotes("flameiq", map[Hash][]byte{h: []byte(line), extra: []byte(also)}, ""); err != nil {
						errs <- err
						return
					}
					continue
				}
				if err := r.AppendNote("flameiq", h, []byte(line), ""); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	// Readers on the shared Repo at the same time (one cat-file pipe).
	stop := make(chan struct{})
	var rwg sync.WaitGroup
	for k := 0; k < 2; k++ {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				n, err := shared.Notes("flameiq")
				if err != nil {
					errs <- err
					return
				}
				if _, err := n.Read(mustHash(t, commits[0])); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	rwg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n, _ := mustOpen(t, dir).Notes("flameiq")
	all := ""
	for _, c := range commits {
		b, err := n.Read(mustHash(t, c))
		if err != nil {
			t.Fatal(err)
		}
		all += string(b)
	}
	for w := 0; w < workers; w++ {
		for i := 0; i < per; i++ {
			lines := []string{fmt.Sprintf("{\"w\":%d,\"i\":%d}\n", w, i)}
			if i%3 == 2 {
				lines = append(lines, fmt.Sprintf("{\"w\":%d,\"i\":%d,\"also\":1}\n", w, i))
			}
			for _, line := range lines {
				if got := strings.Count(all, line); got != 1 {
					t.Errorf("line %q present %d times", line, got)
				}
			}
		}
	}
	git(t, dir, "fsck", "--strict", "--no-progress")
}

// TestPlumbingConcurrentProcesses: writer processes (as
// TestConcurrentAppend, fewer rounds: every append here runs several git
// commands). On a SHA-256 repository, whose refs are files and swapped
// under git's lock file as on SHA-1, beside a `git notes append` loop; on
// a repository whose refs go through `git update-ref` too, without it: a
// writer that must win an optimistic compare-and-swap against a loop of
// faster CLI writers can lose a hundred times in a row and give up (an
// error, never a lost line).
func TestPlumbingConcurrentProcesses(t *testing.T) {
	writers, per := 6, 12
	if testing.Short() {
		writers, per = 3, 6
	}
	t.Run("sha256", func(t *testing.T) {
		concurrentAppend(t, makeRepoSHA256(t, 9), writers, per, true)
	})
	t.Run("sha1-unknown-extension", func(t *testing.T) {
		concurrentAppend(t, makeRepoUnknownExtension(t, 9), writers, per, false)
	})
}

// TestPlumbingPushPull: push and pull through a SHA-256 bare remote, from
// concurrent clones.
func TestPlumbingPushPull(t *testing.T) {
	pushPullConcurrent(t, makeRepoSHA256(t, 4), 3, 2)
}

// TestPlumbingLocks: a stale git ref lock left by a killed process is
// broken; a live one is waited for, then reported as a LockError.
func TestPlumbingLocks(t *testing.T) {
	for _, k := range plumbingKinds {
		k.run(t, func(t *testing.T) { plumbingLocks(t, k) })
	}
}

func plumbingLocks(t *testing.T, k plumbingKind) {
	dir := k.make(t, 2)
	r := k.open(t, dir)
	head, _ := r.Resolve("HEAD")
	if err := r.AppendNote("flameiq", head, []byte(`{"a":1}`), ""); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(dir, ".git", "refs", "notes", "flameiq.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * StaleLockAge)
	os.Chtimes(lock, old, old)
	if err := r.AppendNote("flameiq", head, []byte(`{"b":1}`), ""); err != nil {
		t.Fatalf("stale lock not broken: %v", err)
	}
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	saved := lockTimeout
	lockTimeout = 300 * time.Millisecond
	defer func() { lockTimeout = saved }()
	err := r.AppendNote("flameiq", head, []byte(`{"c":1}`), "")
	var le *LockError
	if !errors.Is(err, ErrLocked) || !errors.As(err, &le) || le.Path != lock {
		t.Fatalf("AppendNote under a live lock = %v, want a LockError naming %s", err, lock)
	}
	os.Remove(lock)
	n, _ := r.Notes("flameiq")
	if got, _ := n.Read(head); string(got) != "{\"a\":1}\n{\"b\":1}\n" {
		t.Fatalf("note = %q", got)
	}
}

// TestPlumbingErrors: what git reports reaches the caller as a GitError
// with git's stderr; a missing object is ErrObjectNotFound; a cat-file
// process that died is started again.
func TestPlumbingErrors(t *testing.T) {
	dir := makeRepoSHA256(t, 2)
	r := mustOpen(t, dir)
	head, _ := r.Resolve("HEAD")
	missing := mustHash(t, strings.Repeat("ab", 32))
	if _, err := r.Commit(missing); !errors.Is(err, ErrObjectNotFound) {
		t.Fatalf("Commit(missing) = %v, want ErrObjectNotFound", err)
	}
	// A notes ref git refuses to hold (a blob where a commit belongs).
	blob := git(t, dir, "hash-object", "-w", "--stdin")
	git(t, dir, "update-ref", "refs/notes/broken", blob)
	if _, err := r.Notes("broken"); err == nil || !strings.Contains(err.Error(), "not a commit") {
		t.Fatalf("Notes(ref to a blob) = %v", err)
	}
	// A write git refuses: hash-object's own check of a malformed commit.
	_, err := r.odb.write(objCommit, []byte("not a commit"))
	var ge *GitError
	if !errors.As(err, &ge) || ge.Stderr == "" || ge.ExitCode == 0 {
		t.Fatalf("writing a malformed commit = %v, want a GitError with stderr", err)
	}
	// The cat-file process is killed: the next read starts another one.
	r.git.cat.mu.Lock()
	r.git.cat.cmd.Process.Kill()
	r.git.cat.mu.Unlock()
	var c *Commit
	for i := 0; i < 2; i++ { // the first read may meet the dead process
		r.treeMu.Lock()
		r.commits = nil
		r.treeMu.Unlock()
		r.odb.recent = objCache{}
		if c, err = r.Commit(head); err == nil {
			break
		}
		if !errors.As(err, &ge) {
			t.Fatalf("read from a dead cat-file = %v, want a GitError", err)
		}
	}
	if err != nil || c.Hash != head {
		t.Fatalf("Commit after a restart = %v", err)
	}
}
