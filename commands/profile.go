package commands

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/glob"
	fstore "github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/profile"
	"github.com/flameiq/git-flameiq/report"
	"github.com/flameiq/git-flameiq/snapshot"
)

func init() { commandList = append(commandList, cmdProfile) }

// profileRef derives the profile notes ref from the metric notes ref.
var profileRef = fstore.ProfileRef

// profileRecords reads the profile records of commit h.
func (e *env) profileRecords(st *store, h gitstore.Hash) ([]profile.Record, error) {
	profiles, err := st.Profiles()
	if err != nil {
		return nil, usagef("%v", err)
	}
	data, err := profiles.Read(h)
	if err != nil {
		return nil, usagef("reading %s: %v", profileRef(st.ref), err)
	}
	recs, errs := profile.DecodeNote(data)
	for _, err := range errs {
		e.warn([]string{fmt.Sprintf("profile note of %s: %v (skipped)", short(h), err)})
	}
	return recs, nil
}

// profileSummaries sums up the profiles of commit h for show.
func (e *env) profileSummaries(st *store, h gitstore.Hash) ([]report.ShowProfile, error) {
	recs, err := e.profileRecords(st, h)
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
type profileItem struct {
	name, file string
	p          *profile.Profile
}

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
		items = append(items, profileItem{name: name, file: file, p: p})
	}
	return items, nil
}

// recordProfiles parses every NAME=FILE, then appends them all in one notes
// commit: nothing is half-written.
func (e *env) recordProfiles(c *cli.Context, st *store, h gitstore.Hash, specs []string, metricGlob string) error {
	items, err := e.parseProfiles(specs)
	if err != nil {
		return err
	}
	return e.writeProfiles(st, h, items, metricGlob)
}

// writeProfiles links and appends parsed profiles to the note of h.
func (e *env) writeProfiles(st *store, h gitstore.Hash, items []profileItem, metricGlob string) error {
	auto := true // automatic links only make sense for CPU time
	for _, it := range items {
		if it.p.DefaultName() != "cpu" {
			auto = false
		}
	}
	metric := ""
	if metricGlob != "" || auto {
		var err error
		if metric, err = e.linkMetric(st, h, metricGlob); err != nil {
			return err
		}
	}
	var lines []byte
	for _, it := range items {
		line, err := profile.EncodeRecord(snapshot.NewID(), it.name, metric, it.p)
		if err != nil {
			return &dataError{err}
		}
		lines = append(append(lines, line...), '\n')
	}
	ref := profileRef(st.ref)
	if err := st.repo.AppendNote(ref, h, lines, "Notes added by 'git flameiq profile record'"); err != nil {
		return usagef("writing %s: %v", ref, err)
	}
	for _, it := range items {
		link := ""
		if metric != "" {
			link = ", linked to " + metric
		}
		fmt.Fprintf(e.stderr, "recorded profile %s (%s, %s%s) on %s in %s\n", it.name, it.p.Kind, profile.SampleTypeList(it.p.SampleTypes), link, short(h), ref)
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

// linkMetric resolves --metric against the commit's snapshot: it must match
// exactly one key. Without --metric, a snapshot with exactly one sec/op
// metric is linked automatically.
func (e *env) linkMetric(st *store, h gitstore.Hash, g string) (string, error) {
	snap, ok, warns, err := st.snapshot(h)
	e.warn(warns)
	if err != nil {
		return "", err
	}
	if g != "" && !ok {
		return "", usagef("--metric %s: %s has no snapshot to link to; record its benchmarks first", g, short(h))
	}
	if !ok {
		return "", nil
	}
	var matches []string
	for _, m := range snap.Metrics {
		if g != "" && glob.Match(g, m.Key) || g == "" && strings.HasSuffix(m.Key, ":sec/op") {
			matches = append(matches, m.Key)
		}
	}
	switch {
	case g == "" && len(matches) == 1:
		return matches[0], nil
	case g == "":
		return "", nil
	case len(matches) == 1:
		return matches[0], nil
	case len(matches) == 0:
		return "", usagef("--metric %s matches no metric of %s; some keys: %s", g, short(h), strings.Join(snap.Keys()[:min(5, len(snap.Keys()))], ", "))
	}
	return "", usagef("--metric %s matches %d metrics of %s (%s…); it must match exactly one", g, len(matches), short(h), strings.Join(matches[:min(3, len(matches))], ", "))
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
					if c.NArg() == 0 {
						return usagef("needs at least one FILE")
					}
					st, err := e.openStore()
					if err != nil {
						return err
					}
					h, err := resolve(st.repo, c.String("commit"))
					if err != nil {
						return err
					}
					var specs []string
					for _, f := range c.Args().Slice() {
						if n := c.String("name"); n != "" {
							f = n + "=" + f
						} else {
							f = "=" + f
						}
						specs = append(specs, f)
					}
					return e.recordProfiles(c, st, h, specs, c.String("metric"))
				},
			},
			cmdProfileDiff(e),
		},
	}
}
