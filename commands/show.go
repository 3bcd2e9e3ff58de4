package commands

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
	"golang.org/x/perf/benchunit"

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
			if err := checkFormat(c.String("format"), "text", "json"); err != nil {
				return err
			}
			st, h, rev, err := e.openRev(c)
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
			if c.String("format") == "json" {
				return showJSON(e, snap, profiles)
			}
			return showText(e, snap, profiles)
		},
	}
}

type showMetric struct {
	Key       string    `json:"key"`
	Unit      string    `json:"unit,omitempty"`
	Direction string    `json:"direction"`
	Value     float64   `json:"value"`
	N         int       `json:"n"`
	Samples   []float64 `json:"samples"`
}

func showJSON(e *env, s *snapshot.Snapshot, profiles []profileSummary) error {
	out := struct {
		Commit      string            `json:"commit"`
		Branch      string            `json:"branch,omitempty"`
		Suite       string            `json:"suite,omitempty"`
		Environment string            `json:"environment,omitempty"`
		Timestamp   string            `json:"timestamp,omitempty"`
		Tags        map[string]string `json:"tags,omitempty"`
		Metrics     []showMetric      `json:"metrics"`
		Profiles    []profileSummary  `json:"profiles,omitempty"`
	}{Commit: s.Meta.Commit, Branch: s.Meta.Branch, Suite: s.Meta.Suite, Environment: s.Meta.Environment,
		Timestamp: s.Meta.Timestamp, Tags: s.Meta.Tags, Profiles: profiles}
	for _, m := range s.Metrics {
		out.Metrics = append(out.Metrics, showMetric{Key: m.Key, Unit: m.Unit, Direction: m.Direction.String(),
			Value: m.Value(), N: len(m.Samples), Samples: m.Samples})
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func showText(e *env, s *snapshot.Snapshot, profiles []profileSummary) error {
	fmt.Fprintf(e.stdout, "commit %s\n", s.Meta.Commit)
	for _, kv := range [][2]string{{"branch", s.Meta.Branch}, {"suite", s.Meta.Suite}, {"environment", s.Meta.Environment}, {"recorded", s.Meta.Timestamp}} {
		if kv[1] != "" {
			fmt.Fprintf(e.stdout, "%s: %s\n", kv[0], kv[1])
		}
	}
	if len(s.Meta.Tags) > 0 {
		var tags []string
		for _, k := range sortedKeys(s.Meta.Tags) {
			tags = append(tags, k+"="+s.Meta.Tags[k])
		}
		fmt.Fprintf(e.stdout, "tags: %s\n", strings.Join(tags, " "))
	}
	fmt.Fprintln(e.stdout)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tvalue\tunit\tn\tdirection")
	for _, m := range s.Metrics {
		// Scaled as benchstat and diff show it (40.08µ under sec/op); the
		// exact value is in --format json.
		v := strconv.FormatFloat(m.Value(), 'g', 6, 64)
		if m.Unit != "" {
			v = benchunit.Scale(m.Value(), benchunit.ClassOf(m.Unit))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", m.Key, v, m.Unit, len(m.Samples), m.Direction)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(profiles) > 0 {
		fmt.Fprintln(e.stdout, "\nprofiles:")
		tw = tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "name\ttype\tsample types\tsize\tlinked metric")
		for _, p := range profiles {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", p.Name, p.Kind, p.SampleTypes, p.Size, p.Metric)
		}
		return tw.Flush()
	}
	return nil
}
