package commands

import (
	"github.com/urfave/cli/v2"
	"io"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/report"
)

// reportFormats are the --format values of diff and compare.
var reportFormats = []string{"text", "json", "markdown", "github", "html"}

// reportInfo is what a report says besides the result: which sides were
// compared and why.
type reportInfo struct {
	BaseLabel, HeadLabel   string // file names or short shas
	BaseCommit, HeadCommit string // full shas when known
	BaseReason             string // how the base was resolved, said aloud
	extra                  extraReport
}

// render writes the result in the --format the user asked for.
func (e *env) render(c *cli.Context, r *compare.Result, info reportInfo) error {
	return e.writeOutput(c, func(w io.Writer) error {
		var err error
		switch c.String("format") {
		case "json":
			err = report.JSON(w, r, report.JSONOptions{BaselineCommit: info.BaseCommit, CurrentCommit: info.HeadCommit})
		case "markdown", "github", "html":
			err = e.renderRich(c, w, r, info)
		default:
			err = report.Text(w, r, report.TextOptions{BaseLine: info.BaseReason, Color: c.String("output") == "" && colorOK(e.stdout)})
		}
		return err
	})
}
