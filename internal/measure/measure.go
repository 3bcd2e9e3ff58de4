// Package measure runs a benchmark command: K discarded warm-up runs, then
// N measured runs in a directory, each run's stdout parsed (ingest) and the
// samples of the measured runs merged into one snapshot. It also holds the
// --allow-failed rule (PassedOnly) that every input goes through, files
// and runs alike. It records nothing and knows no git: run, record and
// check record the result themselves, bisect measures in a worktree
// (internal/bisector).
package measure

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/flameiq/git-flameiq/ingest"
	"github.com/flameiq/git-flameiq/snapshot"
)

// Run describes how to measure: a command run Warmup+N times in Dir.
type Run struct {
	Argv   []string // the command; a single string with shell syntax is run by `sh -c`
	Dir    string
	N      int
	Warmup int
	Format string // the input format of the output ("": detect)
	// SkipWarmup leaves out the first SkipWarmup of a time series in each
	// run's output (ingest.Options).
	SkipWarmup time.Duration
	// Profiles: every {profile} in Argv is replaced, run by run, by the
	// path of a fresh temporary file; the files of the measured runs are
	// returned (the caller removes them), those of warm-up runs removed.
	Profiles bool
	// AllowFailed: output that reports failed benchmarks (and the
	// command's non-zero exit that goes with them) gives what passed
	// (PassedOnly).
	AllowFailed bool
	// PgidFile, when set, receives the process group of each run while it
	// runs, so that a later process can stop it if this one is killed.
	PgidFile string
	// Stderr receives the command's stderr and the warnings; Progress,
	// when set, the progress: one line redrawn in place on a terminal, or,
	// with ProgressLines (a CI log), one plain line per run.
	Stderr, Progress io.Writer
	ProgressLines    bool
}

// run runs cmd on a goroutine locked to its OS thread (Linux's Pdeathsig
// follows the thread that started the child, which must not go away while
// the child runs), recording its process group in PgidFile meanwhile.
func (b Run) run(cmd *exec.Cmd) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		return err
	}
	if b.PgidFile != "" {
		_ = os.WriteFile(b.PgidFile, []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644)
		defer os.Remove(b.PgidFile)
	}
	return cmd.Wait()
}

// CommandError is a benchmark command that exited non-zero (or could not
// start) without output reporting failed benchmarks. It deliberately does
// not unwrap to the *exec.ExitError: the command's exit status is not the
// caller's.
type CommandError struct {
	Run  int // 1-based, warm-up runs included
	Code int // the exit status, or -1
	Err  error
}

func (e *CommandError) Error() string {
	if e.Code >= 0 {
		return fmt.Sprintf("run %d: command exited with status %d", e.Run, e.Code)
	}
	return fmt.Sprintf("run %d: %v", e.Run, e.Err)
}

// Do runs the command and returns the merged snapshot of the measured
// (non-warm-up) runs, its Meta.Source the command line, and the profile
// files written, if any. A cancelled ctx stops it with an error saying so.
func (b Run) Do(ctx context.Context) (*snapshot.Snapshot, []string, error) {
	if len(b.Argv) == 0 {
		return nil, nil, errors.New("no command to run")
	}
	progress := b.Progress
	if b.ProgressLines {
		progress = nil // plain lines end themselves: nothing to close
	}
	var snaps []*snapshot.Snapshot
	var profiles []string
	total := b.Warmup + b.N
	for i := 1; i <= total; i++ {
		if b.Progress != nil {
			// warm-up k/K, then run j/N: the measured runs count from 1.
			label, k, of := "run", i-b.Warmup, b.N
			if i <= b.Warmup {
				label, k, of = "warm-up", i, b.Warmup
			}
			if b.ProgressLines {
				fmt.Fprintf(b.Progress, "git-flameiq: %s %d/%d: %s\n", label, k, of, strings.Join(b.Argv, " "))
			} else {
				fmt.Fprintf(b.Progress, "\rgit-flameiq: %s %d/%d: %s", label, k, of, strings.Join(b.Argv, " "))
			}
		}
		s, prof, err := b.Once(ctx, i, i > b.Warmup)
		if err != nil {
			if progress != nil {
				fmt.Fprintln(progress)
			}
			return nil, nil, err
		}
		if s != nil {
			snaps = append(snaps, s)
		}
		if prof != "" {
			profiles = append(profiles, prof)
		}
	}
	if progress != nil {
		fmt.Fprintln(progress)
	}
	m := snapshot.Merge(snaps...)
	m.Meta.Source = strings.Join(b.Argv, " ")
	return m, profiles, nil
}

