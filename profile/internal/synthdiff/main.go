// Command synthdiff measures the profile diff on a synthetic pair: it
// writes (or reuses) two 5.5 MB-class CPU profiles, then times reading both
// files, parsing them in parallel, aggregating and diffing. Run it under
// /usr/bin/time -v for the peak memory.
//
//	go run ./profile/internal/synthdiff -dir /tmp/synth            # generate + diff
//	go run ./profile/internal/synthdiff -dir /tmp/synth -gen=false # diff only
//	go run ./profile/internal/synthdiff -dir /tmp/synth -pprof     # also time go tool pprof -top -diff_base, print the ratio
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/flameiq/git-flameiq/profile"
	"github.com/flameiq/git-flameiq/report"
)

func main() {
	dir := flag.String("dir", os.TempDir(), "directory for base.pb.gz and head.pb.gz")
	gen := flag.Bool("gen", true, "generate the pair first (skipped when the files exist)")
	top := flag.Int("n", 10, "functions to print")
	withPprof := flag.Bool("pprof", false, "also time `go tool pprof -top -diff_base base head` (slow) and print the ratio")
	flag.Parse()
	if err := run(*dir, *gen, *top, *withPprof); err != nil {
		fmt.Fprintln(os.Stderr, "synthdiff:", err)
		os.Exit(1)
	}
}

func run(dir string, gen bool, top int, withPprof bool) error {
	bp, hp := filepath.Join(dir, "base.pb.gz"), filepath.Join(dir, "head.pb.gz")
	if gen {
		for i, path := range []string{bp, hp} {
			if _, err := os.Stat(path); err == nil {
				continue
			}
			var b bytes.Buffer
			if err := profile.GenerateSynthetic(int64(i+1), 6000, 120000, 8, 38).Write(&b); err != nil {
				return err
			}
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "wrote %s (%d bytes)\n", path, b.Len())
		}
		runtime.GC()
	}
	t0 := time.Now()
	base, err := os.ReadFile(bp)
	if err != nil {
		return err
	}
	head, err := os.ReadFile(hp)
	if err != nil {
		return err
	}
	b, h, err := profile.ParsePair(base, bp, head, hp)
	if err != nil {
		return err
	}
	t1 := time.Now()
	r, err := profile.Diff(b, h, profile.DiffOptions{Top: top})
	if err != nil {
		return err
	}
	t2 := time.Now()
	if err := report.ProfileText(os.Stdout, r, report.ProfileMeta{}); err != nil {
		return err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "read+parse %v, aggregate+diff %v, total %v; Go heap sys %d MB\n",
		t1.Sub(t0).Round(time.Millisecond), t2.Sub(t1).Round(time.Millisecond),
		t2.Sub(t0).Round(time.Millisecond), ms.Sys>>20)
	if withPprof {
		cmd := exec.Command("go", "tool", "pprof", "-top", "-diff_base", bp, hp)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		p0 := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go tool pprof: %v", err)
		}
		pt := time.Since(p0)
		fmt.Fprintf(os.Stderr, "go tool pprof -top -diff_base: %v; ratio %.4f (target ≤ 0.05)\n",
			pt.Round(time.Millisecond), t2.Sub(t0).Seconds()/pt.Seconds())
	}
	return nil
}
