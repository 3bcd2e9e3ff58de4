package commands

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/internal/prcomment"
)

func init() { commandList = append(commandList, cmdComment) }

func cmdComment(e *env) *cli.Command {
	return &cli.Command{
		Name:      "comment",
		Usage:     "render the PR comment from pull_request artifacts, checked against the event (fork-safe)",
		ArgsUsage: "DIR…",
		Description: `The privileged half of the fork-safe PR comment. Each DIR is an artifact the
pull_request workflow uploaded: report.md (git flameiq diff --format markdown),
exit-code, pr-number and head-sha. The artifacts are untrusted data: files are
size-capped, the PR number and head commit must be the event's, and the report
is escaped (no HTML but the report's own tags, no mention, issue reference,
link or image, no forged marker). Several DIRs (matrix jobs) make one comment
with an overall verdict and a section per job. Needs no repository.

--event is the publishing workflow's event ($GITHUB_EVENT_PATH): a workflow_run
event, the pull_request event of a final job in the same workflow, or the
issue_comment event of an on-demand run (a /bench comment, whose author must be
an OWNER, MEMBER or COLLABORATOR). --pull is the pull request's JSON
(gh api repos/OWNER/REPO/pulls/N), required when the event names no head commit:
a workflow_run of a fork's pull request (GitHub lists none) or an issue_comment.
--print-number only checks the artifacts' shape and prints their PR number.
--marker ID starts the comment with <!-- git-flameiq:ID --> instead of
<!-- git-flameiq -->, for a comment of its own (such as /bench results).

Exit 0 (also, with nothing written, when the PR has moved on to a newer head),
2 bad event or --pull, 3 an artifact refused.

Example:
   pr=$(git flameiq comment --print-number artifacts/*/)
   gh api "repos/$GITHUB_REPOSITORY/pulls/$pr" > pull.json
   git flameiq comment --event "$GITHUB_EVENT_PATH" --pull pull.json -o body.md artifacts/*/`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "event", Usage: "the publishing workflow's event `FILE` ($GITHUB_EVENT_PATH)"},
			&cli.StringFlag{Name: "pull", Usage: "the pull request's JSON `FILE` (GET /repos/OWNER/REPO/pulls/N)"},
			&cli.BoolFlag{Name: "print-number", Usage: "only check the artifacts' shape and print their PR number"},
			&cli.StringFlag{Name: "marker", Usage: "start the comment with <!-- git-flameiq:`ID` --> (a comment of its own)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the comment body to `FILE` instead of stdout"},
		},
		Action: func(c *cli.Context) error {
			return e.comment(commentOptions{Dirs: c.Args().Slice(), Event: c.String("event"), Pull: c.String("pull"),
				PrintNumber: c.Bool("print-number"), Marker: c.String("marker"), Output: c.String("output")})
		},
	}
}

// commentOptions are comment's flags and arguments.
type commentOptions struct {
	Dirs        []string // artifact directories
	Event       string   // --event FILE
	Pull        string   // --pull FILE
	PrintNumber bool
	Marker      string // --marker ID
	Output      string // -o FILE
}

// comment renders the fork-safe PR comment (see cmdComment).
func (e *env) comment(o commentOptions) error {
	if len(o.Dirs) == 0 {
		return usagef("needs at least one artifact DIR")
	}
	if o.Event == "" && !o.PrintNumber {
		return usagef("--event FILE is required (the publishing workflow's $GITHUB_EVENT_PATH)")
	}
	marker, err := prcomment.MarkerFor(o.Marker)
	if err != nil {
		return commentError(err)
	}
	var arts []prcomment.Artifact
	for _, d := range o.Dirs {
		a, err := prcomment.ReadArtifact(e.path(d))
		if err != nil {
			return commentError(err)
		}
		arts = append(arts, a)
	}
	if o.PrintNumber {
		n, err := prcomment.Number(arts)
		if err != nil {
			return commentError(err)
		}
		fmt.Fprintln(e.stdout, n)
		return nil
	}
	ev, err := prcomment.ReadEvent(e.path(o.Event))
	if err != nil {
		return commentError(err)
	}
	var pull *prcomment.Pull
	if o.Pull != "" {
		p, err := prcomment.ReadPull(e.path(o.Pull))
		if err != nil {
			return commentError(err)
		}
		pull = &p
	}
	n, err := prcomment.Check(ev, pull, arts)
	if errors.Is(err, prcomment.ErrStale) {
		fmt.Fprintf(e.stderr, "git-flameiq: skipped, nothing written: %v\n", err)
		return nil
	}
	if err != nil {
		return commentError(err)
	}
	body := prcomment.Render(marker, arts)
	if err := e.writeOutput(outputOptions{File: o.Output}, func(w io.Writer) error { _, err := w.Write(body); return err }); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "comment for #%d: %d report(s), %d bytes\n", n, len(arts), len(body))
	return nil
}

// commentError maps prcomment's errors to exit codes: an artifact refused
// is input data (3), the rest usage (2).
func commentError(err error) error {
	var de *prcomment.DataError
	if errors.As(err, &de) {
		return &dataError{fmt.Errorf("artifact refused: %v", err)}
	}
	return usagef("%v", err)
}
