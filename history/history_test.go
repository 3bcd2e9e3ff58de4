package history

import (
	"bytes"
	"fmt"
	"math"
	"testing"
	"time"
)

func TestKeysAndValues(t *testing.T) {
	s := demo()
	keys := s.Keys()
	want := []string{"Decode-2:sec/op", "Encode-2:B/op", "throughput"}
	if len(keys) != len(want) {
		t.Fatalf("Keys = %v, want %v", keys, want)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Fatalf("Keys = %v, want %v", keys, want)
		}
	}
	vs := s.Values("throughput")
	if len(vs) != len(s.Commits) || !math.IsNaN(vs[2]) || vs[0] != 1500 {
		t.Errorf("Values(throughput) = %v", vs)
	}
}

// demo is a small history: three metrics, one missing on the third
// commit.
func demo() *Series {
	day := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	s := &Series{}
	for i := range 6 {
		p := Point{
			Sha:     string(bytes.Repeat([]byte{"0123456789abcdef"[i]}, 40)),
			Date:    day.Add(time.Duration(i) * 26 * time.Hour),
			Subject: fmt.Sprintf("commit %d", i),
			Values:  map[string]float64{"Decode-2:sec/op": 1.2e-6, "Encode-2:B/op": 4096},
		}
		if i != 2 {
			p.Values["throughput"] = 1500 - 10*float64(i)
		}
		s.Commits = append(s.Commits, p)
	}
	return s
}
