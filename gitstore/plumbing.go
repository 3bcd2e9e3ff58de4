package gitstore

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The plumbing backend. gitstore's own reader handles the repositories
// almost everyone has: SHA-1 object names, refs in files and packed-refs.
// A repository it does not handle is not refused: Open hands what it
// cannot do itself to git, so that whatever git can read works, more
// slowly (a process per ref read or object write, one long-running
// `git cat-file --batch` pipe per Repo for object reads). Objects and refs
// are decided apart (see repoFormat):
//
//   - objects through git: read with `git cat-file --batch`, written with
//     `git hash-object -w --stdin` (which also checks them), revisions
//     resolved with `git rev-parse --verify`; the object cache
//     (diskcache.go) is off;
//   - refs through git: read with `git for-each-ref` (`git rev-parse` for
//     HEAD), `git symbolic-ref`, and swapped with
//     `git update-ref -m <msg> <ref> <new> <old>`, git's own
//     compare-and-swap; a writer that lost the race rebuilds and retries.
//     After a first conflict this package's writers queue on a lock of
//     their own ($GIT_COMMON_DIR/flameiq/locks/<ref>.lock), as they hold
//     git's ref lock on the in-process path;
//   - refs in files (any object format) keep the in-process lock-file
//     protocol, which holds git's own <ref>.lock while a conflicting update
//     rebuilds, so that a busy `git notes` loop cannot starve it;
//   - everything above objects and refs is shared with the in-process
//     path: commit parsing, history walks, notes lookups at any fanout,
//     the notes-tree editor that writes git's fanout, the union merge, the
//     reflog repair (heal, where the reflog is a file).

// repoFormatInfo is what Open decides from a repository's configuration
// ($GIT_COMMON_DIR/config).
type repoFormatInfo struct {
	objects bool   // objects through git
	refs    bool   // refs through git
	why     string // the settings that decided it ("" when in-process)
}

// repoFormat decides which of objects and refs the in-process code
// handles. In-process: repository format version 0 or 1, and only the
// extensions it knows: objectFormat = sha1 (objectFormat = sha256 sends
// objects to git), refStorage = files (reftable sends refs to git),
// partialClone (objects to git: a promisor remote's missing objects are
// fetched by git on demand and would read here as missing), and the ones
// that change neither (noop, preciousObjects, worktreeConfig). Any other
// extension, one this package has never heard of included, and a newer
// format version send both to git, which reads the repository or says why
// it cannot.
func repoFormat(c gitConfig) repoFormatInfo {
	var f repoFormatInfo
	var why []string
	if v := strings.TrimSpace(c["core.repositoryformatversion"]); v != "" && v != "0" && v != "1" {
		f.objects, f.refs = true, true
		why = append(why, "core.repositoryFormatVersion = "+v)
	}
	var keys []string
	for k := range c {
		if strings.HasPrefix(k, "extensions.") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys) // a stable reason
	for _, k := range keys {
		v := c[k]
		switch strings.TrimPrefix(k, "extensions.") {
		case "objectformat":
			if !strings.EqualFold(v, "sha1") {
				f.objects = true
				why = append(why, "extensions.objectFormat = "+v)
			}
		case "refstorage":
			if !strings.EqualFold(v, "files") {
				f.refs = true
				why = append(why, "extensions.refStorage = "+v)
			}
		case "partialclone":
			f.objects = true
			why = append(why, "extensions.partialClone = "+v)
		case "noop", "preciousobjects", "worktreeconfig":
		default:
			f.objects, f.refs = true, true
			why = append(why, k+" = "+v)
		}
	}
	f.why = strings.Join(why, ", ")
	return f
}

// plumbing runs git for one repository.
type plumbing struct {
	gitDir   string
	hashSize int
	objects  bool   // objects through git (else in-process)
	refs     bool   // refs through git (else in-process, files)
	why      string // what made Open choose it (repoFormatInfo.why)
	cat      *catFile
}

