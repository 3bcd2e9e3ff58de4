package gitstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Network transport runs the git CLI (as worktree.go and date.go do for
// their jobs) so that credential helpers, SSH config and CI auth headers
// keep working. The merge of remote and local notes is done in-process.

// GitError is a failed git command.
type GitError struct {
	Args     []string
	ExitCode int
	Stderr   string
}

func (e *GitError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = fmt.Sprintf("exit status %d", e.ExitCode)
	}
	return fmt.Sprintf("git %s: %s", strings.Join(e.Args, " "), msg)
}

// runGit runs git -C dir args... and returns its stdout.
func runGit(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0")
	return execGit(cmd, args, nil)
}

// execGit runs cmd (git with args, as given to the caller) with stdin and
// returns its stdout; a failure is a *GitError carrying git's stderr.
func execGit(cmd *exec.Cmd, args []string, stdin []byte) (string, error) {
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if err := cmd.Run(); err != nil {
		ge := &GitError{Args: args, ExitCode: -1, Stderr: stderr.String()}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			ge.ExitCode = ee.ExitCode()
		} else if ge.Stderr == "" {
			ge.Stderr = err.Error()
		}
		return out.String(), ge
	}
	return out.String(), nil
}

// pushAttempts bounds the fetch-merge-push loop of Push.
const pushAttempts = 40

// TempRefPrefix holds the temporary refs push and pull fetch into: one per
// process and attempt, so that two pushes from one clone never contend for
// the same ref lock ("cannot lock ref") and a killed one leaves no ref a
// later run would read.
const TempRefPrefix = "refs/flameiq-tmp/"

// fetchNotes fetches the remote's notes ref into a temporary local ref and
// returns its value (zero when the remote has no such ref).
func fetchNotes(ctx context.Context, dir, remote, ref string) (tmp string, tip Hash, err error) {
	tmp = fmt.Sprintf("%s%d-%x/%s", TempRefPrefix, os.Getpid(), mrand.Uint64(), strings.TrimPrefix(ref, "refs/notes/"))
	_, err = runGit(ctx, dir, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", remote, "+"+ref+":"+tmp)
	if err != nil {
		var ge *GitError
		if errors.As(err, &ge) && strings.Contains(ge.Stderr, "couldn't find remote ref") {
			return tmp, ZeroHash, nil
		}
		return tmp, ZeroHash, err
	}
	r, err := Open(dir)
	if err != nil {
		return tmp, ZeroHash, err
	}
	h, _, err := r.ReadRef(tmp)
	return tmp, h, err
}

// Push shares the notes ref with remote: fetch the remote's notes, merge
// them into the local ref (union of lines, a two-parent notes commit so the
// push is a fast-forward), then push with a lease on the value fetched. A
// rejected push (another runner pushed in between) starts again, up to ten
// times, so concurrent pushes from many clones never lose a record.
func Push(ctx context.Context, dir, remote, ref string) error {
	full, err := NotesRef(ref)
	if err != nil {
		return err
	}
	var last error
	for attempt := 0; attempt < pushAttempts; attempt++ {
		r, tmp, remoteTip, err := fetchAndMerge(ctx, dir, remote, full)
		if err != nil {
			return err
		}
		local, ok, err := r.ReadRef(full)
		if err != nil {
			return err
		}
		if !ok || local == remoteTip {
			r.deleteTempRef(ctx, dir, tmp)
			return nil // nothing to push
		}
		lease := "--force-with-lease=" + full + ":"
		if !remoteTip.IsZero() {
			lease += remoteTip.String()
		}
		_, err = runGit(ctx, dir, "push", "--quiet", "--no-verify", lease, "--", remote, full+":"+full)
		if err == nil {
			r.deleteTempRef(ctx, dir, tmp)
			return nil
		}
		last = err
		var ge *GitError
		if !errors.As(err, &ge) || !(strings.Contains(ge.Stderr, "stale info") || strings.Contains(ge.Stderr, "rejected") ||
			strings.Contains(ge.Stderr, "failed to update ref") || strings.Contains(ge.Stderr, "cannot lock ref")) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(jitter(pushBackoff(attempt))):
		}
	}
	return fmt.Errorf("push %s to %s: gave up after %d attempts: %w", full, remote, pushAttempts, last)
}

// Pull fetches the remote's notes ref and merges it into the local one
// (union of lines). A remote without the ref is not an error: found is
// false then.
func Pull(ctx context.Context, dir, remote, ref string) (found bool, err error) {
	full, err := NotesRef(ref)
	if err != nil {
		return false, err
	}
	r, tmp, tip, err := fetchAndMerge(ctx, dir, remote, full)
	if err != nil {
		return false, err
	}
	r.deleteTempRef(ctx, dir, tmp)
	return !tip.IsZero(), nil
}

// fetchAndMerge fetches the remote's notes ref into a temporary ref and
// merges it into the local one (union of lines). It returns the repository
// (opened after the fetch, so it sees the fetched pack), the temporary ref
// and the remote tip (zero when the remote has no such ref).
func fetchAndMerge(ctx context.Context, dir, remote, full string) (*Repo, string, Hash, error) {
	tmp, remoteTip, err := fetchNotes(ctx, dir, remote, full)
	// The temporary ref only carries the fetch: once its tip is known (and
	// merged) it goes, whatever happens next, so retries leave none behind.
	defer func() { _, _ = runGit(context.Background(), dir, "update-ref", "-d", "--", tmp) }()
	if err != nil {
		return nil, tmp, remoteTip, err
	}
	r, err := Open(dir)
	if err != nil {
		return nil, tmp, remoteTip, err
	}
	if !remoteTip.IsZero() {
		if err := r.MergeNotesFrom(full, remoteTip); err != nil {
			return nil, tmp, remoteTip, err
		}
	}
	return r, tmp, remoteTip, nil
}

func (r *Repo) deleteTempRef(ctx context.Context, dir, tmp string) {
	_, _ = runGit(ctx, dir, "update-ref", "-d", "--", tmp)
}

// pushBackoff grows exponentially from 25 ms to 2 s: runners that keep
// colliding spread out instead of retrying in lockstep.
func pushBackoff(attempt int) time.Duration {
	d := 25 * time.Millisecond << min(attempt, 7)
	return min(d, 2*time.Second)
}
