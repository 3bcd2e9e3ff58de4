package commands

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/internal/selection"
	"github.com/flameiq/git-flameiq/report"
	"github.com/flameiq/git-flameiq/snapshot"
)

func init() { commandList = append(commandList, cmdLog) }

func cmdLog(e *env) *cli.Command {
	return &cli.Command{
		Name:      "log",
		Usage:     "metric history along the first-parent chain, with sparklines",
		ArgsUsage: "[REV]",
		Description: `Walks N first-parent commits from REV (default HEAD) and prints one row per
commit that has a snapshot (newest first) and a sparkline per metric. Without
--metric or --all, the text and html outputs of a history of more than 12
metrics show the 12 that moved most over the window ((max - min) / median)
and say how many they left out; csv and json always carry every metric.

Example:
   git flameiq log -n 200 --metric '*:sec/op'
   git flameiq log --format csv > history.csv`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "n", Aliases: []string{"max-count"}, Value: 100, Usage: "walk at most `N` commits"},
			&cli.StringSliceFlag{Name: "metric", Usage: "only metrics matching `GLOB` (repeatable)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "`FORMAT`: text, csv, json or html"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` instead of stdout"},
			&cli.BoolFlag{Name: "all", Usage: "text, html: every metric (without --metric, a history of more than 12 shows the 12 that moved most)"},
		},
		Action: func(c *cli.Context) error {
			return e.log(logOptions{Args: c.Args().Slice(), N: c.Int("n"), Metrics: c.StringSlice("metric"),
				Output: outputOptions{Format: c.String("format"), File: c.String("output"), All: c.Bool("all")}})
		},
	}
}

// logOptions are log's flags and arguments.
type logOptions struct {
	Args    []string // [REV]
	N       int      // -n: commits walked
	Metrics []string
	Output  outputOptions
}

// log writes the metric history (see cmdLog).
func (e *env) log(o logOptions) error {
	e.cacheReads = true // a history walk: keep what it inflates for the next one
	if err := checkFormat(o.Output.Format, "text", "csv", "json", "html"); err != nil {
		return err
	}
	if o.N < 1 {
		return usagef("-n must be at least 1, got %d", o.N)
	}
	st, h, rev, err := e.openRev(o.Args)
	if err != nil {
		return err
	}
	err = e.reachHistory(st, historyNeed{What: fmt.Sprintf("the history of %s (-n %d)", rev, o.N), Step: o.N,
		Have: func(st *store) (bool, error) { return st.repo.HistoryReaches(h, o.N, nil) }})
	if err != nil {
		return err
	}
	if len(o.Metrics) > 0 && o.Output.Format != "html" { // the page charts every metric
		// The metrics --metric selects, and the few smallest keys: when a
		// glob matches nothing, the error lists those, without a second
		// read of every metric of every note.
		globs, first := selection.Globs(o.Metrics), selection.FirstKeys(6)
		st.Keep = func(k string) bool { return globs.Match(k) || first(k) }
	}
	if o.Output.Format != "html" {
		// The tables show one value a metric a commit: keep that, not
		// every sample of every note (the page charts the samples).
		st.Reduce = snapshot.Medians()
	}
	hist, err := e.loadHistory(st, h, o.N)
	if err != nil {
		return err
	}
	if len(hist) == 0 {
		// Not an error (an empty history is still a CSV header or
		// a JSON document), but say what to do about it.
		msg := fmt.Sprintf("git-flameiq: log: no snapshot within %d first-parent commits of %s in %s; %s", o.N, rev, st.ref, recordHint(h))
		if n, err := st.notes(); err == nil && n.Tip().IsZero() {
			msg += fmt.Sprintf(", or fetch the history with 'git flameiq pull' (%s does not exist here)", st.ref)
		}
		fmt.Fprintln(e.stderr, msg)
	}
	s, err := selection.Series(hist, o.Metrics)
	if err != nil {
		return err
	}
	// --metric chose the metrics: the human outputs show them all.
	show := report.LogOptions{All: o.Output.All || len(o.Metrics) > 0}
	return e.writeOutput(o.Output, func(w io.Writer) error {
		var err error
		switch o.Output.Format {
		case "csv":
			err = report.LogCSV(w, s)
		case "json":
			err = report.LogJSON(w, s)
		case "html":
			err = e.historyHTML(w, rev, hist, s, show)
		default:
			err = report.LogText(w, s, show)
		}
		return err
	})
}