// gitRefs reports whether refs are read and written through git.
func (r *Repo) gitRefs() bool { return r.git != nil && r.git.refs }

// forceGitRefs makes Open send refs through git whenever it sends objects
// there (tests only: git 2.39 cannot create a reftable repository, so a
// SHA-256 repository with refs through git is made this way).
var forceGitRefs = false

// usePlumbing hands objects, refs or both to git. It asks git for the
// object format, which also checks that git can read the repository.
func (r *Repo) usePlumbing(f repoFormatInfo) error {
	if forceGitRefs && f.objects && !f.refs {
		f.refs = true
		f.why += ", refs forced through git"
	}
	p := &plumbing{gitDir: r.gitDir, objects: f.objects, refs: f.refs, why: f.why}
	out, err := p.run(nil, "rev-parse", "--show-object-format")
	if err != nil {
		return err
	}
	format := strings.TrimSpace(out)
	switch format {
	case "sha1":
		p.hashSize = sha1Size
	case "sha256":
		p.hashSize = sha256Size
	default:
		return fmt.Errorf("%s: git reports object format %q, which git-flameiq does not know", r.commonDir, format)
	}
	if p.hashSize != sha1Size && !p.objects {
		return fmt.Errorf("%s: git reports object format %s, but the configuration says SHA-1", r.commonDir, format)
	}
	r.git, r.hashSize = p, p.hashSize
	if p.objects {
		p.cat = &catFile{gitDir: r.gitDir}
		r.odb.git = p
		r.odb.disk = nil // no object cache on this backend
		// The cat-file process ends (its stdin closed) when the Repo is
		// garbage; at exit it sees end of file and ends anyway.
		runtime.AddCleanup(r, func(c *catFile) { c.close() }, p.cat)
	}
	return nil
}

// Plumbing says what r hands to git and why, for example
// "objects through git (extensions.objectFormat = sha256)"; "" when r is
// read and written in-process.
func (r *Repo) Plumbing() string {
	if r.git == nil {
		return ""
	}
	what := "objects and refs"
	switch {
	case !r.git.refs:
		what = "objects"
	case !r.git.objects:
		what = "refs"
	}
	return what + " through git (" + r.git.why + ")"
}

// run runs `git --git-dir=<gitDir> args…` with stdin and returns stdout; a
// failure is a *GitError carrying git's stderr. Messages are in English
// (LC_ALL=C) so that a lost compare-and-swap can be told from a held lock.
func (p *plumbing) run(stdin []byte, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"--git-dir=" + p.gitDir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	return execGit(cmd, args, stdin)
}

// zero is the all-zero name of this repository's length, which
// `git update-ref` reads as "the ref must not exist".
func (p *plumbing) zero() string { return strings.Repeat("0", 2*p.hashSize) }

// parse reads an object name git printed.
func (p *plumbing) parse(s string) (Hash, error) {
	s = strings.TrimSpace(s)
	if len(s) != 2*p.hashSize {
		return ZeroHash, fmt.Errorf("git printed %q, not a %d-digit object name", s, 2*p.hashSize)
	}
	return ParseHash(s)
}

// readRef reads a ref (symbolic refs followed). A full ref name is looked
// up with `git for-each-ref`, whose pattern also matches refs below it,
// so the output is searched for the exact name; HEAD and other names
// outside refs/ with `git rev-parse --verify`.
func (p *plumbing) readRef(name string) (Hash, bool, error) {
	if name == "" || strings.HasPrefix(name, "-") {
		return ZeroHash, false, nil
	}
	if !strings.HasPrefix(name, "refs/") {
		out, err := p.run(nil, "rev-parse", "--quiet", "--verify", "--end-of-options", name)
		if err != nil {
			var ge *GitError
			if errors.As(err, &ge) && ge.ExitCode == 1 {
				return ZeroHash, false, nil // no such ref
			}
			return ZeroHash, false, err
		}
		h, err := p.parse(out)
		if err != nil {
			return ZeroHash, false, fmt.Errorf("ref %s: %w", name, err)
		}
		return h, true, nil
	}
	out, err := p.run(nil, "for-each-ref", "--format=%(objectname) %(refname)", "--", name)
	if err != nil {
		return ZeroHash, false, err
	}
	for _, l := range strings.Split(out, "\n") {
		if v, ref, ok := strings.Cut(l, " "); ok && ref == name {
			h, err := p.parse(v)
			if err != nil {
				return ZeroHash, false, fmt.Errorf("ref %s: %w", name, err)
			}
			return h, true, nil
		}
	}
	return ZeroHash, false, nil
}

