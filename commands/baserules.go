package commands

import (
	"fmt"
	"strings"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/config"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/snapshot"
)

// judgeByBaseRules is the PR check's trust boundary: the rules come from
// the base commit's flameiq.yaml (read from git), not from the work tree,
// which in CI is the pull request's. When the PR changes the rules, both
// sets judge; the PR's apply when they fail everything the base's fail
// (they do not loosen the gate) or when a written `Perf-Accepted: config:
// <reason>` accepts them; otherwise the base's rules decide. Either way the
// report lists the changes. --config FILE is explicit and always wins.
func (e *env) judgeByBaseRules(baseCommit gitstore.Hash, r ruleOptions, globs []string, base, head *snapshot.Snapshot, headOpts compare.Options) (*compare.Result, error) {
	accepts, configAccept := splitConfigAcceptance(headOpts.Accept)
	headOpts.Accept = accepts
	if e.configPath != "" {
		return compareFiltered(globs, base, head, headOpts)
	}
	baseCfg, err := e.baseConfig(baseCommit)
	if err != nil {
		return nil, err
	}
	headCfg, err := e.config()
	if err != nil {
		return nil, err
	}
	changes := config.Diff(baseCfg, headCfg)
	if len(changes) == 0 {
		return compareFiltered(globs, base, head, headOpts)
	}
	baseOpts, err := optionsFrom(baseCfg, r)
	if err != nil {
		return nil, err
	}
	baseOpts.Accept = accepts
	resBase, err := compareFiltered(globs, base, head, baseOpts)
	if err != nil {
		return nil, err
	}
	resHead, err := compareFiltered(globs, base, head, headOpts)
	if err != nil {
		return nil, err
	}
	loosened := loosenedKeys(resBase, resHead)
	res := resHead
	switch {
	case len(loosened) == 0:
		res.RuleDecision = "the PR's rules apply: they fail everything the base's rules fail"
	case configAccept != nil:
		res.RuleDecision = fmt.Sprintf("the PR's rules apply, accepted (%s): %s; without that they would not, since they pass %s", configAccept.Source, configAccept.Reason, namedList(loosened))
	default:
		res = resBase
		res.RuleDecision = fmt.Sprintf("judged by the base's rules: the PR's rules would pass %s, which the base's rules fail; a 'Perf-Accepted: config: <reason>' line (PR description or commit) applies them", namedList(loosened))
	}
	res.RuleChanges = changes
	res.Warnings = append(res.Warnings, "rules changed in this PR: "+res.RuleDecision)
	return res, nil
}

// baseConfig reads flameiq.yaml as the base commit has it (from git, not
// the work tree); a base without one has the empty config.
func (e *env) baseConfig(baseCommit gitstore.Hash) (*config.Config, error) {
	data, found, err := gitstore.ReadFileAt(e.ctx, e.workDir(), baseCommit, config.FileName)
	if err != nil {
		return nil, usagef("reading the base's %s: %v", config.FileName, err)
	}
	if !found {
		return &config.Config{}, nil
	}
	return config.Parse(data, short(baseCommit)+":"+config.FileName)
}

// splitConfigAcceptance separates `Perf-Accepted: config: <reason>` (an
// opt-out for rule changes, not for a metric) from the metric opt-outs.
func splitConfigAcceptance(all []compare.Acceptance) (metrics []compare.Acceptance, cfg *compare.Acceptance) {
	for i, a := range all {
		if a.Glob == "config" {
			if strings.TrimSpace(a.Reason) != "" {
				cfg = &all[i]
			}
			continue
		}
		metrics = append(metrics, a)
	}
	return metrics, cfg
}

// loosenedKeys are the metrics that fail under the base's rules but not
// under the PR's (the overall verdict counts as one, "the check").
func loosenedKeys(base, head *compare.Result) []string {
	headFails := map[string]bool{}
	for _, d := range head.Diffs {
		if head.Fails(d) {
			headFails[d.Key] = true
		}
	}
	var out []string
	for _, d := range base.Diffs {
		if base.Fails(d) && !headFails[d.Key] {
			out = append(out, d.Key)
		}
	}
	if len(out) == 0 && base.Failed() && !head.Failed() {
		out = append(out, "the check")
	}
	return out
}

func namedList(keys []string) string {
	if len(keys) > 3 {
		return strings.Join(keys[:3], ", ") + fmt.Sprintf(" and %d more", len(keys)-3)
	}
	return strings.Join(keys, ", ")
}
