// Package prcomment is the privileged half of the fork-safe PR comment:
// it reads the artifacts a pull_request workflow uploaded (the Markdown
// report, diff's exit code, the PR number and head commit), checks them
// against the event of the workflow that publishes them (a workflow_run
// event, or the pull_request event of a final job), and renders the one PR
// comment that holds them. Everything in an artifact is data written by
// code the pull request controls: files are size-capped and must be
// regular files, the PR number and head commit must be those of the
// event, and the report is escaped (Sanitize) so that it cannot forge our
// marker, open HTML, ping people, reference other issues or link out. It
// knows files and JSON, not git, flags or the network: the workflow step
// fetches the pull request's JSON and posts the body.
package prcomment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Marker starts the comment, so that the workflow finds and updates its
// earlier comment (report.MarkdownMarker: the same string).
const Marker = "<!-- git-flameiq -->"

// MarkerFor is the marker of a comment of its own, such as the results
// of an on-demand /bench run ("bench": "<!-- git-flameiq:bench -->"),
// which the main comment's updates leave alone; "" is Marker. id is made
// of letters, digits, '-' and '_' (else an error).
func MarkerFor(id string) (string, error) {
	if id == "" {
		return Marker, nil
	}
	if !idRE.MatchString(id) {
		return "", usagef("marker id %q: use letters, digits, '-' and '_' (at most 32)", id)
	}
	return "<!-- git-flameiq:" + id + " -->", nil
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Limits.
const (
	// MaxReport is the largest report.md accepted, in bytes (git flameiq's
	// Markdown report keeps under 60000).
	MaxReport = 65536
	// MaxBody is the largest comment body rendered, in bytes: GitHub
	// refuses a comment longer than 65536 characters.
	MaxBody = 65000
	// maxSmall is the largest of the one-line files.
	maxSmall = 100
	// maxJSON is the largest event or pull request JSON read.
	maxJSON = 32 << 20
)

// The files of an artifact directory.
const (
	FileReport   = "report.md" // git flameiq diff --format markdown
	FileExitCode = "exit-code" // diff's exit code: 0, 1, 2 or 3
	FilePR       = "pr-number" // the pull request's number
	FileHead     = "head-sha"  // the pull request's head commit
)

// DataError is an artifact that is not what the pull_request workflow
// writes, or that names another pull request or commit than the event:
// untrusted input refused (exit 3).
type DataError struct{ msg string }

func (e *DataError) Error() string { return e.msg }

func dataf(format string, args ...any) error { return &DataError{fmt.Sprintf(format, args...)} }

// Artifact is one artifact directory, read and checked for shape.
type Artifact struct {
	Name     string // the directory's base name, for the section heading
	Report   []byte // nil when the job wrote none (diff failed)
	ExitCode int
	PR       int
	Head     string // lower-case hex
}

var (
	numberRE = regexp.MustCompile(`^[1-9][0-9]{0,9}$`)
	shaRE    = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)
	codeRE   = regexp.MustCompile(`^[0-3]$`)
)

// ReadArtifact reads the artifact directory dir.
func ReadArtifact(dir string) (Artifact, error) {
	a := Artifact{Name: filepath.Base(filepath.Clean(dir))}
	small := func(name string, re *regexp.Regexp, what string) (string, error) {
		b, err := readRegular(filepath.Join(dir, name), maxSmall)
		if err != nil {
			return "", err
		}
		if b == nil {
			return "", dataf("%s: missing (the artifact must hold %s, %s, %s and, unless diff failed, %s)",
				filepath.Join(dir, name), FilePR, FileHead, FileExitCode, FileReport)
		}
		s := strings.TrimSuffix(string(b), "\n")
		if !re.MatchString(s) {
			return "", dataf("%s: %q is not %s", filepath.Join(dir, name), s, what)
		}
		return s, nil
	}
	s, err := small(FilePR, numberRE, "a pull request number")
	if err != nil {
		return a, err
	}
	a.PR, _ = strconv.Atoi(s)
	if a.Head, err = small(FileHead, shaRE, "a commit id (40 or 64 lower-case hex digits)"); err != nil {
		return a, err
	}
	if s, err = small(FileExitCode, codeRE, "an exit code of git flameiq diff (0, 1, 2 or 3)"); err != nil {
		return a, err
	}
	a.ExitCode, _ = strconv.Atoi(s)
	if a.Report, err = readRegular(filepath.Join(dir, FileReport), MaxReport); err != nil {
		return a, err
	}
	if a.Report == nil && a.ExitCode <= 1 {
		return a, dataf("%s: missing, but %s says diff ran (exit %d)", filepath.Join(dir, FileReport), FileExitCode, a.ExitCode)
	}
	return a, nil
}

