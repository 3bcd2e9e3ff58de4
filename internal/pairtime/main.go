// Command pairtime times two commands as whole processes, alternately
// (A B A B …), and prints each one's median wall time and the median of the
// per-pair ratios A/B. Pairing keeps the ratio meaningful on a shared
// machine whose speed drifts during a run, which timing all of A and then
// all of B does not. scripts/bench.sh uses it.
//
//	pairtime [-n RUNS] [-w WARMUP] [-prepare CMD] [-pipe] 'A ARGS…' 'B ARGS…'
//
// A and B are split into words as a shell would (quotes and backslashes;
// no variables, globs or redirections: write `sh -c '…'` for those) and
// run without a shell. -prepare runs through sh, untimed, before every run
// of either. Their output goes to /dev/null, or with -pipe through a pipe
// that is read and thrown away (as when output is piped into a pager).
// Output: one line "A_MS B_MS RATIO MIN_RATIO MAX_RATIO" (medians, ms).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/flameiq/git-flameiq/snapshot"
)

func main() {
	n := flag.Int("n", 20, "timed pairs")
	warm := flag.Int("w", 3, "untimed warm-up pairs")
	prepare := flag.String("prepare", "", "shell command run untimed before every run")
	pipe := flag.Bool("pipe", false, "read the commands' output through a pipe instead of /dev/null")
	flag.Parse()
	if flag.NArg() != 2 || *n < 1 || *warm < 0 {
		fmt.Fprintln(os.Stderr, "usage: pairtime [-n RUNS] [-w WARMUP] [-prepare CMD] [-pipe] 'A ARGS…' 'B ARGS…'")
		os.Exit(2)
	}
	var cmds [2][]string
	for i := range cmds {
		w, err := splitWords(flag.Arg(i))
		if err != nil || len(w) == 0 {
			fmt.Fprintf(os.Stderr, "pairtime: command %q: %v\n", flag.Arg(i), err)
			os.Exit(2)
		}
		cmds[i] = w
	}
	var times [2][]time.Duration
	for run := 0; run < *warm+*n; run++ {
		for i, c := range cmds {
			if *prepare != "" {
				if err := exec.Command("sh", "-c", *prepare).Run(); err != nil {
					fmt.Fprintf(os.Stderr, "pairtime: -prepare: %v\n", err)
					os.Exit(1)
				}
			}
			d, err := timeOne(c, *pipe)
			if err != nil {
				fmt.Fprintf(os.Stderr, "pairtime: %s: %v\n", flag.Arg(i), err)
				os.Exit(1)
			}
			if run >= *warm {
				times[i] = append(times[i], d)
			}
		}
	}
	a, b, r, lo, hi := summarize(times[0], times[1])
	fmt.Printf("%.2f %.2f %.3f %.3f %.3f\n", a, b, r, lo, hi)
}

// timeOne runs argv once and returns its wall time, start to reaped. A
// command that fails is an error: its timing would not be comparable.
func timeOne(argv []string, pipe bool) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var out io.ReadCloser
	if pipe {
		var err error
		if out, err = cmd.StdoutPipe(); err != nil {
			return 0, err
		}
	} else {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return 0, err
		}
		defer null.Close()
		cmd.Stdout = null
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	if out != nil {
		_, _ = io.Copy(io.Discard, out)
	}
	err := cmd.Wait()
	d := time.Since(start)
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 {
		err = nil // git-flameiq's "regression found" is a normal outcome here
	}
	return d, err
}

// summarize returns the median of a and of b in milliseconds, and the
// median, minimum and maximum of the per-pair ratios a[i]/b[i].
func summarize(a, b []time.Duration) (ma, mb, ratio, lo, hi float64) {
	ms := func(ds []time.Duration) float64 {
		xs := make([]float64, len(ds))
		for i, d := range ds {
			xs[i] = float64(d) / 1e6
		}
		return snapshot.Median(xs)
	}
	rs := make([]float64, len(a))
	for i := range a {
		rs[i] = float64(a[i]) / float64(b[i])
	}
	return ms(a), ms(b), snapshot.Median(rs), slices.Min(rs), slices.Max(rs)
}

// splitWords splits s into words as a POSIX shell does for quoting: single
// quotes keep everything, double quotes keep all but \" and \\, and a
// backslash outside quotes escapes the next character.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur []rune
	inWord := false
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words, cur, inWord = append(words, string(cur)), nil, false
			}
		case c == '\'':
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				j++
			}
			if j == len(rs) {
				return nil, errors.New("unterminated single quote")
			}
			cur, inWord, i = append(cur, rs[i+1:j]...), true, j
		case c == '"':
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) && (rs[j+1] == '"' || rs[j+1] == '\\') {
					j++
				}
				cur = append(cur, rs[j])
			}
			if j == len(rs) {
				return nil, errors.New("unterminated double quote")
			}
			inWord, i = true, j
		case c == '\\':
			if i+1 == len(rs) {
				return nil, errors.New("trailing backslash")
			}
			cur, inWord, i = append(cur, rs[i+1]), true, i+1
		default:
			cur, inWord = append(cur, c), true
		}
	}
	if inWord {
		words = append(words, string(cur))
	}
	return words, nil
}
