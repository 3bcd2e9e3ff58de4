package commands

import (
	"io"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/history"
)

// extraReport carries what the rich formats add (history, profiles).
type extraReport struct{}

func (e *env) renderRich(c *cli.Context, w io.Writer, r *compare.Result, info reportInfo) error {
	return usagef("--format %s is not available yet", c.String("format"))
}

func (e *env) historyHTML(w io.Writer, rev string, hist []recorded, s *history.Series) error {
	return usagef("--format html is not available yet")
}

func (e *env) reviewHTML(w io.Writer, r *reviewReport) error {
	return usagef("--format html is not available yet")
}
