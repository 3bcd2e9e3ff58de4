package commands

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/gitstore"
	fstore "github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/profile"
	"github.com/flameiq/git-flameiq/report"
)

func init() { commandList = append(commandList, cmdProfile) }

// profileRef derives the profile notes ref from the metric notes ref.
var profileRef = fstore.ProfileRef

// profileSummaries sums up the profiles of commit h for show.
func (e *env) profileSummaries(st *store, h gitstore.Hash) ([]report.ShowProfile, error) {
	recs, warns, err := st.ProfileRecords(h)
	e.warn(warns)
	if err != nil {
		return nil, err
	}
	var out []report.ShowProfile
	for _, name := range profile.Names(recs) {
		s := report.ShowProfile{Name: name}
		for _, r := range recs {
			if r.Name != name {
				continue
			}
			s.Kind, s.SampleTypes = r.Kind, profile.SampleTypeList(r.SampleTypes)
			s.Size += r.Size
			s.Records++
			if r.Metric != "" {
				s.Metric = r.Metric
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// profileItem is a parsed profile waiting to be recorded.
type profileItem = fstore.NamedProfile

// parseProfiles reads and checks every NAME=FILE (or FILE: the name comes
// from the profile) before anything is written.
func (e *env) parseProfiles(specs []string) ([]profileItem, error) {
	var items []profileItem
	for _, spec := range specs {
		name, file, ok := strings.Cut(spec, "=")
		if !ok {
			name, file = "", spec
		}
		var data []byte
		var err error
		if file == "-" {
			data, err = io.ReadAll(e.stdin)
		} else {
			data, err = os.ReadFile(e.path(file))
		}
		if err != nil {
			return nil, &dataError{fmt.Errorf("%s: cannot read: %v", file, unwrapPath(err))}
		}
		p, err := profile.Parse(data, file)
		if err != nil {
			return nil, &dataError{err}
		}
		if _, err := p.Bytes(); err != nil {
			return nil, &dataError{err}
		}
		if name == "" {
			name = p.DefaultName()
		}
		items = append(items, profileItem{Name: name, Profile: p})
	}
	return items, nil
}

// writeProfiles links and appends parsed profiles to the note of h
// (fstore.Store.AppendProfiles) and says so.
func (e *env) writeProfiles(st *store, h gitstore.Hash, items []profileItem, metricGlob string) error {
	metric, err := st.AppendProfiles(h, items, metricGlob, e.warn)
	if err != nil {
		return err
	}
	ref := profileRef(st.ref)
	for _, it := range items {
		link := ""
		if metric != "" {
			link = ", linked to " + metric
		}
		fmt.Fprintf(e.stderr, "recorded profile %s (%s, %s%s) on %s in %s\n", it.Name, it.Profile.Kind, profile.SampleTypeList(it.Profile.SampleTypes), link, short(h), ref)
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// profileRecordOptions are profile record's flags and arguments.
type profileRecordOptions struct {
	Files  []string
	Commit string // --commit REV
	Name   string // --name ("": derived from each profile)
	Metric string // --metric KEY|GLOB to link to
}

func cmdProfile(e *env) *cli.Command {
	return &cli.Command{
		Name:  "profile",
		Usage: "store profiles with the commit and diff them (differential flame graph)",
		Subcommands: []*cli.Command{
			{
				Name:      "record",
				Usage:     "attach pprof or folded-stack profiles to a commit",
				ArgsUsage: "FILE…|-",
				Description: `Profiles (pprof protobuf, gzipped or not, any sample types; or folded stacks
"frame;frame;leaf count") go to refs/notes/flameiq-profiles. --name defaults to a
name derived from the profile (cpu, heap, block, mutex, goroutine, folded); the same
name recorded twice on a commit merges. --metric links the profile to one
time-per-op metric of the commit's snapshot, so profile diff can say µs/op.

Example:
   go test -run '^$' -bench Encode -count 5 -cpuprofile cpu.pprof | tee bench.txt
   git flameiq record bench.txt
   git flameiq profile record cpu.pprof          # linked automatically to the one sec/op metric`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "commit", Value: "HEAD", Usage: "attach to `REV`"},
					&cli.StringFlag{Name: "name", Usage: "profile `NAME` (default: derived from the profile)"},
					&cli.StringFlag{Name: "metric", Usage: "link to the time-per-op metric `KEY|GLOB` (must match exactly one)"},
				},
				Action: func(c *cli.Context) error {
					return e.profileRecord(profileRecordOptions{Files: c.Args().Slice(), Commit: c.String("commit"), Name: c.String("name"), Metric: c.String("metric")})
				},
			},
			cmdProfileDiff(e),
		},
	}
}

// profileRecord attaches profiles to a commit (see cmdProfile). Every
// profile is parsed before one notes commit appends them all: nothing is
// half-written.
func (e *env) profileRecord(o profileRecordOptions) error {
	if len(o.Files) == 0 {
		return usagef("needs at least one FILE")
	}
	st, err := e.openStore()
	if err != nil {
		return err
	}
	h, err := resolve(st.repo, o.Commit)
	if err != nil {
		return err
	}
	var specs []string
	for _, f := range o.Files {
		specs = append(specs, o.Name+"="+f)
	}
	items, err := e.parseProfiles(specs)
	if err != nil {
		return err
	}
	return e.writeProfiles(st, h, items, o.Metric)
}
