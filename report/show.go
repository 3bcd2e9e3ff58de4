package report

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchunit"

	"github.com/flameiq/git-flameiq/snapshot"
)

// Show is the `git flameiq show` report: the snapshot recorded on a commit
// and a summary of its profiles. ShowText and ShowJSON render it.
type Show struct {
	Snapshot *snapshot.Snapshot
	Profiles []ShowProfile
}

// ShowProfile sums up the records of one profile name on the commit.
type ShowProfile struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	SampleTypes string `json:"sample_types"`
	Size        int    `json:"size"`
	Records     int    `json:"records"`
	Metric      string `json:"metric,omitempty"`
}

type jsonShowMetric struct {
	Key       string    `json:"key"`
	Unit      string    `json:"unit,omitempty"`
	Direction string    `json:"direction"`
	Value     float64   `json:"value"`
	N         int       `json:"n"`
	Samples   []float64 `json:"samples"`
}

// ShowJSON writes {commit, branch, suite, environment, timestamp, tags,
// metrics: [{key, unit, direction, value, n, samples}], profiles},
// indented, HTML characters unescaped; docs/schema/show.schema.json
// describes every field. metrics is [] for a commit with only profiles.
func ShowJSON(w io.Writer, sh *Show) error {
	s := sh.Snapshot
	out := struct {
		Commit      string            `json:"commit"`
		Branch      string            `json:"branch,omitempty"`
		Suite       string            `json:"suite,omitempty"`
		Environment string            `json:"environment,omitempty"`
		Timestamp   string            `json:"timestamp,omitempty"`
		Tags        map[string]string `json:"tags,omitempty"`
		Machine     *snapshot.Machine `json:"machine,omitempty"`
		Metrics     []jsonShowMetric  `json:"metrics"`
		Profiles    []ShowProfile     `json:"profiles,omitempty"`
	}{Commit: s.Meta.Commit, Branch: s.Meta.Branch, Suite: s.Meta.Suite, Environment: s.Meta.Environment,
		Timestamp: s.Meta.Timestamp, Tags: s.Meta.Tags, Metrics: make([]jsonShowMetric, 0, len(s.Metrics)), Profiles: sh.Profiles}
	if !s.Meta.Machine.IsZero() {
		out.Machine = &s.Meta.Machine
	}
	for _, m := range s.Metrics {
		out.Metrics = append(out.Metrics, jsonShowMetric{Key: m.Key, Unit: m.Unit, Direction: m.Direction.String(),
			Value: m.Value(), N: len(m.Samples), Samples: m.Samples})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// ShowText writes the snapshot's metadata, a table of its metrics (value
// scaled as diff shows it, unit, number of samples, direction) and a table
// of its profiles.
func ShowText(w io.Writer, sh *Show) error {
	s := sh.Snapshot
	var b strings.Builder
	fmt.Fprintf(&b, "commit %s\n", s.Meta.Commit)
	for _, kv := range [][2]string{{"branch", s.Meta.Branch}, {"suite", s.Meta.Suite}, {"environment", s.Meta.Environment}, {"recorded", s.Meta.Timestamp}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, "%s: %s\n", kv[0], kv[1])
		}
	}
	if len(s.Meta.Tags) > 0 {
		var tags []string
		for _, k := range slices.Sorted(maps.Keys(s.Meta.Tags)) {
			tags = append(tags, k+"="+s.Meta.Tags[k])
		}
		fmt.Fprintf(&b, "tags: %s\n", strings.Join(tags, " "))
	}
	if !s.Meta.Machine.IsZero() {
		fmt.Fprintf(&b, "machine: %s\n", s.Meta.Machine)
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	rows := [][]string{{"metric", "value", "unit", "n", "direction"}}
	for _, m := range s.Metrics {
		// Scaled as benchstat and diff show it (40.08µ under sec/op); the
		// exact value is in --format json.
		v := strconv.FormatFloat(m.Value(), 'g', 6, 64)
		if m.Unit != "" {
			v = benchunit.Scale(m.Value(), benchunit.ClassOf(m.Unit))
		}
		rows = append(rows, []string{m.Key, v, m.Unit, strconv.Itoa(len(m.Samples)), m.Direction.String()})
	}
	if err := writeTable(w, rows, tableStyle{ragged: true}); err != nil {
		return err
	}
	if len(sh.Profiles) == 0 {
		return nil
	}
	if _, err := io.WriteString(w, "\nprofiles:\n"); err != nil {
		return err
	}
	rows = [][]string{{"name", "type", "sample types", "size", "linked metric"}}
	for _, p := range sh.Profiles {
		rows = append(rows, []string{p.Name, p.Kind, p.SampleTypes, strconv.Itoa(p.Size), p.Metric})
	}
	return writeTable(w, rows, tableStyle{ragged: true})
}
