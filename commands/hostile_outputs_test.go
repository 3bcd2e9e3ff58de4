package commands

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// hostileNames are benchmark names built to attack a terminal or a CI log:
// escape sequences, bidi controls, zero-width characters, and workflow
// commands at the start of a line.
var hostileNames = []string{
	"Esc\x1b[2J\x1b]0;owned\x07",
	"Bidi\u202eevil\u202c",
	"Zero\u200bwidth\u2060",
	"::error::owned",
	"::warning%20title=x::y",
	"Nul\x00byte",
	"Del\x7f",
	"C1\u009b31mnext",
}

// TestHostileNamesEveryOutput runs the hostile names through compare in
// every output format (and a bad JSON input through validate) and checks
// stdout and stderr: no raw control, bidi or zero-width character, and no
// line starting with "::" except the workflow commands --format github
// writes itself.
func TestHostileNamesEveryOutput(t *testing.T) {
	dir := t.TempDir()
	var base, head strings.Builder
	for i, n := range hostileNames {
		for range 6 {
			base.WriteString("Benchmark" + n + "-2 1000 100 ns/op\n")
			head.WriteString("Benchmark" + n + "-2 1000 " + map[bool]string{true: "300", false: "101"}[i%2 == 0] + " ns/op\n")
		}
	}
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bp, hp := write("base.txt", base.String()), write("head.txt", head.String())
	bad := write("bad.json", `{"x\n::error title=Injected::owned\u202e": {"latency": {"value": -1}}}`)
	runs := [][]string{
		{"compare", bp, hp},
		{"compare", "--format", "json", bp, hp},
		{"compare", "--format", "markdown", bp, hp},
		{"compare", "--format", "github", bp, hp},
		{"compare", "--format", "html", bp, hp},
		{"validate", bad},
		{"compare", bad, hp},
	}
	for _, args := range runs {
		var out, errb bytes.Buffer
		Main(context.Background(), append([]string{"git-flameiq", "-C", dir}, args...), strings.NewReader(""), &out, &errb)
		github := len(args) > 2 && args[2] == "github"
		if args[0] == "compare" && len(args) == 3 && args[1] != bad && !strings.Contains(out.String(), `Esc\x1b[2J`) {
			t.Errorf("%v: the names are not in the output (escaped):\n%s%s", args, out.String(), errb.String())
		}
		for name, text := range map[string]string{"stdout": out.String(), "stderr": errb.String()} {
			for i, r := range text {
				if r != '\n' && r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
					t.Errorf("%v: %s has a raw %U at byte %d: %q", args, name, r, i, around(text, i))
				}
			}
			for _, line := range strings.Split(text, "\n") {
				if strings.HasPrefix(line, "::") && !(github && name == "stdout" && ghOwnCommand(line)) {
					t.Errorf("%v: %s line starts with '::': %q", args, name, line)
				}
			}
		}
	}
}

// ghOwnCommand: a workflow command git-flameiq writes (an annotation with a
// title), not one smuggled in by a name.
func ghOwnCommand(line string) bool {
	for _, c := range []string{"::error title=", "::warning title=", "::notice title="} {
		if strings.HasPrefix(line, c) {
			return true
		}
	}
	return false
}

func around(s string, i int) string { return s[max(0, i-20):min(len(s), i+20)] }
