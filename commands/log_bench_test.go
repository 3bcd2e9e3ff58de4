package commands

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"testing"
)

// BenchmarkLog1000 is `git flameiq log -n 1000` in-process on a repository
// of 10k commits with a note on every commit, repacked like a clone, with
// the object cache warm (as every run after the first). Whole-process
// figures against `git log` are scripts/bench.sh's.
func BenchmarkLog1000(b *testing.B) {
	dir := b.TempDir()
	var in bytes.Buffer
	const n = 10000
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&in, "commit refs/heads/main\nmark :%d\ncommitter C <c@example.com> %d +0000\ndata <<EOF\ncommit %d\nEOF\n", i, 1700000000+i*60, i)
		fmt.Fprintf(&in, "M 644 inline file.txt\ndata <<EOF\ncontent %d\nEOF\n\n", i)
	}
	fmt.Fprintf(&in, "commit refs/notes/flameiq\ncommitter C <c@example.com> 1800000000 +0000\ndata <<EOF\nnotes\nEOF\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&in, "N inline :%d\ndata <<EOF\n{\"id\":\"%08x\",\"metrics\":{\"Op-2:sec/op\":{\"direction\":\"lower_is_better\",\"samples\":[%d.5,%d.25]}},\"schema\":\"flameiq/1\"}\nEOF\n", i, i, 1000+i%97, 1000+i%89)
	}
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"fast-import", "--quiet"}, {"reset", "-q", "--hard"}, {"repack", "-adq"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if args[0] == "fast-import" {
			cmd.Stdin = &in
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	b.Chdir(dir)
	b.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	run := func() {
		if c := Main(context.Background(), []string{"git-flameiq", "log", "-n", "1000"}, nil, io.Discard, io.Discard); c != 0 {
			b.Fatalf("exit %d", c)
		}
	}
	run() // fills the object cache
	b.ReportAllocs()
	for b.Loop() {
		run()
	}
}
