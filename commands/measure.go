package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/flameiq/git-flameiq/ingest"
	"github.com/flameiq/git-flameiq/snapshot"
)

// benchRun describes how to measure: a command run warmup+n times in dir.
type benchRun struct {
	argv    []string // the command; a single string is run by `sh -c`
	dir     string
	n       int
	warmup  int
	format  string
	profile string // when set, each run's {profile} placeholder is replaced by a fresh file path
	// allowFailed: output that reports failed benchmarks (and the command's
	// non-zero exit that goes with them) records what passed.
	allowFailed bool
}

// cmdFailed reports a benchmark command that exited non-zero.
type cmdFailed struct {
	run  int
	code int
	err  error
}

func (e *cmdFailed) Error() string {
	if e.code >= 0 {
		return fmt.Sprintf("run %d: command exited with status %d", e.run, e.code)
	}
	return fmt.Sprintf("run %d: %v", e.run, e.err)
}

// ExitCode makes a failing benchmark command exit 2 (never 1, which would
// read as a regression); the status itself is in the message.
func (e *cmdFailed) ExitCode() int { return ExitUsage }

// measure runs the command and returns the merged snapshot of the measured
// (non-warm-up) runs, and the profile files written, if any. Progress goes
// to progress (nil: quiet). Nothing is recorded here.
func (e *env) measure(ctx context.Context, b benchRun, progress io.Writer) (*snapshot.Snapshot, []string, error) {
	if len(b.argv) == 0 {
		return nil, nil, usagef("no command to run")
	}
	var snaps []*snapshot.Snapshot
	var profiles []string
	total := b.warmup + b.n
	for i := 1; i <= total; i++ {
		if progress != nil {
			label := "run"
			if i <= b.warmup {
				label = "warm-up"
			}
			fmt.Fprintf(progress, "\rgit-flameiq: %s %d/%d: %s", label, i, total, strings.Join(b.argv, " "))
		}
		argv := append([]string(nil), b.argv...)
		var prof string
		if b.profile != "" {
			f, err := os.CreateTemp("", "flameiq-profile-*")
			if err != nil {
				return nil, nil, err
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
		cmd.Dir = b.dir
		ownProcessGroup(cmd)
		cmd.WaitDelay = 2 * time.Second // after a cancel, do not wait on a stray holder of the pipes
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.Stderr = e.stderr
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				// Ctrl-C or SIGTERM: stop, rather than report (or skip) a
				// command that did not fail by itself.
				if progress != nil {
					fmt.Fprintln(progress)
				}
				return nil, nil, usagef("interrupted while running %s", strings.Join(b.argv, " "))
			}
			if progress != nil {
				fmt.Fprintln(progress)
			}
			code := -1
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			}
			// A benchmark that failed makes the tool exit non-zero: say
			// which one (or, with --allow-failed, keep what passed).
			var fe *ingest.FailedError
			if _, perr := ingest.Parse(bytes.NewReader(out.Bytes()), fmt.Sprintf("run %d output", i), b.format); !errors.As(perr, &fe) {
				return nil, nil, &cmdFailed{run: i, code: code, err: err}
			}
		}
		if i <= b.warmup {
			if prof != "" {
				os.Remove(prof)
			}
			continue
		}
		s, perr := ingest.Parse(&out, fmt.Sprintf("run %d output", i), b.format)
		s, err := e.passedOnly(s, perr, b.allowFailed)
		if err != nil {
			if progress != nil {
				fmt.Fprintln(progress)
			}
			return nil, nil, err
		}
		snaps = append(snaps, s)
		if prof != "" {
			profiles = append(profiles, prof)
		}
	}
	if progress != nil {
		fmt.Fprintln(progress)
	}
	m := snapshot.Merge(snaps...)
	m.Meta.Source = strings.Join(b.argv, " ")
	return m, profiles, nil
}
