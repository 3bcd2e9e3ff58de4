package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// The Code Quality report of every rich fixture (hostile names included)
// is its golden file, matches docs/schema/codequality.schema.json
// and has one issue per failing, warning, missing or accepted metric, with
// distinct, stable fingerprints.
func TestCodeQuality(t *testing.T) {
	schema := loadSchema(t, "codequality")
	for name, rich := range richFixtures(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := CodeQuality(&buf, rich.Result, "flameiq.yaml"); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".codequality", buf.Bytes())
			if err := schema.Validate(buf.Bytes()); err != nil {
				t.Errorf("does not match its schema: %v\n%s", err, buf.Bytes())
			}
			var issues []codeQualityIssue
			if err := json.Unmarshal(buf.Bytes(), &issues); err != nil {
				t.Fatal(err)
			}
			want, seen := 0, map[string]bool{}
			for _, d := range rich.Result.Diffs {
				if _, ok := codeQualitySeverity[d.Status]; ok {
					want++
				}
			}
			if len(issues) != want {
				t.Errorf("%d issues, want %d", len(issues), want)
			}
			for _, is := range issues {
				if seen[is.Fingerprint] {
					t.Errorf("fingerprint %s twice", is.Fingerprint)
				}
				seen[is.Fingerprint] = true
				if strings.ContainsAny(is.Description, "\x1b\n") {
					t.Errorf("raw control character in %q", is.Description)
				}
			}
		})
	}
	// An extra field is refused by the schema.
	if schema.Validate([]byte(`[{"description":"x","check_name":"git-flameiq/regression","fingerprint":"00000000000000000000000000000000","severity":"major","location":{"path":"a","lines":{"begin":1}},"extra":1}]`)) == nil {
		t.Error("the schema accepts an undocumented field")
	}
}
