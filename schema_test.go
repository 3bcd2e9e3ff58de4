package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/flameiq/git-flameiq/commands"
	"github.com/flameiq/git-flameiq/internal/jsonschema"
)

// The JSON the CLI prints, checked against docs/schema: validate --json
// (its only documents come from the command itself) and compare --format
// json on real inputs (FlameIQ snapshots, Go benchmarks with derived
// metrics and a zero baseline, load tests with intervals). The report
// package checks its renderers and golden files against the same schemas.

func cliSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	s, err := jsonschema.CompileFile(filepath.Join("docs", "schema", name+".schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// run runs git-flameiq with args in dir and returns its stdout; the exit
// code must be one of codes.
func run(t *testing.T, dir string, codes []int, args ...string) []byte {
	t.Helper()
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	code := commands.Main(context.Background(), append([]string{"git-flameiq"}, args...), nil, &stdout, &stderr)
	if !slices.Contains(codes, code) {
		t.Fatalf("git flameiq %q: exit %d, want one of %v\n%s", args, code, codes, stderr.Bytes())
	}
	return stdout.Bytes()
}

func TestValidateJSONMatchesSchema(t *testing.T) {
	s := cliSchema(t, "validate")
	dir := t.TempDir()
	files := map[string]string{
		"bench.txt": "goos: linux\nBenchmarkWork-2 \t 15097\t 41384 ns/op\t 16 B/op\t 1 allocs/op\n" +
			"BenchmarkWork-2 \t 14472\t 41370 ns/op\t 16 B/op\t 1 allocs/op\nPASS\n",
		"snapshot.json": `{"schema_version": 1, "metadata": {"commit": "9f1c2ab"}, "metrics": {"latency": {"p95": 7.9}, "throughput": 100}}`,
		"negative.json": `{"schema_version": 1, "metrics": {"latency": {"p95": -1}}}`,
		"newer.json":    `{"schema_version": 2, "metrics": {"latency": {"p95": 1}}}`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := run(t, dir, []int{3}, "validate", "--json", "bench.txt", "snapshot.json", "negative.json", "newer.json")
	valid, invalid := 0, 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Bytes()
		if err := s.Validate(line); err != nil {
			t.Errorf("validate --json line does not match its schema:\n%v\n%s", err, line)
		}
		switch {
		case bytes.Contains(line, []byte(`"valid":true`)):
			valid++
		case bytes.Contains(line, []byte(`"valid":false`)):
			invalid++
		}
	}
	if valid != 2 || invalid != 2 {
		t.Errorf("got %d valid and %d invalid lines, want 2 and 2:\n%s", valid, invalid, out)
	}
	// Either form alone, mixed up, is rejected.
	for _, bad := range []string{`{"file":"a","valid":true,"errors":["x"]}`, `{"file":"a","valid":false,"format":"gobench","metrics":1,"samples":1}`} {
		if s.Validate([]byte(bad)) == nil {
			t.Errorf("the schema accepts %s", bad)
		}
	}
}

func TestCompareJSONMatchesSchema(t *testing.T) {
	s := cliSchema(t, "diff")
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	pairs, _ := filepath.Glob(filepath.Join(root, "testdata", "corpus", "flameiq-v1", "pairs", "*"))
	var cases [][2]string
	for _, p := range pairs {
		cases = append(cases, [2]string{filepath.Join(p, "base.json"), filepath.Join(p, "head.json")})
	}
	for _, name := range []string{"aa", "setbytes", "zeroalloc"} {
		dir := filepath.Join(root, "testdata", "gate", "go")
		cases = append(cases, [2]string{filepath.Join(dir, name+"-base.txt"), filepath.Join(dir, name+"-head.txt")})
	}
	k6 := filepath.Join(root, "testdata", "gate", "loadtest", "k6-delay")
	cases = append(cases, [2]string{filepath.Join(k6, "base-summary.json"), filepath.Join(k6, "head-summary.json")})
	for _, c := range cases {
		for _, f := range c {
			if _, err := os.Stat(f); err != nil {
				t.Fatal(err)
			}
		}
		doc := run(t, t.TempDir(), []int{0, 1}, "compare", "--format", "json", c[0], c[1])
		if err := s.Validate(doc); err != nil {
			rel, _ := filepath.Rel(root, c[0])
			t.Errorf("compare --format json %s: does not match diff.schema.json:\n%v\n%s", rel, err, doc)
		}
	}
}
