package selection

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/snapshot"
)

func snap(kv ...any) *snapshot.Snapshot {
	s := &snapshot.Snapshot{}
	for i := 0; i < len(kv); i += 2 {
		s.Add(kv[i].(string), "sec/op", snapshot.LowerIsBetter, kv[i+1].(float64))
	}
	s.Sort()
	return s
}

func TestMatch(t *testing.T) {
	if !Globs(nil).Match("anything") {
		t.Error("no globs must select everything")
	}
	g := Globs{"Encode*", "Decode-2:sec/op"}
	for k, want := range map[string]bool{"Encode-2:sec/op": true, "Decode-2:sec/op": true, "Decode-4:sec/op": false} {
		if g.Match(k) != want {
			t.Errorf("Match(%q) = %v", k, !want)
		}
	}
}

func TestCheckAndFilter(t *testing.T) {
	a := snap("A:sec/op", 1.0, "B:sec/op", 2.0)
	b := snap("B:sec/op", 3.0, "C:sec/op", 4.0)
	out, err := Globs{"B*"}.Filter(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(out[0].Metrics) != 1 || len(out[1].Metrics) != 1 || out[1].Metrics[0].Key != "B:sec/op" {
		t.Errorf("Filter kept %v and %v", out[0].Keys(), out[1].Keys())
	}
	if out, _ := Globs(nil).Filter(a, b); out[0] != a || out[1] != b {
		t.Error("no globs must return the snapshots as they are")
	}
	// A glob that matches nothing says so, listing a few keys.
	err = Globs{"C*", "Z*"}.Check(a, b)
	var nm *NoMatchError
	if !errors.As(err, &nm) || err.Error() != "--metric Z* matches no metric; some keys: A:sec/op, B:sec/op, C:sec/op" {
		t.Errorf("Check: %v", err)
	}
	if err := (Globs{"Z"}).Check(); err == nil || err.Error() != "--metric Z matches no metric; some keys: (none)" {
		t.Errorf("Check with no snapshot: %v", err)
	}
	many := snap("a", 1.0, "b", 1.0, "c", 1.0, "d", 1.0, "e", 1.0, "f", 1.0)
	if err := (Globs{"Z"}).Check(many); err == nil || err.Error() != "--metric Z matches no metric; some keys: a, b, c, d, e, …" {
		t.Errorf("Check with many keys: %v", err)
	}
}

func TestSeriesAndDirections(t *testing.T) {
	var hist []store.Recorded
	for i, s := range []*snapshot.Snapshot{snap("A:sec/op", 1.0), snap("A:sec/op", 2.0, "B:sec/op", 5.0)} {
		h, err := gitstore.ParseHash(string(rune('a'+i)) + "000000000000000000000000000000000000000")
		if err != nil {
			t.Fatal(err)
		}
		hist = append(hist, store.Recorded{Commit: &gitstore.Commit{Hash: h, Message: "c\n",
			Committer: gitstore.Signature{When: time.Unix(int64(i), 0)}}, Snap: s})
	}
	s, err := Series(hist, Globs{"B*"})
	if err != nil {
		t.Fatal(err)
	}
	if keys := s.Keys(); len(keys) != 1 || keys[0] != "B:sec/op" {
		t.Errorf("keys %v", keys)
	}
	if v := s.Values("B:sec/op"); len(v) != 2 || !math.IsNaN(v[0]) || v[1] != 5 {
		t.Errorf("values %v", v)
	}
	if _, err := Series(hist, Globs{"Z*"}); err == nil {
		t.Error("a glob matching nothing in the history must be an error")
	}
	if _, err := Series(nil, Globs{"Z*"}); err != nil {
		t.Errorf("an empty history is not checked: %v", err)
	}
	if d := Directions(hist); len(d) != 2 || d["A:sec/op"].Unit != "sec/op" || d["A:sec/op"].Direction != snapshot.LowerIsBetter {
		t.Errorf("Directions %v", d)
	}
}

// FirstKeys keeps the n smallest keys it is shown (and their repeats),
// whatever the order, and refuses a key again once it has refused it.
func TestFirstKeys(t *testing.T) {
	keep := FirstKeys(3)
	var kept, refused []string
	for _, k := range []string{"m", "z", "c", "y", "a", "z", "b", "c", "x", "a", "d", "m"} {
		if keep(k) {
			kept = append(kept, k)
		} else {
			refused = append(refused, k)
		}
	}
	if got, want := fmt.Sprint(kept), "[m z c y a b c a]"; got != want {
		t.Errorf("kept %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(refused), "[z x d m]"; got != want {
		t.Errorf("refused %s, want %s", got, want)
	}
	for _, k := range refused {
		if keep(k) {
			t.Errorf("%q kept after it was refused", k)
		}
	}
}
