// Package config loads flameiq.yaml, the optional per-repository settings
// file, and turns it into comparison options. Every error names the file and
// line. Unknown keys are errors (a typo must never silently disable a gate).
// It knows nothing about git; callers find the file.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/snapshot"
)

// FileName is the default config file name, looked up at the work-tree root.
const FileName = "flameiq.yaml"

// Config is a parsed flameiq.yaml. Zero values mean "not set".
type Config struct {
	Path           string
	Base           string // base branch for diff
	NotesRef       string // notes ref, default refs/notes/flameiq
	Margin         *float64
	Threshold      *float64 // default threshold (key "threshold")
	Rules          []compare.Rule
	Tiers          *compare.Tiers
	Alpha          float64
	MinSamples     int
	Correction     string
	FailOnMissing  bool
	DriftWindow    int
	DriftThreshold *float64
	ProfileName    string // default profile name for profile diff / PR comment
	// MustMatch (environment.must_match) names the machine fingerprint
	// fields (snapshot.MachineFields) that base and head records must
	// share for diff to judge them.
	MustMatch []string
}

// Error is a config error with its position.
type Error struct {
	Path string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// Load reads path. A missing file is not an error when optional is true
// (it returns an empty Config).
func Load(path string, optional bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if optional && errors.Is(err, os.ErrNotExist) {
			return &Config{}, nil
		}
		return nil, &Error{Path: path, Msg: "cannot read: " + errors.Unwrap(err).Error()}
	}
	return Parse(data, path)
}

// Parse parses the bytes of a flameiq.yaml named path.
func Parse(data []byte, path string) (*Config, error) {
	c := &Config{Path: path}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return c, nil
		}
		return nil, &Error{Path: path, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return c, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return c, nil
	}
	p := &parser{path: path, c: c}
	if root.Kind != yaml.MappingNode {
		return nil, p.errf(root, "the top level must be a mapping of settings")
	}
	// A second document ("---") would be ignored while the first one
	// decides: refuse it, so what a reviewer reads is what applies.
	var more yaml.Node
	switch err := dec.Decode(&more); {
	case err == nil && len(more.Content) > 0 && !(more.Content[0].Kind == yaml.ScalarNode && more.Content[0].Tag == "!!null"):
		return nil, &Error{Path: path, Line: more.Content[0].Line, Msg: "a second YAML document (---): flameiq.yaml holds one"}
	case err == nil:
		// an empty document after a trailing "---": nothing to ignore
	case err.Error() != "EOF":
		return nil, &Error{Path: path, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if err := duplicateKeys(root, path); err != nil {
		return nil, err
	}
	if err := p.top(root); err != nil {
		return nil, err
	}
	return c, nil
}

type parser struct {
	path    string
	c       *Config
	ruleIdx map[string]int // glob → index in c.Rules
}

// duplicateKeys refuses a mapping with the same key twice at any depth
// (YAML keeps the last silently: a second "threshold:" inside a section
// would quietly replace the first).
func duplicateKeys(n *yaml.Node, path string) error {
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if seen[k.Value] {
				return &Error{Path: path, Line: k.Line, Msg: fmt.Sprintf("duplicate key %q", k.Value)}
			}
			seen[k.Value] = true
		}
	}
	for _, c := range n.Content {
		if err := duplicateKeys(c, path); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) error {
	return &Error{Path: p.path, Line: n.Line, Msg: fmt.Sprintf(format, args...)}
}

func pairs(n *yaml.Node) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	return out
}

