package commands

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/ingest"
	"github.com/flameiq/git-flameiq/internal/machine"
	fstore "github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/snapshot"
)

func init() { commandList = append(commandList, cmdRecord) }

// recordFlags are record's and run's: --commit, the record's metadata and
// the input format.
func recordFlags() []cli.Flag {
	flags := []cli.Flag{&cli.StringFlag{Name: "commit", Value: "HEAD", Usage: "attach the record to `REV`"}}
	flags = append(flags, recordMetaFlags()...)
	return append(flags, append(inputFormatFlags(), skipWarmupFlag)...)
}

// recordMetaFlags are the metadata of a record (bisect and check record
// what they measure with them too).
func recordMetaFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "suite", Usage: "suite `NAME` stored in the record's metadata"},
		&cli.StringSliceFlag{Name: "tag", Usage: "free `KEY=VALUE` metadata (repeatable)"},
		&cli.StringFlag{Name: "environment", Usage: "environment `NAME` (e.g. ci, laptop)"},
		&cli.BoolFlag{Name: "require-clean", Usage: "refuse to record on HEAD when tracked files have uncommitted changes (the results would not measure HEAD)"},
		allowFailedFlag,
	}
}

func cmdRecord(e *env) *cli.Command {
	return &cli.Command{
		Name:      "record",
		Usage:     "parse benchmark results and attach them to a commit as a git note",
		ArgsUsage: "FILE…|-",
		Description: `Every FILE (or - for stdin) is parsed (format auto-detected) and the metrics are
appended as one JSON line to the note of the commit in refs/notes/flameiq.
Records on one commit combine on read: samples of the same key concatenate.
Nothing is written unless every input parses (exit 3 otherwise).

Example:
   go test -bench . -count 10 | tee bench.txt
   git flameiq record --suite unit bench.txt`,
		Flags: append(recordFlags(),
			&cli.StringSliceFlag{Name: "profile", Usage: "also attach a profile: `NAME=FILE` (repeatable; see profile record)"},
		),
		Action: func(c *cli.Context) error {
			format, err := e.inputFormat(c.String("input-format"), c.String("format"), c.IsSet("format"))
			if err != nil {
				return err
			}
			warmup, err := skipWarmup(c)
			if err != nil {
				return err
			}
			return e.record(recordOptions{Files: c.Args().Slice(), Format: format, SkipWarmup: warmup, AllowFailed: c.Bool("allow-failed"),
				Profiles: c.StringSlice("profile"), Meta: recordMeta{Commit: c.String("commit"), Suite: c.String("suite"),
					Tags: c.StringSlice("tag"), Environment: c.String("environment"), RequireClean: c.Bool("require-clean")}})
		},
	}
}

// recordOptions are record's flags and arguments.
type recordOptions struct {
	Files       []string // FILE… (- for stdin)
	Format      string   // --format ("": detect)
	SkipWarmup  time.Duration
	AllowFailed bool
	Profiles    []string // --profile NAME=FILE
	Meta        recordMeta
}

// record parses the inputs and attaches them to a commit (see cmdRecord).
func (e *env) record(o recordOptions) error {
	if len(o.Files) == 0 {
		return usagef("needs at least one FILE (or - for stdin)")
	}
	// Profiles are parsed first too: bad input writes nothing at all.
	profs, err := e.parseProfiles(o.Profiles)
	if err != nil {
		return err
	}
	var snaps []*snapshot.Snapshot
	for _, p := range o.Files {
		s, err := e.parseInput(e.path(p), ingest.Options{Format: o.Format, SkipWarmup: o.SkipWarmup,
			Lean: len(o.Files) == 1}, o.AllowFailed) // one input is recorded as it is
		if err != nil {
			return err
		}
		snaps = append(snaps, s)
	}
	// One input's snapshot is recorded as it is (ingest's, sorted and
	// owned here): Merge would copy it, and with it millions of metrics.
	snap := snaps[0]
	if len(snaps) > 1 {
		snap = snapshot.Merge(snaps...)
		var srcs, formats []string
		for _, s := range snaps {
			srcs = append(srcs, s.Meta.Source)
			if !slices.Contains(formats, s.Meta.Format) {
				formats = append(formats, s.Meta.Format)
			}
		}
		snap.Meta.Source = strings.Join(srcs, ",")
		snap.Meta.Format = strings.Join(formats, ",")
	}
	return e.recordSnapshot(o.Meta, snap, profs)
}

// recordSnapshot fills the metadata (--tag, the branch), appends the
// record to the note of m.Commit and stores profs (if any) with it.
func (e *env) recordSnapshot(m recordMeta, snap *snapshot.Snapshot, profs []profileItem) error {
	tags, err := withTags(snap.Meta.Tags, m.Tags)
	if err != nil {
		return err
	}
	st, err := e.openStore()
	if err != nil {
		return err
	}
	h, err := resolve(st.repo, m.Commit)
	if err != nil {
		return err
	}
	snap.Meta.Tags = tags
	if m.Commit == "HEAD" && e.topLevel() != "" {
		// Results measured in a work tree with uncommitted changes do not
		// measure HEAD: say so, or refuse with --require-clean.
		if changed, err := gitstore.ChangedFiles(e.ctx, e.workDir()); err == nil && len(changed) > 0 {
			msg := fmt.Sprintf("the work tree has uncommitted changes to %s (%s): these results may not measure HEAD %s", plural(len(changed), "tracked file"), namedList(changed), short(h))
			if m.RequireClean {
				return usagef("%s; commit them, or record with --commit on the commit that was measured (--require-clean)", msg)
			}
			e.warn([]string{msg})
		}
	}
	if snap.Meta.Branch == "" && m.Commit == "HEAD" {
		snap.Meta.Branch = st.repo.CurrentBranch()
	}
	if err := e.recordOn(st, h, snap, m); err != nil {
		return err
	}
	if len(profs) > 0 {
		return e.writeProfiles(st, h, profs, "")
	}
	return nil
}

// withTags is have (the input's own tags) with the --tag KEY=VALUE flags
// set over it: the tags a record gets.
func withTags(have map[string]string, flags []string) (map[string]string, error) {
	tags := map[string]string{}
	for k, v := range have {
		tags[k] = v
	}
	for _, t := range flags {
		k, v, ok := strings.Cut(t, "=")
		if !ok || k == "" {
			return nil, usagef("--tag %s: want KEY=VALUE", t)
		}
		tags[k] = v
	}
	return tags, nil
}

// recordOn appends snap as one record to the note of h; m's suite and
// environment (when given) fill the metadata.
func (e *env) recordOn(st *store, h gitstore.Hash, snap *snapshot.Snapshot, m recordMeta) error {
	snap.Meta.Commit = h.String()
	if m.Suite != "" {
		snap.Meta.Suite = m.Suite
	}
	if m.Environment != "" {
		snap.Meta.Environment = m.Environment
	}
	snap.Meta.Timestamp = time.Now().UTC().Format(time.RFC3339)
	if snap.Meta.Machine.IsZero() {
		snap.Meta.Machine = machine.Of(snap.Meta.Tags)
	}
	if err := st.Append(h, snap, "Notes added by 'git flameiq record'"); err != nil {
		var de *fstore.DataError
		if errors.As(err, &de) {
			return &dataError{de.Err}
		}
		return usagef("%v", err)
	}
	fmt.Fprintf(e.stderr, "recorded %s (%s) on %s in %s\n", plural(snap.Len(), "metric"),
		plural(snap.SampleCount(), "sample"), short(h), st.ref)
	return nil
}
