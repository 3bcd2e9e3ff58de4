package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/snapshot"
)

// codeQualitySeverity is the GitLab Code Quality severity of each status
// that is reported; the others (PASS, IMPROVED, NEW, INFO, SKIPPED) are
// not issues.
var codeQualitySeverity = map[compare.Status]string{
	compare.Regression:   "major",
	compare.BudgetBreach: "major",
	compare.Failed:       "major",
	compare.Warning:      "minor",
	compare.Missing:      "minor",
	compare.Accepted:     "info",
}

// codeQualityIssue is one entry of a GitLab Code Quality report (the
// subset of the Code Climate issue GitLab reads).
type codeQualityIssue struct {
	Description string `json:"description"`
	CheckName   string `json:"check_name"`
	Fingerprint string `json:"fingerprint"`
	Severity    string `json:"severity"`
	Location    struct {
		Path  string `json:"path"`
		Lines struct {
			Begin int `json:"begin"`
		} `json:"lines"`
	} `json:"location"`
}

// CodeQuality writes r as a GitLab Code Quality report (the artifact
// `artifacts:reports:codequality` of a merge request pipeline): a JSON
// array with one issue per metric that regressed, breached a budget or
// failed (severity major), warned or went missing (minor) or was accepted
// (info), described with its change, sides and threshold. The fingerprint
// is the metric and its status, so GitLab's merge request widget shows an
// issue as new when it appears and resolved when it goes. Code Quality
// needs a file: every issue is located at line 1 of path (the rules'
// flameiq.yaml). No issue is "[]".
func CodeQuality(w io.Writer, r *compare.Result, path string) error {
	issues := []codeQualityIssue{}
	for _, d := range r.Diffs {
		sev, ok := codeQualitySeverity[d.Status]
		if !ok {
			continue
		}
		key := snapshot.Printable(d.Key)
		var is codeQualityIssue
		is.CheckName = "git-flameiq/" + strings.ToLower(string(d.Status))
		is.Severity = sev
		is.Description = codeQualityText(d, key, r.Alpha)
		sum := sha256.Sum256([]byte(is.CheckName + "\x00" + d.Key))
		is.Fingerprint = hex.EncodeToString(sum[:16])
		is.Location.Path = path
		is.Location.Lines.Begin = 1
		issues = append(issues, is)
	}
	b, err := json.MarshalIndent(issues, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// codeQualityText is the one-line description of a diff: "Work-2:sec/op:
// REGRESSION +30.00% (20.01 µs/op → 26.01 µs/op, threshold 10%)".
func codeQualityText(d compare.Diff, key string, alpha float64) string {
	s := fmt.Sprintf("%s: %s", key, statusWord(d.Status))
	if c := delta(d, alpha); c != "" {
		s += " " + c
	}
	base, head := sides(d)
	var parts []string
	switch {
	case base != "" && head != "":
		parts = append(parts, base+" → "+head)
	case base != "":
		parts = append(parts, "base "+base+", absent in head")
	}
	if t := thresholdCell(d); t != "" && d.Status != compare.Failed {
		parts = append(parts, "threshold "+t)
	}
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	if d.Status == compare.Accepted && d.AcceptReason != "" {
		s += ": accepted, " + snapshot.Printable(d.AcceptReason)
	}
	return s
}
