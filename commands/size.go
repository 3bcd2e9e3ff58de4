package commands

import (
	"io"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/report"
)

func init() { commandList = append(commandList, cmdSize) }

func cmdSize(e *env) *cli.Command {
	return &cli.Command{
		Name:  "size",
		Usage: "how much the notes hold: notes, records, bytes, the notes history and the largest notes",
		Description: `Measures refs/notes/flameiq and refs/notes/flameiq-profiles: commits with a note,
records (lines), bytes of the note blobs (as git cat-file -s counts them), the
length of the notes history (1 after gc) and the --top largest notes.

Example:
   git flameiq size --top 5
   git flameiq size --format json | jq '.[0].bytes'`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "top", Value: 10, Usage: "list the `N` largest notes"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "`FORMAT`: text or json"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` instead of stdout"},
		},
		Action: func(c *cli.Context) error {
			return e.size(sizeOptions{Args: c.Args().Slice(), Top: c.Int("top"), Output: outputOptions{Format: c.String("format"), File: c.String("output")}})
		},
	}
}

// sizeOptions are size's flags.
type sizeOptions struct {
	Args   []string // none
	Top    int
	Output outputOptions
}

// size reports what the notes refs hold (see cmdSize).
func (e *env) size(o sizeOptions) error {
	if len(o.Args) > 0 {
		return usagef("takes no arguments")
	}
	if o.Top < 0 {
		return usagef("--top must be at least 0, got %d", o.Top)
	}
	if err := checkFormat(o.Output.Format, "text", "json"); err != nil {
		return err
	}
	r, ref, err := e.notesRepo()
	if err != nil {
		return err
	}
	var out []report.Size
	for _, ref := range []string{ref, profileRef(ref)} {
		s, err := r.Size(ref, o.Top)
		if err != nil {
			return usagef("%s: %v", ref, err)
		}
		rs := report.Size{Ref: s.Ref, Notes: s.Notes, Records: s.Records, Bytes: s.Bytes, Commits: s.Commits, Pruned: s.Pruned}
		for _, n := range s.Largest {
			rs.Largest = append(rs.Largest, report.SizeNote{Commit: n.Commit.String(), Bytes: n.Bytes, Records: n.Records})
		}
		out = append(out, rs)
	}
	return e.writeOutput(o.Output, func(w io.Writer) error {
		if o.Output.Format == "json" {
			return report.SizeJSON(w, out)
		}
		return report.SizeText(w, out)
	})
}