func (p *parser) top(root *yaml.Node) error {
	seen := map[string]bool{}
	for _, kv := range pairs(root) {
		k, v := kv[0], kv[1]
		if seen[k.Value] {
			return p.errf(k, "duplicate key %q", k.Value)
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "base":
			p.c.Base, err = p.str(v, "base")
		case "notes_ref":
			p.c.NotesRef, err = p.str(v, "notes_ref")
			if err == nil && !strings.HasPrefix(p.c.NotesRef, "refs/notes/") {
				err = p.errf(v, "notes_ref %q must be under refs/notes/", p.c.NotesRef)
			}
		case "margin":
			var f float64
			f, err = p.num(v, "margin")
			p.c.Margin = &f
		case "threshold":
			var f float64
			f, err = p.threshold(v, "threshold")
			p.c.Threshold = &f
		case "thresholds":
			err = p.thresholds(v)
		case "budgets":
			err = p.budgets(v)
		case "metrics":
			err = p.metrics(v)
		case "tiers":
			err = p.tiers(v)
		case "statistics":
			err = p.statistics(v)
		case "drift":
			err = p.drift(v)
		case "fail_on_missing":
			p.c.FailOnMissing, err = p.boolean(v, "fail_on_missing")
		case "profiles":
			err = p.profiles(v)
		case "environment":
			err = p.environment(v)
		default:
			return p.errf(k, "unknown key %q (known: base, notes_ref, margin, threshold, thresholds, budgets, metrics, tiers, statistics, drift, fail_on_missing, profiles, environment)", k.Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) str(v *yaml.Node, what string) (string, error) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || v.Value == "" {
		return "", p.errf(v, "%s must be a non-empty string", what)
	}
	return v.Value, nil
}

func (p *parser) num(v *yaml.Node, what string) (float64, error) {
	if v.Kind != yaml.ScalarNode || (v.Tag != "!!int" && v.Tag != "!!float") {
		return 0, p.errf(v, "%s must be a number, got %q", what, v.Value)
	}
	f, err := strconv.ParseFloat(v.Value, 64)
	if err != nil {
		return 0, p.errf(v, "%s must be a number, got %q", what, v.Value)
	}
	return f, nil
}

func (p *parser) boolean(v *yaml.Node, what string) (bool, error) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
		return false, p.errf(v, "%s must be true or false", what)
	}
	return v.Value == "true", nil
}

// threshold parses a value in FlameIQ's grammar: "10%", "-5%", or a number.
func (p *parser) threshold(v *yaml.Node, what string) (float64, error) {
	if v.Kind != yaml.ScalarNode {
		return 0, p.errf(v, "%s: threshold must be a percent string like \"10%%\" or a number", what)
	}
	if v.Tag == "!!int" || v.Tag == "!!float" {
		return p.num(v, what)
	}
	f, err := compare.ParseThresholdString(v.Value)
	if err != nil {
		return 0, p.errf(v, "%s: bad threshold %q (want a percent like \"10%%\" or a number)", what, v.Value)
	}
	return f, nil
}

func (p *parser) mapping(v *yaml.Node, what string) error {
	if v.Kind != yaml.MappingNode {
		return p.errf(v, "%s must be a mapping", what)
	}
	return nil
}

// rule returns the rule of glob, adding it the first time (an index keeps
// a config with many thousands of globs linear).
func (p *parser) rule(glob string) *compare.Rule {
	if i, ok := p.ruleIdx[glob]; ok {
		return &p.c.Rules[i]
	}
	if p.ruleIdx == nil {
		p.ruleIdx = map[string]int{}
	}
	p.ruleIdx[glob] = len(p.c.Rules)
	p.c.Rules = append(p.c.Rules, compare.Rule{Glob: glob})
	return &p.c.Rules[len(p.c.Rules)-1]
}

func (p *parser) thresholds(v *yaml.Node) error {
	if err := p.mapping(v, "thresholds"); err != nil {
		return err
	}
	for _, kv := range pairs(v) {
		f, err := p.threshold(kv[1], "thresholds."+kv[0].Value)
		if err != nil {
			return err
		}
		p.rule(kv[0].Value).Threshold = &f
	}
	return nil
}

