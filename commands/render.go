package commands

import (
	"fmt"
	"io"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/config"
	"github.com/flameiq/git-flameiq/report"
)

// reportFormats are the --format values of diff and compare.
var reportFormats = []string{"text", "json", "markdown", "github", "html", "gitlab-codequality"}

// reportInfo is what a report says besides the result: which sides were
// compared and why.
type reportInfo struct {
	BaseLabel, HeadLabel   string // file names or short shas
	BaseCommit, HeadCommit string // full shas when known
	BaseReason             string // how the base was resolved, said aloud
	extra                  extraReport
}

// render writes the result in the format o asks for, where o asks. When
// the report goes to a file, the one-line verdict still goes to stderr, so
// a CI log never shows a failing step with nothing said.
func (e *env) render(o outputOptions, r *compare.Result, info reportInfo) error {
	if o.File != "" && o.File != "-" {
		defer fmt.Fprintf(e.stderr, "git-flameiq: %s (%s report in %s)\n", report.SummaryLine(r), o.Format, o.File)
	}
	return e.writeOutput(o, func(w io.Writer) error {
		var err error
		switch o.Format {
		case "json":
			err = report.JSON(w, r, report.JSONOptions{BaselineCommit: info.BaseCommit, CurrentCommit: info.HeadCommit})
		case "markdown", "github", "html":
			err = e.renderRich(o.Format, w, r, info)
		case "gitlab-codequality":
			err = report.CodeQuality(w, r, config.FileName)
		default:
			err = report.Text(w, r, report.TextOptions{BaseLine: info.BaseReason, Color: o.File == "" && colorOK(e.stdout), All: o.All})
		}
		return err
	})
}
