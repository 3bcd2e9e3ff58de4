package gitstore

import (
	"fmt"
	"os"
	"strconv"
	"testing"
)

// benchRepo builds (once per benchmark) a repository of n commits on main
// (n from GITSTORE_BENCH_COMMITS, default 10000), a note on every commit
// and a 3-commit feature branch off main~10, repacked like a real clone.
func benchRepo(b *testing.B) (dir string, n int) {
	b.Helper()
	n = 10000
	if s := os.Getenv("GITSTORE_BENCH_COMMITS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir = makeRepo(b, 0)
	fastImport(b, dir, n, 0, true)
	git(b, dir, "checkout", "-q", "-b", "feature", "main~10")
	for i := 0; i < 3; i++ {
		git(b, dir, "commit", "-q", "--allow-empty", "-m", fmt.Sprint("feature ", i))
	}
	git(b, dir, "repack", "-adq")
	git(b, dir, "prune-packed")
	r := mustOpen(b, dir)
	h, _ := r.Resolve("HEAD")
	mb, _ := r.Resolve("main~10")
	for _, c := range []Hash{h, mb} {
		if err := r.AppendNote("flameiq", c, []byte(`{"seed":1}`), ""); err != nil {
			b.Fatal(err)
		}
	}
	return dir, n
}

// BenchmarkRead is the read side of `git flameiq diff`: open the repository,
// resolve HEAD and main, find the merge-base, read both notes.
func BenchmarkRead(b *testing.B) {
	dir, _ := benchRepo(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		head, _ := r.Resolve("HEAD")
		base, _ := r.Resolve("main")
		mb, err := r.MergeBase(head, base)
		if err != nil {
			b.Fatal(err)
		}
		n, err := r.Notes("flameiq")
		if err != nil {
			b.Fatal(err)
		}
		x, _ := n.Read(head)
		y, _ := n.Read(mb)
		if x == nil || y == nil {
			b.Fatal("missing note")
		}
	}
}

// BenchmarkAppend is `git flameiq record`: open, resolve, append one line.
func BenchmarkAppend(b *testing.B) {
	dir, _ := benchRepo(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		h, err := r.Resolve("HEAD~1")
		if err != nil {
			b.Fatal(err)
		}
		if err := r.AppendNote("flameiq", h, []byte(fmt.Sprintf(`{"i":%d}`, i)), ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergeBase is merge-base(feature, main) with a fresh Repo.
func BenchmarkMergeBase(b *testing.B) {
	dir, _ := benchRepo(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, _ := Open(dir)
		head, _ := r.Resolve("HEAD")
		base, _ := r.Resolve("main")
		if _, err := r.MergeBase(head, base); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstParent walks the whole first-parent chain.
func BenchmarkFirstParent(b *testing.B) {
	dir, n := benchRepo(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, _ := Open(dir)
		head, _ := r.Resolve("main")
		cs, err := r.FirstParent(head, 0)
		if err != nil || len(cs) != n {
			b.Fatal(len(cs), err)
		}
	}
}

// BenchmarkBigNotes is the read side of `git flameiq log` over a
// monorepo's records: 12 commits, each with a note of 10 MB (a record of
// 60,000 metrics is 9.4 MB) that differs from the others in a tenth of
// its numbers (bigNotesRepo), packed by git gc into delta chains. Every
// iteration opens the repository and reads all 12 notes, one by one
// (Read) or as a history walk reads them (ReadEach, 2 workers).
func BenchmarkBigNotes(b *testing.B) {
	const notes, size = 12, 10 << 20
	dir, commits := bigNotesRepo(b, notes, size)
	b.Run("Read", func(b *testing.B) {
		b.SetBytes(notes * size)
		for b.Loop() {
			n := mustOpenNotes(b, dir)
			for _, c := range commits {
				if d, err := n.Read(c); err != nil || len(d) < size {
					b.Fatalf("note of %s: %d bytes, %v", c, len(d), err)
				}
			}
		}
	})
	b.Run("ReadEach", func(b *testing.B) {
		b.SetBytes(notes * size)
		for b.Loop() {
			n := mustOpenNotes(b, dir)
			n.ReadEach(commits, 2, func(_, _ int, data []byte, err error) {
				if err != nil || len(data) < size {
					b.Errorf("%d bytes, %v", len(data), err)
				}
			})
		}
	})
}