// symbolicRef returns the ref a symbolic ref names, "" when name is not a
// symbolic ref (or cannot be read).
func (p *plumbing) symbolicRef(name string) string {
	out, err := p.run(nil, "symbolic-ref", "--quiet", "--", name)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

// resolve is Resolve through `git rev-parse --verify <rev>^{commit}`.
func (p *plumbing) resolve(rev string) (Hash, error) {
	spec := rev
	if strings.HasPrefix(spec, "~") || strings.HasPrefix(spec, "^") {
		spec = "HEAD" + spec // as the in-process Resolve reads "~2"
	}
	if strings.HasPrefix(spec, "-") {
		return ZeroHash, &revError{rev: rev, why: "not a commit, branch, tag or ref"}
	}
	out, err := p.run(nil, "rev-parse", "--quiet", "--verify", "--end-of-options", spec+"^{commit}")
	if err != nil {
		var ge *GitError
		if errors.As(err, &ge) && ge.ExitCode == -1 {
			return ZeroHash, err // git did not run
		}
		why := "not a commit, branch, tag or ref"
		if errors.As(err, &ge) && strings.TrimSpace(ge.Stderr) != "" {
			why = strings.TrimSpace(ge.Stderr)
		}
		return ZeroHash, &revError{rev: rev, why: why}
	}
	h, err := p.parse(out)
	if err != nil {
		return ZeroHash, &revError{rev: rev, why: err.Error()}
	}
	return h, nil
}

// readObject reads an object through the cat-file pipe.
func (p *plumbing) readObject(h Hash) (objType, []byte, error) {
	return p.cat.read(h)
}

// writeObject stores an object with `git hash-object -w`, which also
// checks that it is well formed.
func (p *plumbing) writeObject(t objType, content []byte) (Hash, error) {
	out, err := p.run(content, "hash-object", "-w", "-t", t.String(), "--stdin")
	if err != nil {
		return ZeroHash, err
	}
	return p.parse(out)
}

// lockPath finds the lock file a failed git ref update names ("Unable to
// create '<path>.lock': File exists."), "" if none.
func lockPath(stderr string) string {
	const pre, post = "Unable to create '", "': File exists"
	i := strings.Index(stderr, pre)
	if i < 0 {
		return ""
	}
	rest := stderr[i+len(pre):]
	j := strings.Index(rest, post)
	if j < 0 || !strings.HasSuffix(rest[:j], ".lock") {
		return ""
	}
	return rest[:j]
}

// updateRef sets ref to new if it still holds old (zero: must not exist),
// with git's own compare-and-swap (`git update-ref -m msg ref new old`,
// which also writes the reflog). It returns errRefChanged when the ref
// moved; a ref lock held by another process is waited for as lockFile
// waits for one (stale ones broken, LockError after lockTimeout).
func (p *plumbing) updateRef(ref string, old, new Hash, msg string) error {
	oldArg := p.zero()
	if !old.IsZero() {
		oldArg = old.String()
	}
	deadline := time.Now().Add(lockTimeout)
	backoff := 200 * time.Microsecond
	for {
		_, err := p.run(nil, "update-ref", "-m", msg, ref, new.String(), oldArg)
		if err == nil {
			return nil
		}
		cur, _, rerr := p.readRef(ref)
		if rerr == nil && cur != old {
			return errRefChanged
		}
		var ge *GitError
		lock := ""
		if errors.As(err, &ge) {
			lock = lockPath(ge.Stderr)
		}
		if lock == "" {
			return err
		}
		if breakStaleLock(lock) {
			continue
		}
		if time.Now().After(deadline) {
			le := &LockError{Path: lock}
			if st, err := os.Stat(lock); err == nil {
				le.Age = time.Since(st.ModTime())
			}
			return le
		}
		time.Sleep(jitter(backoff))
		if backoff < 20*time.Millisecond {
			backoff *= 2
		}
	}
}

// catFile is a `git cat-file --batch` process, started on first use and
// shared by the goroutines using a Repo (one request at a time). A
// process that died is started again on the next read.
type catFile struct {
	gitDir string

	mu     sync.Mutex
	cmd    *exec.Cmd
	in     *bufio.Writer
	stdin  io.Closer
	out    *bufio.Reader
	stderr *lockedBuffer
	closed bool
}

// lockedBuffer collects a process's stderr (written by exec's goroutine,
// read by ours).
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 64<<10 {
		return len(p), nil
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var catFileArgs = []string{"cat-file", "--batch"}

func (c *catFile) startLocked() error {
	cmd := exec.Command("git", append([]string{"--git-dir=" + c.gitDir}, catFileArgs...)...)
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		stdin.Close()
		return err
	}
	c.stderr = &lockedBuffer{}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		stdin.Close()
		return &GitError{Args: catFileArgs, ExitCode: -1, Stderr: err.Error()}
	}
	c.cmd, c.stdin, c.in, c.out = cmd, stdin, bufio.NewWriter(stdin), bufio.NewReaderSize(stdout, 64<<10)
	return nil
}

