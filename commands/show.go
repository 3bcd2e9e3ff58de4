package commands

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/report"
	"github.com/flameiq/git-flameiq/snapshot"
)

func init() { commandList = append(commandList, cmdShow) }

func cmdShow(e *env) *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "print the snapshot recorded on a commit (all its records combined)",
		ArgsUsage: "[REV]",
		Description: `Example:
   git flameiq show HEAD~1
   git flameiq show --format json main | jq '.metrics[].key'`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "`FORMAT`: text or json"},
		},
		Action: func(c *cli.Context) error {
			return e.show(showOptions{Args: c.Args().Slice(), Format: c.String("format")})
		},
	}
}

// showOptions are show's flags and arguments.
type showOptions struct {
	Args   []string // [REV]
	Format string
}

// show prints the snapshot of a commit (see cmdShow).
func (e *env) show(o showOptions) error {
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	st, h, rev, err := e.openRev(o.Args)
	if err != nil {
		return err
	}
	snap, ok, warns, err := st.snapshot(h)
	for _, w := range warns {
		fmt.Fprintln(e.stderr, "warning: "+w)
	}
	if err != nil {
		return err
	}
	profiles, err := e.profileSummaries(st, h)
	if err != nil {
		return err
	}
	if !ok && len(profiles) == 0 {
		return usagef("%s (%s) has no snapshot in %s; %s", rev, short(h), st.ref, recordHint(h))
	}
	if !ok {
		snap = &snapshot.Snapshot{Meta: snapshot.Meta{Commit: h.String()}}
	}
	sh := &report.Show{Snapshot: snap, Profiles: profiles}
	if o.Format == "json" {
		return report.ShowJSON(e.stdout, sh)
	}
	return report.ShowText(e.stdout, sh)
}
