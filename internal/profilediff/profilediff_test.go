package profilediff

import (
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/baseline"
	"github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/internal/testkit"
	"github.com/flameiq/git-flameiq/profile"
)

// c1 has a folded profile, c2 none, c3 another: the diff of c3 against c2
// falls back to c1, and says so.
func TestDiff(t *testing.T) {
	dir, git := testkit.GitRepo(t)
	ids := testkit.EmptyCommits(t, git, 3)
	st, err := store.Open(dir, "refs/notes/flameiq", false)
	if err != nil {
		t.Fatal(err)
	}
	record := func(h gitstore.Hash, folded string) {
		p, err := profile.Parse([]byte(folded), "x.folded")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AppendProfiles(h, []store.NamedProfile{{Name: "work", Profile: p}}, "", func([]string) {}); err != nil {
			t.Fatal(err)
		}
	}
	record(ids[0], "main;encode 90\nmain;decode 10\n")
	record(ids[2], "main;encode 50\nmain;decode 50\n")

	s := baseline.Sides{Head: ids[2], HeadRev: "HEAD", Base: ids[1], Reason: "HEAD~1"}
	res, err := Diff(st, s, Options{Top: 10, MaxWalk: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Name != "work" || res.Base.Commit != ids[0] || res.Base.Back != 1 || !strings.Contains(res.Base.Reason, `which has no "work" profile in refs/notes/flameiq-profiles`) {
		t.Errorf("name %q, base %+v", res.Name, res.Base)
	}
	if len(res.Diff.Functions) == 0 || res.Diff.Functions[0].Name != "decode" && res.Diff.Functions[0].Name != "encode" {
		t.Fatalf("functions %+v", res.Diff.Functions)
	}
	if ch := res.Changes(1); len(ch.Functions) != 1 || ch.BaseCommit != ids[0].String() || ch.HeadCommit != ids[2].String() {
		t.Errorf("changes %+v", ch)
	}

	if _, err := Diff(st, s, Options{Name: "cpu", Top: 10, MaxWalk: 10}); err == nil || !strings.Contains(err.Error(), `has no "cpu" profile`) {
		t.Errorf("missing profile: %v", err)
	}
	s.Head = ids[1]
	if _, err := Diff(st, s, Options{Top: 10, MaxWalk: 10}); err == nil || !strings.Contains(err.Error(), `has no "cpu" profile`) {
		t.Errorf("head without profiles: %v", err)
	}
}
