package measure

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/ingest"
	"github.com/flameiq/git-flameiq/snapshot"
)

func needSh(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
}

// Warm-up runs are discarded; the measured runs' samples are merged.
func TestDo(t *testing.T) {
	needSh(t)
	dir := t.TempDir()
	// Each run prints the next line of values: 100 (warm-up), 200, 300.
	if err := os.WriteFile(dir+"/n", []byte("0"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `n=$(cat n); n=$((n+1)); echo $n > n; printf 'BenchmarkWork-2 1000 %d00 ns/op\nPASS\n' $n`
	var progress bytes.Buffer
	s, profiles, err := Run{Argv: []string{script}, Dir: dir, N: 2, Warmup: 1, Progress: &progress}.Do(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) != 0 {
		t.Errorf("profiles %v", profiles)
	}
	m := s.Get("Work-2:sec/op")
	if m == nil || len(m.Samples) != 2 || m.Samples[0] != 200e-9 || m.Samples[1] != 300e-9 {
		t.Fatalf("samples %v (keys %v)", m, s.Keys())
	}
	if s.Meta.Source != script {
		t.Errorf("source %q", s.Meta.Source)
	}
	// warm-up k/K, then run j/N (the issue's "warm-up 1/3, run 2/3, run
	// 3/3" counted the warm-up among the runs)
	if p := progress.String(); !strings.Contains(p, "warm-up 1/1") || !strings.Contains(p, "run 1/2") || !strings.Contains(p, "run 2/2") || strings.Contains(p, "/3") {
		t.Errorf("progress %q", p)
	}
	// In a CI log (no terminal): one plain line per run.
	progress.Reset()
	if _, _, err := (Run{Argv: []string{script}, Dir: dir, N: 2, Warmup: 1, Progress: &progress, ProgressLines: true}).Do(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := progress.String(); strings.Contains(p, "\r") || strings.Count(p, "\n") != 3 || !strings.HasSuffix(p, "run 2/2: "+script+"\n") {
		t.Errorf("progress lines %q", p)
	}
}

// {profile} becomes a fresh file per run; the measured runs' files are returned.
func TestDoProfiles(t *testing.T) {
	needSh(t)
	_, profiles, err := Run{Argv: []string{`echo p > {profile}; printf 'BenchmarkWork-2 1000 5 ns/op\n'`}, Dir: t.TempDir(), N: 2, Warmup: 1, Profiles: true}.Do(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) != 2 || profiles[0] == profiles[1] {
		t.Fatalf("profiles %v", profiles)
	}
	for _, p := range profiles {
		if b, err := os.ReadFile(p); err != nil || string(b) != "p\n" {
			t.Errorf("%s: %q %v", p, b, err)
		}
		os.Remove(p)
	}
}

// A command that fails without reporting failed benchmarks is a
// *CommandError that does not unwrap to the command's own exit status.
func TestDoCommandError(t *testing.T) {
	needSh(t)
	_, _, err := Run{Argv: []string{"exit 7"}, Dir: t.TempDir(), N: 1}.Do(context.Background())
	var ce *CommandError
	if !errors.As(err, &ce) || ce.Code != 7 || err.Error() != "run 1: command exited with status 7" {
		t.Fatalf("%v", err)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Error("a CommandError must not unwrap to *exec.ExitError")
	}
	if _, _, err := (Run{}).Do(context.Background()); err == nil || err.Error() != "no command to run" {
		t.Errorf("no command: %v", err)
	}
}

func TestPassedOnly(t *testing.T) {
	passed := &snapshot.Snapshot{}
	passed.Add("Work:sec/op", "sec/op", snapshot.LowerIsBetter, 1)
	fe := &ingest.FailedError{File: "bench.txt", Failures: []ingest.Failure{{Name: "BenchmarkBad", File: "bench.txt", Line: 3, Msg: "boom"}}, Snapshot: passed}

	_, err := PassedOnly(nil, fe, false, nil)
	var got *ingest.FailedError
	if !errors.As(err, &got) || !strings.HasSuffix(err.Error(), "bench.txt: 1 benchmark failed; nothing was recorded or compared (--allow-failed uses what passed and marks the failed ones FAILED)") {
		t.Errorf("without allowFailed: %v", err)
	}

	var warn bytes.Buffer
	s, err := PassedOnly(nil, fe, true, &warn)
	if err != nil || s != passed || !strings.Contains(warn.String(), "git-flameiq: warning: ") || !strings.Contains(warn.String(), "(marked FAILED)") {
		t.Errorf("allowFailed: %v %v %q", s, err, warn.String())
	}

	none := &ingest.FailedError{File: "bench.txt", Failures: fe.Failures}
	if _, err := PassedOnly(nil, none, true, &warn); err == nil || !strings.HasSuffix(err.Error(), "bench.txt: no benchmark passed") {
		t.Errorf("nothing passed: %v", err)
	}

	other := errors.New("other")
	if s, err := PassedOnly(passed, other, false, nil); s != passed || err != other {
		t.Error("any other result is returned as it is")
	}
}