// failLocked ends a process that misbehaved and returns the error to report.
func (c *catFile) failLocked(why error) error {
	ge := &GitError{Args: catFileArgs, ExitCode: -1}
	if c.cmd != nil {
		c.stdin.Close()
		if err := c.cmd.Wait(); err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				ge.ExitCode = ee.ExitCode()
			}
		}
		ge.Stderr = c.stderr.String()
	}
	if strings.TrimSpace(ge.Stderr) == "" {
		ge.Stderr = why.Error()
	}
	c.cmd = nil
	return ge
}

func (c *catFile) read(h Hash) (objType, []byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, nil, errors.New("git cat-file: repository closed")
	}
	if c.cmd == nil {
		if err := c.startLocked(); err != nil {
			return 0, nil, err
		}
	}
	name := h.String()
	c.in.WriteString(name)
	c.in.WriteByte('\n')
	if err := c.in.Flush(); err != nil {
		return 0, nil, c.failLocked(err)
	}
	line, err := c.out.ReadString('\n')
	if err != nil {
		return 0, nil, c.failLocked(fmt.Errorf("reading %s: %w", name, err))
	}
	f := strings.Fields(line)
	if len(f) == 2 && f[1] == "missing" {
		return 0, nil, fmt.Errorf("%w: %s", ErrObjectNotFound, h)
	}
	if len(f) != 3 || f[0] != name {
		return 0, nil, c.failLocked(fmt.Errorf("unexpected reply %q for %s", strings.TrimSpace(line), name))
	}
	size, err := strconv.Atoi(f[2])
	t := parseObjType(f[1])
	if err != nil || size < 0 || t == 0 {
		return 0, nil, c.failLocked(fmt.Errorf("unexpected reply %q for %s", strings.TrimSpace(line), name))
	}
	data := make([]byte, size+1)
	if _, err := io.ReadFull(c.out, data); err != nil || data[size] != '\n' {
		if err == nil {
			err = errors.New("object not followed by a newline")
		}
		return 0, nil, c.failLocked(fmt.Errorf("reading %s: %w", name, err))
	}
	return t, data[:size:size], nil
}

// close ends the process (it sees end of file on its stdin).
func (c *catFile) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.cmd != nil {
		c.stdin.Close()
		cmd := c.cmd
		c.cmd = nil
		go cmd.Wait() //nolint:errcheck // reaped; its status does not matter
	}
}