func (p *parser) budget(v *yaml.Node, what string) (*compare.Budget, error) {
	if v.Kind == yaml.ScalarNode {
		f, err := p.num(v, what)
		if err != nil {
			return nil, err
		}
		// A bare number is a ceiling; for a higher-is-better metric, the
		// comparison engine treats a Max-only bare budget as a floor.
		return &compare.Budget{Max: &f, Bare: true}, nil
	}
	if err := p.mapping(v, what); err != nil {
		return nil, err
	}
	b := &compare.Budget{}
	for _, kv := range pairs(v) {
		f, err := p.num(kv[1], what+"."+kv[0].Value)
		if err != nil {
			return nil, err
		}
		switch kv[0].Value {
		case "min":
			b.Min = &f
		case "max":
			b.Max = &f
		default:
			return nil, p.errf(kv[0], "unknown key %q in %s (want min or max)", kv[0].Value, what)
		}
	}
	if b.Min == nil && b.Max == nil {
		return nil, p.errf(v, "%s needs min or max", what)
	}
	if b.Min != nil && b.Max != nil && *b.Min > *b.Max {
		return nil, p.errf(v, "%s: min (%g) is above max (%g), so no value could meet it", what, *b.Min, *b.Max)
	}
	return b, nil
}

func (p *parser) budgets(v *yaml.Node) error {
	if err := p.mapping(v, "budgets"); err != nil {
		return err
	}
	for _, kv := range pairs(v) {
		b, err := p.budget(kv[1], "budgets."+kv[0].Value)
		if err != nil {
			return err
		}
		p.rule(kv[0].Value).Budget = b
	}
	return nil
}

func (p *parser) metrics(v *yaml.Node) error {
	if err := p.mapping(v, "metrics"); err != nil {
		return err
	}
	for _, kv := range pairs(v) {
		glob, body := kv[0].Value, kv[1]
		what := "metrics." + glob
		if err := p.mapping(body, what); err != nil {
			return err
		}
		r := p.rule(glob)
		for _, f := range pairs(body) {
			switch f[0].Value {
			case "direction":
				s, err := p.str(f[1], what+".direction")
				if err != nil {
					return err
				}
				d, err := snapshot.ParseDirection(s)
				if err != nil || s == "" {
					return p.errf(f[1], "%s.direction: %v", what, err)
				}
				r.Direction = &d
			case "action":
				s, err := p.str(f[1], what+".action")
				if err != nil {
					return err
				}
				if s != string(compare.Block) && s != string(compare.Warn) {
					return p.errf(f[1], "%s.action must be block or warn, got %q", what, s)
				}
				r.Action = compare.Action(s)
			case "threshold":
				t, err := p.threshold(f[1], what+".threshold")
				if err != nil {
					return err
				}
				r.Threshold = &t
			case "budget":
				b, err := p.budget(f[1], what+".budget")
				if err != nil {
					return err
				}
				r.Budget = b
			case "zero_baseline":
				s, err := p.str(f[1], what+".zero_baseline")
				if err != nil {
					return err
				}
				z, err := compare.ParseZeroBaseline(s)
				if err != nil {
					return p.errf(f[1], "%s.zero_baseline: %v", what, err)
				}
				r.ZeroBaseline = z
			default:
				return p.errf(f[0], "unknown key %q in %s (want direction, action, threshold, budget, zero_baseline)", f[0].Value, what)
			}
		}
	}
	return nil
}

func (p *parser) tiers(v *yaml.Node) error {
	if err := p.mapping(v, "tiers"); err != nil {
		return err
	}
	t := &compare.Tiers{}
	var haveBlock bool
	for _, kv := range pairs(v) {
		f, err := p.threshold(kv[1], "tiers."+kv[0].Value)
		if err != nil {
			return err
		}
		switch kv[0].Value {
		case "warn":
			t.Warn = f
		case "block":
			t.Block, haveBlock = f, true
		default:
			return p.errf(kv[0], "unknown key %q in tiers (want warn, block)", kv[0].Value)
		}
	}
	if !haveBlock {
		return p.errf(v, "tiers needs block")
	}
	if t.Warn > t.Block {
		return p.errf(v, "tiers: warn (%g%%) must not exceed block (%g%%)", t.Warn, t.Block)
	}
	p.c.Tiers = t
	return nil
}

