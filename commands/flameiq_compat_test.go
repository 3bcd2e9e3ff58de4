package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

// `git flameiq compare A B --format json` on FlameIQ snapshots gives what
// FlameIQ 1.0.2's own `compare --json` printed for the same files (every
// field of the reference output, values equal; we add fields of our own).
func TestFlameIQJSONCompatible(t *testing.T) {
	pairs, err := filepath.Glob(filepath.Join("..", "testdata", "corpus", "flameiq-v1", "pairs", "*"))
	if err != nil || len(pairs) == 0 {
		t.Fatalf("no FlameIQ pairs: %v", err)
	}
	for _, dir := range pairs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), []string{"git-flameiq", "compare", "--format", "json",
				filepath.Join(dir, "base.json"), filepath.Join(dir, "head.json")}, nil, &stdout, &stderr)
			var ours, ref map[string]any
			if err := json.Unmarshal(stdout.Bytes(), &ours); err != nil {
				t.Fatalf("exit %d, %v; stderr %s", code, err, stderr.String())
			}
			b, err := os.ReadFile(filepath.Join(dir, "flameiq-compare.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &ref); err != nil {
				t.Fatal(err)
			}
			if want := int(ref["exit_code"].(float64)); code != want {
				t.Errorf("exit code %d, FlameIQ %d", code, want)
			}
			subset(t, "", ref, ours)
		})
	}
}

// subset checks that every field of want is in got with an equal value.
func subset(t *testing.T, path string, want, got any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: got %T, want an object", path, got)
			return
		}
		for k, v := range w {
			subset(t, path+"."+k, v, g[k])
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: got %v, want %d elements", path, got, len(w))
			return
		}
		for i := range w {
			subset(t, path+"["+strconv.Itoa(i)+"]", w[i], g[i])
		}
	default:
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: got %v, FlameIQ %v", path, got, want)
		}
	}
}