// readRegular reads the regular file path, at most max bytes; nil when it
// does not exist. A symbolic link, a directory or a larger file is a
// DataError.
func readRegular(path string, max int64) ([]byte, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, dataf("%s: %v", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, dataf("%s: not a regular file (%s)", path, fi.Mode().Type())
	}
	if fi.Size() > max {
		return nil, dataf("%s: %d bytes, more than the %d allowed", path, fi.Size(), max)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, dataf("%s: %v", path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, dataf("%s: %v", path, err)
	}
	if int64(len(b)) > max { // grew since Lstat
		return nil, dataf("%s: more than the %d bytes allowed", path, max)
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

// Number is the pull request number every artifact names, checked for
// shape and agreement only (the workflow fetches that pull request's JSON
// with it; Check validates it against the event).
func Number(arts []Artifact) (int, error) {
	if len(arts) == 0 {
		return 0, errors.New("no artifact directory")
	}
	for _, a := range arts[1:] {
		if a.PR != arts[0].PR || a.Head != arts[0].Head {
			return 0, dataf("artifacts disagree: %s names #%d at %s, %s names #%d at %s",
				arts[0].Name, arts[0].PR, short(arts[0].Head), a.Name, a.PR, short(a.Head))
		}
	}
	return arts[0].PR, nil
}

func short(h string) string { return h[:min(len(h), 12)] }

// Event is what Check needs of the publishing workflow's event.
type Event struct {
	Repo string // owner/name of the repository the comment goes to
	// Kind is "workflow_run" (the privileged workflow), "pull_request"
	// (a final job of the same workflow) or "issue_comment" (an
	// on-demand run asked for in a comment on the pull request).
	Kind string
	// Of a workflow_run event: the triggering run's event, head commit,
	// head repository and branch, and the pull requests GitHub lists for
	// it (none for a pull request from a fork).
	RunEvent, RunHead, HeadRepo, HeadBranch string
	Pulls                                   []PullRef
	// Of a pull_request event: the pull request and its head; of an
	// issue_comment event: the pull request commented on, and the
	// commenter's association with the repository.
	PR          int
	PRHead      string
	Association string
}

// trusted are the author associations whose comment may start a run.
var trusted = []string{"OWNER", "MEMBER", "COLLABORATOR"}

// PullRef is a pull request as an event lists it.
type PullRef struct {
	Number int
	Head   string
}

// UsageError is an event file or pull request JSON that is not what the
// workflow should pass (exit 2).
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &UsageError{fmt.Sprintf(format, args...)} }

type jsonPull struct {
	Number int    `json:"number"`
	State  string `json:"state"`
	Head   struct {
		SHA  string `json:"sha"`
		Ref  string `json:"ref"`
		Repo struct {
			FullName string `json:"full_name"`
		} `json:"repo"`
	} `json:"head"`
	Base struct {
		Repo struct {
			FullName string `json:"full_name"`
		} `json:"repo"`
	} `json:"base"`
}

// ReadEvent reads the event file ($GITHUB_EVENT_PATH).
func ReadEvent(path string) (Event, error) {
	data, err := readJSON(path)
	if err != nil {
		return Event{}, err
	}
	var raw struct {
		Repository struct {
			FullName string `json:"full_name"`
		} `json:"repository"`
		WorkflowRun *struct {
			Event          string `json:"event"`
			HeadSHA        string `json:"head_sha"`
			HeadBranch     string `json:"head_branch"`
			HeadRepository struct {
				FullName string `json:"full_name"`
			} `json:"head_repository"`
			PullRequests []jsonPull `json:"pull_requests"`
		} `json:"workflow_run"`
		PullRequest *jsonPull `json:"pull_request"`
		Issue       *struct {
			Number      int             `json:"number"`
			PullRequest json.RawMessage `json:"pull_request"`
		} `json:"issue"`
		Comment *struct {
			AuthorAssociation string `json:"author_association"`
		} `json:"comment"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Event{}, usagef("%s: not a GitHub event: %v", path, err)
	}
	ev := Event{Repo: raw.Repository.FullName}
	switch {
	case raw.WorkflowRun != nil:
		w := raw.WorkflowRun
		ev.Kind, ev.RunEvent, ev.RunHead, ev.HeadRepo, ev.HeadBranch = "workflow_run", w.Event, strings.ToLower(w.HeadSHA), w.HeadRepository.FullName, w.HeadBranch
		for _, p := range w.PullRequests {
			ev.Pulls = append(ev.Pulls, PullRef{Number: p.Number, Head: strings.ToLower(p.Head.SHA)})
		}
		if !shaRE.MatchString(ev.RunHead) {
			return ev, usagef("%s: workflow_run.head_sha %q is not a commit id", path, w.HeadSHA)
		}
	case raw.PullRequest != nil:
		ev.Kind, ev.PR, ev.PRHead = "pull_request", raw.PullRequest.Number, strings.ToLower(raw.PullRequest.Head.SHA)
		if ev.PR <= 0 || !shaRE.MatchString(ev.PRHead) {
			return ev, usagef("%s: pull_request.number or pull_request.head.sha missing", path)
		}
	case raw.Issue != nil && raw.Comment != nil:
		if len(raw.Issue.PullRequest) == 0 || string(raw.Issue.PullRequest) == "null" {
			return ev, usagef("%s: a comment on issue #%d, not on a pull request", path, raw.Issue.Number)
		}
		ev.Kind, ev.PR, ev.Association = "issue_comment", raw.Issue.Number, raw.Comment.AuthorAssociation
	default:
		return ev, usagef("%s: not a workflow_run, pull_request or issue_comment event (comment publishes the artifacts of a pull_request run)", path)
	}
	if ev.Repo == "" {
		return ev, usagef("%s: repository.full_name missing", path)
	}
	return ev, nil
}

// Pull is what Check needs of the pull request as the API returns it now
// (GET /repos/{owner}/{repo}/pulls/{number}).
type Pull struct {
	Number             int
	Head, HeadRef      string
	HeadRepo, BaseRepo string
}

// ReadPull reads the pull request JSON at path.
func ReadPull(path string) (Pull, error) {
	data, err := readJSON(path)
	if err != nil {
		return Pull{}, err
	}
	var p jsonPull
	if err := json.Unmarshal(data, &p); err != nil || p.Number <= 0 || p.Head.SHA == "" {
		return Pull{}, usagef("%s: not a pull request as GET /repos/{owner}/{repo}/pulls/{number} returns it", path)
	}
	return Pull{Number: p.Number, Head: strings.ToLower(p.Head.SHA), HeadRef: p.Head.Ref,
		HeadRepo: p.Head.Repo.FullName, BaseRepo: p.Base.Repo.FullName}, nil
}

func readJSON(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("%v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxJSON+1))
	if err != nil {
		return nil, usagef("%s: %v", path, err)
	}
	if len(data) > maxJSON {
		return nil, usagef("%s: more than %d bytes", path, maxJSON)
	}
	return data, nil
}

// ErrStale: the pull request has moved on since the measured commit; the
// run for its new head will comment.
var ErrStale = errors.New("stale")

// Check validates the artifacts against the event (and, for a
// workflow_run event, the pull request's current JSON, which is required
// when the event lists no pull request: GitHub lists none for a pull
// request from a fork). It returns the pull request number to comment on,
// ErrStale (wrapped, with the reason) when the pull request's head has
// moved on, a *DataError when an artifact names another pull request or
// commit, and a *UsageError when pull is missing or is not for this
// repository's pull request.
func Check(ev Event, pull *Pull, arts []Artifact) (int, error) {
	n, err := Number(arts)
	if err != nil {
		return 0, err
	}
	head := arts[0].Head
	switch ev.Kind {
	case "pull_request":
		if n != ev.PR || head != ev.PRHead {
			return 0, dataf("the artifact names #%d at %s, but this run is for #%d at %s", n, short(head), ev.PR, short(ev.PRHead))
		}
		return n, nil
	case "issue_comment":
		if !slices.Contains(trusted, ev.Association) {
			return 0, usagef("the comment's author is %q with this repository, not one of %s", ev.Association, strings.Join(trusted, ", "))
		}
		if n != ev.PR {
			return 0, dataf("the artifact names #%d, but the comment is on #%d", n, ev.PR)
		}
		if pull == nil {
			return 0, usagef("an issue_comment event names no head commit: pass --pull with the JSON of GET /repos/%s/pulls/%d", ev.Repo, n)
		}
		if pull.Number != n || pull.BaseRepo != ev.Repo {
			return 0, usagef("--pull is #%d into %s, not #%d into %s", pull.Number, pull.BaseRepo, n, ev.Repo)
		}
		if pull.Head != head {
			return 0, fmt.Errorf("%w: #%d is now at %s, this run measured %s; comment again to measure the new head", ErrStale, n, short(pull.Head), short(head))
		}
		return n, nil
	case "workflow_run":
	default:
		return 0, usagef("unknown event kind %q", ev.Kind)
	}
	if ev.RunEvent != "pull_request" {
		return 0, usagef("the workflow run was triggered by %q, not pull_request: nothing to comment on", ev.RunEvent)
	}
	if head != ev.RunHead {
		return 0, dataf("the artifact names head %s, but the workflow run measured %s", short(head), short(ev.RunHead))
	}
	if len(ev.Pulls) > 0 && !slices.ContainsFunc(ev.Pulls, func(p PullRef) bool { return p.Number == n }) {
		var listed []string
		for _, p := range ev.Pulls {
			listed = append(listed, "#"+strconv.Itoa(p.Number))
		}
		return 0, dataf("the artifact names #%d, but the workflow run is for %s", n, strings.Join(listed, ", "))
	}
	if pull == nil {
		if len(ev.Pulls) == 0 {
			return 0, usagef("the event lists no pull request (one from a fork): pass --pull with the JSON of GET /repos/%s/pulls/%d", ev.Repo, n)
		}
		return n, nil
	}
	if pull.Number != n {
		return 0, usagef("--pull is #%d, the artifact names #%d", pull.Number, n)
	}
	if pull.BaseRepo != ev.Repo {
		return 0, dataf("#%d is a pull request into %s, not into %s", n, pull.BaseRepo, ev.Repo)
	}
	if pull.HeadRepo != ev.HeadRepo || pull.HeadRef != ev.HeadBranch {
		return 0, dataf("the artifact names #%d, whose head is %s:%s, but the workflow run measured %s:%s",
			n, pull.HeadRepo, pull.HeadRef, ev.HeadRepo, ev.HeadBranch)
	}
	if pull.Head != head {
		return 0, fmt.Errorf("%w: #%d is now at %s, this run measured %s; the run for the new head comments", ErrStale, n, short(pull.Head), short(head))
	}
	return n, nil
}

// Render is the comment body: marker (Marker, or MarkerFor's), and each artifact's report escaped
// by Sanitize. With several artifacts (matrix jobs) it starts with one
// overall verdict and gives each report a section headed by its artifact
// name. Reports are cut short at line ends, saying so, when the body
// would exceed MaxBody.
func Render(marker string, arts []Artifact) []byte {
	var b bytes.Buffer
	b.WriteString(marker + "\n")
	arts = slices.Clone(arts)
	slices.SortFunc(arts, func(a, b Artifact) int { return strings.Compare(a.Name, b.Name) })
	multi := len(arts) > 1
	if multi {
		fmt.Fprintf(&b, "### %s\n\n", overall(arts))
	}
	room := (MaxBody - b.Len()) / len(arts)
	for _, a := range arts {
		var sec bytes.Buffer
		if multi {
			fmt.Fprintf(&sec, "<details open><summary>%s %s</summary>\n\n", verdictEmoji[a.ExitCode], heading(a.Name))
		}
		body := failed(a)
		if a.Report != nil {
			body = fit(stripMarker(a.Report), room-sec.Len()-100)
		}
		sec.WriteString(body)
		if multi {
			sec.WriteString("\n\n</details>\n\n")
		}
		b.Write(sec.Bytes())
	}
	return b.Bytes()
}

var verdictEmoji = [4]string{"✅", "❌", "⚠️", "⚠️"}

// overall is the verdict of all jobs in one line.
func overall(arts []Artifact) string {
	var regressed, failedJobs []string
	for _, a := range arts {
		switch a.ExitCode {
		case 1:
			regressed = append(regressed, heading(a.Name))
		case 2, 3:
			failedJobs = append(failedJobs, heading(a.Name))
		}
	}
	switch {
	case len(regressed) > 0 && len(failedJobs) > 0:
		return fmt.Sprintf("❌ Performance: regression in %s; no verdict from %s", strings.Join(regressed, ", "), strings.Join(failedJobs, ", "))
	case len(regressed) > 0:
		return fmt.Sprintf("❌ Performance: regression in %d of %d jobs (%s)", len(regressed), len(arts), strings.Join(regressed, ", "))
	case len(failedJobs) > 0:
		return fmt.Sprintf("⚠️ Performance: no verdict from %s (see their logs); the other jobs pass", strings.Join(failedJobs, ", "))
	}
	return fmt.Sprintf("✅ Performance: all %d jobs pass", len(arts))
}

func failed(a Artifact) string {
	return fmt.Sprintf("git flameiq diff exited %d (a usage, configuration or input error): no report; see the job's log.", a.ExitCode)
}

// heading is an artifact name as shown: its "flameiq-" prefix dropped and
// anything but letters, digits, '.', '_' and '-' replaced by '-' (the
// name is chosen by the pull request's workflow).
func heading(name string) string {
	name = strings.TrimPrefix(name, "flameiq-")
	var b strings.Builder
	for _, r := range name {
		if b.Len() >= 64 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "report"
	}
	return b.String()
}

// stripMarker drops the report's own first line when it is the marker
// (git flameiq diff writes Marker).
func stripMarker(report []byte) string {
	s := string(report)
	if rest, ok := strings.CutPrefix(s, Marker); ok && (rest == "" || rest[0] == '\n' || strings.HasPrefix(rest, "\r\n")) {
		s = strings.TrimPrefix(strings.TrimPrefix(rest, "\r"), "\n")
	}
	return s
}

// fit is Sanitize(s), with s cut at a line end (and saying so) when that
// is longer than room bytes.
func fit(s string, room int) string {
	out := Sanitize(s)
	if len(out) <= room {
		return out
	}
	lines := strings.SplitAfter(s, "\n")
	note := "\n\n… cut short (comment size limit): the job summary has the full report.\n"
	lo, hi := 0, len(lines) // the largest k whose first k lines fit
	for lo < hi {
		k := (lo + hi + 1) / 2
		if len(Sanitize(strings.Join(lines[:k], "")))+len(note) <= room {
			lo = k
		} else {
			hi = k - 1
		}
	}
	return Sanitize(strings.Join(lines[:lo], "")) + note
}