func (p *parser) statistics(v *yaml.Node) error {
	if err := p.mapping(v, "statistics"); err != nil {
		return err
	}
	for _, kv := range pairs(v) {
		switch kv[0].Value {
		case "alpha":
			f, err := p.num(kv[1], "statistics.alpha")
			if err != nil {
				return err
			}
			if err := compare.CheckAlpha(f); err != nil {
				return p.errf(kv[1], "statistics.%v", err)
			}
			p.c.Alpha = f
		case "min_samples":
			f, err := p.num(kv[1], "statistics.min_samples")
			if err != nil {
				return err
			}
			if f < 2 || f != float64(int(f)) {
				return p.errf(kv[1], "statistics.min_samples must be an integer ≥ 2, got %g", f)
			}
			p.c.MinSamples = int(f)
		case "correction":
			s, err := p.str(kv[1], "statistics.correction")
			if err != nil {
				return err
			}
			if s != "auto" && s != "holm" && s != "none" {
				return p.errf(kv[1], "statistics.correction must be auto, holm or none, got %q", s)
			}
			p.c.Correction = s
		default:
			return p.errf(kv[0], "unknown key %q in statistics (want alpha, min_samples, correction)", kv[0].Value)
		}
	}
	return nil
}

func (p *parser) drift(v *yaml.Node) error {
	if err := p.mapping(v, "drift"); err != nil {
		return err
	}
	for _, kv := range pairs(v) {
		switch kv[0].Value {
		case "window":
			f, err := p.num(kv[1], "drift.window")
			if err != nil {
				return err
			}
			if f < 2 || f != float64(int(f)) {
				return p.errf(kv[1], "drift.window must be an integer ≥ 2")
			}
			p.c.DriftWindow = int(f)
		case "threshold":
			f, err := p.threshold(kv[1], "drift.threshold")
			if err != nil {
				return err
			}
			p.c.DriftThreshold = &f
		default:
			return p.errf(kv[0], "unknown key %q in drift (want window, threshold)", kv[0].Value)
		}
	}
	return nil
}

func (p *parser) environment(v *yaml.Node) error {
	if err := p.mapping(v, "environment"); err != nil {
		return err
	}
	for _, kv := range pairs(v) {
		if kv[0].Value != "must_match" {
			return p.errf(kv[0], "unknown key %q in environment (want must_match)", kv[0].Value)
		}
		if kv[1].Kind != yaml.SequenceNode {
			return p.errf(kv[1], "environment.must_match must be a list of %s", strings.Join(snapshot.MachineFields, ", "))
		}
		for _, f := range kv[1].Content {
			if f.Kind != yaml.ScalarNode || !slices.Contains(snapshot.MachineFields, f.Value) {
				return p.errf(f, "environment.must_match: unknown field %q (want %s)", f.Value, strings.Join(snapshot.MachineFields, ", "))
			}
			if !slices.Contains(p.c.MustMatch, f.Value) {
				p.c.MustMatch = append(p.c.MustMatch, f.Value)
			}
		}
	}
	return nil
}

func (p *parser) profiles(v *yaml.Node) error {
	if err := p.mapping(v, "profiles"); err != nil {
		return err
	}
	for _, kv := range pairs(v) {
		switch kv[0].Value {
		case "name":
			s, err := p.str(kv[1], "profiles.name")
			if err != nil {
				return err
			}
			p.c.ProfileName = s
		default:
			return p.errf(kv[0], "unknown key %q in profiles (want name)", kv[0].Value)
		}
	}
	return nil
}

// Apply copies the settings into compare options (flags applied afterwards win).
func (c *Config) Apply(o *compare.Options) {
	if c.Margin != nil {
		o.Margin = *c.Margin
	}
	if c.Threshold != nil {
		o.DefaultThreshold = *c.Threshold
	}
	o.Rules = append(o.Rules, c.Rules...)
	if c.Tiers != nil {
		t := *c.Tiers
		o.Tiers = &t
	}
	if c.Alpha != 0 {
		o.Alpha = c.Alpha
	}
	if c.MinSamples != 0 {
		o.MinSamples = c.MinSamples
	}
	if c.Correction != "" {
		o.Correction = c.Correction
	}
	if c.FailOnMissing {
		o.FailOnMissing = true
	}
}
