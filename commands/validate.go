package commands

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/ingest"
)

func init() { commandList = append(commandList, cmdValidate) }

func cmdValidate(e *env) *cli.Command {
	var names []string
	for _, f := range ingest.Formats() {
		names = append(names, "   "+f.Name+": "+f.Doc)
	}
	return &cli.Command{
		Name:      "validate",
		Usage:     "check input files: detected format and metric count, or precise errors",
		ArgsUsage: "FILE…",
		Description: `Example:
   git flameiq validate bench.txt results.json

Formats (auto-detected; force one with --input-format):
` + strings.Join(names, "\n"),
		Flags: append(inputFormatFlags(),
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object per file"},
		),
		Action: func(c *cli.Context) error {
			format, err := e.inputFormat(c.String("input-format"), c.String("format"), c.IsSet("format"))
			if err != nil {
				return err
			}
			return e.validate(validateOptions{Files: c.Args().Slice(), Format: format, JSON: c.Bool("json")})
		},
	}
}

// validateOptions are validate's flags and arguments.
type validateOptions struct {
	Files  []string
	Format string // --format ("": detect)
	JSON   bool
}

// validate checks input files (see cmdValidate).
func (e *env) validate(o validateOptions) error {
	if len(o.Files) == 0 {
		return usagef("needs at least one FILE")
	}
	invalid := 0
	for _, p := range o.Files {
		s, err := ingest.ParseFileWith(e.path(p), ingest.Options{Format: o.Format, Lean: true})
		if errors.Is(err, ingest.ErrUnknownFormat) {
			return err
		}
		if o.JSON {
			out := map[string]any{"file": p, "valid": err == nil}
			if err == nil {
				out["format"] = s.Meta.Format
				out["metrics"] = s.Len()
				out["samples"] = s.SampleCount()
			} else {
				out["errors"] = strings.Split(err.Error(), "\n")
			}
			b, _ := json.Marshal(out)
			fmt.Fprintln(e.stdout, string(b))
		} else if err == nil {
			fmt.Fprintf(e.stdout, "%s: ok: format %s, %s, %s\n", p, s.Meta.Format,
				plural(s.Len(), "metric"), plural(s.SampleCount(), "sample"))
		} else {
			fmt.Fprintf(e.stdout, "%s: invalid\n", p)
			for _, l := range strings.Split(err.Error(), "\n") {
				fmt.Fprintf(e.stderr, "  %s\n", l)
			}
		}
		if err != nil {
			invalid++
		}
	}
	if invalid > 0 {
		return &dataError{fmt.Errorf("%d of %d file(s) invalid", invalid, len(o.Files))}
	}
	return nil
}