// Once runs the command once in Dir (i numbers the run in messages). A
// measured run returns its parsed output and, with Profiles, its profile
// file (the caller removes it); a warm-up run (measured false) returns
// neither. A cancelled ctx stops it with an error saying so.
func (b Run) Once(ctx context.Context, i int, measured bool) (*snapshot.Snapshot, string, error) {
	if len(b.Argv) == 0 {
		return nil, "", errors.New("no command to run")
	}
	stderr := b.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	argv := append([]string(nil), b.Argv...)
	var prof string
	if b.Profiles {
		f, err := os.CreateTemp("", "flameiq-profile-*")
		if err != nil {
			return nil, "", err
		}
		f.Close()
		prof = f.Name()
		for j := range argv {
			argv[j] = strings.ReplaceAll(argv[j], "{profile}", prof)
		}
	}
	var cmd *exec.Cmd
	if len(argv) == 1 && strings.ContainsAny(argv[0], " \t|;&$<>") {
		cmd = exec.CommandContext(ctx, "sh", "-c", argv[0])
	} else {
		cmd = exec.CommandContext(ctx, argv[0], argv[1:]...)
	}
	cmd.Dir = b.Dir
	ownProcessGroup(cmd)
	cmd.WaitDelay = 2 * time.Second // after a cancel, do not wait on a stray holder of the pipes
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = stderr
	fail := func(err error) (*snapshot.Snapshot, string, error) {
		if prof != "" {
			os.Remove(prof)
		}
		return nil, "", err
	}
	if err := b.run(cmd); err != nil {
		if ctx.Err() != nil {
			// Ctrl-C or SIGTERM: stop, rather than report (or skip) a
			// command that did not fail by itself.
			return fail(fmt.Errorf("interrupted while running %s", strings.Join(b.Argv, " ")))
		}
		code := -1
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		// A benchmark that failed makes the tool exit non-zero: say
		// which one (or, with AllowFailed, keep what passed).
		var fe *ingest.FailedError
		if _, perr := ingest.Parse(bytes.NewReader(out.Bytes()), fmt.Sprintf("run %d output", i), b.Format); !errors.As(perr, &fe) {
			return fail(&CommandError{Run: i, Code: code, Err: err})
		}
	}
	if !measured {
		return fail(nil)
	}
	s, perr := ingest.ParseWith(&out, fmt.Sprintf("run %d output", i), ingest.Options{Format: b.Format, SkipWarmup: b.SkipWarmup})
	s, err := PassedOnly(s, perr, b.AllowFailed, stderr)
	if err != nil {
		return fail(err)
	}
	return s, prof, nil
}

// PassedOnly applies the --allow-failed rule to a parse result (s, err).
// An input that reports failed benchmarks is an error naming each one
// (wrapping the *ingest.FailedError), unless allowFailed: then what passed
// is returned, its Meta.Failed naming the rest, and each failure is said on
// warn. Any other result is returned as it is.
func PassedOnly(s *snapshot.Snapshot, err error, allowFailed bool, warn io.Writer) (*snapshot.Snapshot, error) {
	var fe *ingest.FailedError
	if !errors.As(err, &fe) {
		return s, err
	}
	if !allowFailed {
		return nil, fmt.Errorf("%w\n%s: %s failed; nothing was recorded or compared (--allow-failed uses what passed and marks the failed ones FAILED)",
			fe, fe.File, plural(len(fe.Failures), "benchmark"))
	}
	if fe.Snapshot == nil {
		return nil, fmt.Errorf("%w\n%s: no benchmark passed", fe, fe.File)
	}
	for _, f := range fe.Failures {
		fmt.Fprintf(warn, "git-flameiq: warning: %s (marked FAILED)\n", f)
	}
	return fe.Snapshot, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
