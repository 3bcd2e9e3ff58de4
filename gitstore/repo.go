package gitstore

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Repo is an open repository. It is safe for concurrent use by several
// goroutines; ref updates are serialised by git's lock files, so several
// processes may also share one repository.
type Repo struct {
	gitDir    string // per-worktree dir (HEAD)
	commonDir string // objects, refs, packed-refs, config
	workTree  string // "" for a bare repository
	odb       *odb
	hashSize  int           // object name size: 20 (SHA-1) or 32 (SHA-256)
	git       *plumbing     // non-nil: objects or refs (or both) go through git (plumbing.go)
	shallow   map[Hash]bool // a shallow clone's boundary commits, read as parentless (shallow.go)

	treeMu  sync.Mutex
	trees   map[Hash]*indexedTree // indexed notes trees (see treeIndex)
	commits map[uint64]*Commit    // parsed commits, by commitKey (see Commit)
	parsed  int                   // commits parsed so far

	flushing sync.WaitGroup // background object-cache writes (FlushCacheBackground)
}

// WorkTreeOf returns the top of the work tree containing dir, found as
// Open finds a repository ($GIT_DIR, $GIT_WORK_TREE, .git directories and
// files), or "" when dir is in no work tree (outside any repository, or in
// a bare one). It reads no objects.
func WorkTreeOf(dir string) string {
	r, err := locate(dir)
	if err != nil {
		return ""
	}
	return r.workTree
}

// CurrentBranch is the branch HEAD names ("main"), or "" for a detached
// HEAD or when HEAD cannot be read. It runs no git process, except where
// refs go through git (`git symbolic-ref HEAD`: plumbing.go).
func (r *Repo) CurrentBranch() string {
	if r.gitRefs() {
		ref, _ := strings.CutPrefix(r.git.symbolicRef("HEAD"), "refs/heads/")
		if !strings.HasPrefix(ref, "refs/") {
			return ref
		}
		return ""
	}
	b, err := os.ReadFile(filepath.Join(r.gitDir, "HEAD"))
	if err != nil {
		return ""
	}
	ref, _ := strings.CutPrefix(strings.TrimSpace(string(b)), "ref: refs/heads/")
	if ref == strings.TrimSpace(string(b)) {
		return ""
	}
	return ref
}

// Open opens the repository containing dir: dir may be a work tree or any
// directory below it, a bare repository, or a linked worktree. $GIT_DIR,
// when set, names the git directory directly (relative to dir), as it does
// for git. It fails with ErrNotRepo when no repository is found.
//
// A repository the in-process code handles (SHA-1 object names, refs in
// files, no repository extension it does not know) is read and written
// in-process. For any other one, what the in-process code does not handle
// goes through git plumbing instead (see repoFormat and plumbing.go):
// objects for extensions.objectFormat = sha256 or a partial clone, refs
// for extensions.refStorage = reftable, both for an extensions.* key this
// package does not know. That is slower but reads exactly what git reads;
// git's own refusal (a repository format newer than the installed git) is
// returned as a *GitError.
func Open(dir string) (*Repo, error) {
	r, err := locate(dir)
	if err != nil {
		return nil, err
	}
	c := gitConfig{}
	c.readFile(filepath.Join(r.commonDir, "config"))
	if f := repoFormat(c); f.objects || f.refs {
		if err := r.usePlumbing(f); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// locate finds the repository containing dir (see Open).
func locate(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if gd := os.Getenv("GIT_DIR"); gd != "" {
		if !filepath.IsAbs(gd) {
			gd = filepath.Join(abs, gd)
		}
		if !isGitDir(gd) {
			return nil, fmt.Errorf("%w: GIT_DIR=%s", ErrNotRepo, gd)
		}
		wt := os.Getenv("GIT_WORK_TREE")
		if wt == "" && filepath.Base(gd) == ".git" {
			wt = filepath.Dir(gd)
		}
		return newRepo(gd, wt), nil
	}
	for d := abs; ; {
		dot := filepath.Join(d, ".git")
		if st, err := os.Stat(dot); err == nil {
			if st.IsDir() && isGitDir(dot) {
				return newRepo(dot, d), nil
			}
			if !st.IsDir() {
				if gd, ok := readGitFile(dot); ok && isGitDir(gd) {
					return newRepo(gd, d), nil
				}
			}
		}
		if isGitDir(d) {
			return newRepo(d, ""), nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil, fmt.Errorf("%w: %s", ErrNotRepo, abs)
		}
		d = parent
	}
}

// readGitFile reads a ".git" file ("gitdir: <path>") as used by linked
// worktrees and submodules.
func readGitFile(path string) (string, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	s, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
	if !ok {
		return "", false
	}
	s = strings.TrimSpace(s)
	if !filepath.IsAbs(s) {
		s = filepath.Join(filepath.Dir(path), s)
	}
	return s, true
}

func isGitDir(d string) bool {
	if _, err := os.Stat(filepath.Join(d, "HEAD")); err != nil {
		return false
	}
	if _, err := os.Stat(filepath.Join(d, "commondir")); err == nil {
		return true
	}
	st, err := os.Stat(filepath.Join(d, "objects"))
	if err != nil || !st.IsDir() {
		return false
	}
	st, err = os.Stat(filepath.Join(d, "refs"))
	return err == nil && st.IsDir()
}

func newRepo(gitDir, workTree string) *Repo {
	gitDir = filepath.Clean(gitDir)
	common := gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		common = filepath.Clean(c)
	}
	objdir := filepath.Join(common, "objects")
	if od := os.Getenv("GIT_OBJECT_DIRECTORY"); od != "" {
		objdir = od
	}
	o := newODB(objdir)
	o.disk = newDiskCache(common)
	return &Repo{gitDir: gitDir, commonDir: common, workTree: workTree, odb: o, hashSize: sha1Size, shallow: readShallow(common)}
}

// refDir returns the directory that stores a ref: HEAD and per-worktree
// refs live in the worktree's git dir, everything else in the common dir.
func (r *Repo) refDir(name string) string {
	if name == "HEAD" || strings.HasPrefix(name, "refs/worktree/") || strings.HasPrefix(name, "refs/bisect/") {
		return r.gitDir
	}
	return r.commonDir
}

// readRefRaw reads one ref without following symbolic refs: its value, or
// the target of a symbolic ref. ok is false when the ref does not exist.
func (r *Repo) readRefRaw(name string) (h Hash, sym string, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(r.refDir(name), filepath.FromSlash(name)))
	if err == nil {
		s := strings.TrimSpace(string(b))
		if t, isSym := strings.CutPrefix(s, "ref:"); isSym {
			return h, strings.TrimSpace(t), true, nil
		}
		h, err = ParseHash(s)
		if err != nil {
			return h, "", false, fmt.Errorf("ref %s: bad value %q", name, s)
		}
		return h, "", true, nil
	}
	if !errors.Is(err, fs.ErrNotExist) && !isDirErr(err) {
		return h, "", false, err
	}
	if !strings.HasPrefix(name, "refs/") {
		return h, "", false, nil
	}
	h, ok, err = r.packedRef(name)
	return h, "", ok, err
}

func isDirErr(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "is a directory")
}

// packedRef looks a ref up in packed-refs (read fresh each time: it is the
// value compare-and-swap checks against).
func (r *Repo) packedRef(name string) (Hash, bool, error) {
	b, err := os.ReadFile(filepath.Join(r.commonDir, "packed-refs"))
	if errors.Is(err, fs.ErrNotExist) {
		return ZeroHash, false, nil
	}
	if err != nil {
		return ZeroHash, false, err
	}
	needle := []byte(" " + name + "\n")
	for i := 0; ; {
		j := bytes.Index(b[i:], needle)
		if j < 0 {
			return ZeroHash, false, nil
		}
		end := i + j
		for _, size := range [...]int{2 * sha1Size, 2 * sha256Size} {
			start := end - size
			if start >= 0 && (start == 0 || b[start-1] == '\n') {
				h, err := ParseHash(string(b[start:end]))
				if err == nil {
					return h, true, nil
				}
			}
		}
		i = end + len(needle)
	}
}

// ReadRef returns the value of a ref (following symbolic refs); ok is false
// when it does not exist.
func (r *Repo) ReadRef(name string) (h Hash, ok bool, err error) {
	if r.gitRefs() {
		return r.git.readRef(name)
	}
	for i := 0; i < 8; i++ {
		var sym string
		h, sym, ok, err = r.readRefRaw(name)
		if err != nil || !ok || sym == "" {
			return h, ok, err
		}
		name = sym
	}
	return ZeroHash, false, fmt.Errorf("ref %s: symbolic ref loop", name)
}

// IsShallow reports whether the repository is a shallow clone.
func (r *Repo) IsShallow() bool {
	_, err := os.Stat(filepath.Join(r.commonDir, "shallow"))
	return err == nil
}

// DefaultBranch returns the full ref name that refs/remotes/<remote>/HEAD
// points at (for example "refs/remotes/origin/main"), or "" when the remote
// HEAD is not known locally.
func (r *Repo) DefaultBranch(remote string) string {
	if r.gitRefs() {
		return r.git.symbolicRef("refs/remotes/" + remote + "/HEAD")
	}
	_, sym, ok, err := r.readRefRaw("refs/remotes/" + remote + "/HEAD")
	if err != nil || !ok {
		return ""
	}
	return sym
}

// Commit reads and decodes a commit.
func (r *Repo) Commit(h Hash) (*Commit, error) {
	r.treeMu.Lock()
	c, ok := r.commits[commitKey(&h)]
	r.treeMu.Unlock()
	if ok && c.Hash == h {
		return c, nil
	}
	data, err := r.odb.readType(h, objCommit)
	if err != nil {
		return nil, err
	}
	c, err = parseCommit(h, data)
	if err != nil {
		return nil, err
	}
	c = r.graft(c)
	r.treeMu.Lock()
	if r.commits == nil || len(r.commits) >= commitCacheMax {
		r.commits = map[uint64]*Commit{}
	}
	r.commits[commitKey(&h)] = c
	r.parsed++
	release := r.parsed%releaseEvery == 0
	r.treeMu.Unlock()
	if release {
		r.odb.releaseMapped()
	}
	return c, nil
}

// releaseEvery: a walk releases the pack pages it has touched every so many
// commits (see releaseMapped), which keeps the peak memory of a walk over a
// 100k-commit history under 100 MB.
const releaseEvery = 8192

// commitKey keys the commit cache by the first 8 bytes of a commit's name
// (names are uniformly distributed): a 16-byte map slot instead of 48 for
// a whole Hash, which a 100k-commit bisect holds 100k of. A lookup checks
// the whole name; two commits that share a key just take turns in the
// cache.
func commitKey(h *Hash) uint64 { return binary.LittleEndian.Uint64(h.b[:8]) }

// commitCacheMax bounds the parsed commits a Repo keeps: resolving
// `main~9998` and then walking the same path (bisect, log after resolve)
// reads each commit once. Commits are immutable; callers must not modify
// the returned value.
const commitCacheMax = 1 << 17

// Resolve turns a revision into a commit: a full or abbreviated (at least 4
// hex digits) object name, HEAD or @, a branch, tag (peeled to its commit),
// remote-tracking branch or full ref, followed by any number of ~N, ^N,
// ^{commit} or ^{} suffixes. Errors wrap ErrUnknownRev and name rev.
func (r *Repo) Resolve(rev string) (Hash, error) {
	if rev == "" {
		return ZeroHash, &revError{rev: rev, why: "empty revision"}
	}
	if r.git != nil {
		return r.git.resolve(rev)
	}
	base := rev
	ops := ""
	if i := strings.IndexAny(rev, "~^"); i >= 0 {
		base, ops = rev[:i], rev[i:]
	}
	if base == "" || base == "@" {
		base = "HEAD"
	}
	h, err := r.resolveName(base)
	if err != nil {
		return ZeroHash, &revError{rev: rev, why: err.Error()}
	}
	for ops != "" {
		op := ops[0]
		ops = ops[1:]
		if op == '^' && strings.HasPrefix(ops, "{") {
			end := strings.IndexByte(ops, '}')
			if end < 0 {
				return ZeroHash, &revError{rev: rev, why: "unterminated ^{"}
			}
			what := ops[1:end]
			ops = ops[end+1:]
			if what != "" && what != "commit" {
				return ZeroHash, &revError{rev: rev, why: "only ^{}, ^{commit} are supported"}
			}
			if h, err = r.peelCommit(h); err != nil {
				return ZeroHash, &revError{rev: rev, why: err.Error()}
			}
			continue
		}
		j := 0
		for j < len(ops) && ops[j] >= '0' && ops[j] <= '9' {
			j++
		}
		n := 1
		if j > 0 {
			n, _ = strconv.Atoi(ops[:j])
		}
		ops = ops[j:]
		c, err := r.peelCommitObj(h)
		if err != nil {
			return ZeroHash, &revError{rev: rev, why: err.Error()}
		}
		if op == '^' {
			if n == 0 {
				h = c.Hash
				continue
			}
			if n > len(c.Parents) {
				return ZeroHash, &revError{rev: rev, why: fmt.Sprintf("commit %s has no parent %d", c.Hash, n)}
			}
			h = c.Parents[n-1]
			continue
		}
		for k := 0; k < n; k++ {
			if len(c.Parents) == 0 {
				return ZeroHash, &revError{rev: rev, why: "history is too short"}
			}
			if k == n-1 {
				h = c.Parents[0]
				break
			}
			if c, err = r.Commit(c.Parents[0]); err != nil {
				return ZeroHash, &revError{rev: rev, why: err.Error()}
			}
		}
	}
	h, err = r.peelCommit(h)
	if err != nil {
		return ZeroHash, &revError{rev: rev, why: err.Error()}
	}
	return h, nil
}

func (r *Repo) peelCommit(h Hash) (Hash, error) {
	p, t, err := r.peel(h)
	if err != nil {
		return h, err
	}
	if t != objCommit {
		return h, fmt.Errorf("%s is a %s, not a commit", p, t)
	}
	return p, nil
}

func (r *Repo) peelCommitObj(h Hash) (*Commit, error) {
	p, err := r.peelCommit(h)
	if err != nil {
		return nil, err
	}
	return r.Commit(p)
}

// resolveName resolves the part of a revision before any ~ or ^.
func (r *Repo) resolveName(name string) (Hash, error) {
	if len(name) == 40 {
		if h, err := ParseHash(strings.ToLower(name)); err == nil {
			return h, nil
		}
	}
	if validRefName(name) {
		cands := []string{name, "refs/" + name, "refs/tags/" + name, "refs/heads/" + name,
			"refs/remotes/" + name, "refs/remotes/" + name + "/HEAD"}
		if name == "HEAD" || strings.HasPrefix(name, "refs/") {
			cands = cands[:1]
		}
		for _, c := range cands {
			if c != "HEAD" && !strings.HasPrefix(c, "refs/") {
				continue
			}
			h, ok, err := r.ReadRef(c)
			if err != nil {
				return ZeroHash, err
			}
			if ok {
				return h, nil
			}
		}
	}
	if len(name) >= 4 && len(name) < 40 && isHex(name) {
		m := r.odb.prefix(strings.ToLower(name))
		switch len(m) {
		case 1:
			return m[0], nil
		case 0:
		default:
			return ZeroHash, fmt.Errorf("short object name %s is ambiguous", name)
		}
	}
	return ZeroHash, errors.New("not a commit, branch, tag or ref")
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s + s[:len(s)%2])
	return err == nil
}

// validRefName rejects names git would never store, so a revision cannot
// escape the refs directory.
func validRefName(s string) bool {
	if s == "" || strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") || strings.HasSuffix(s, ".lock") ||
		strings.Contains(s, "..") || strings.Contains(s, "//") || strings.Contains(s, "@{") {
		return false
	}
	for _, c := range s {
		if c <= ' ' || c == 0x7f || strings.ContainsRune("~^:?*[\\", c) {
			return false
		}
	}
	for _, part := range strings.Split(s, "/") {
		if strings.HasPrefix(part, ".") {
			return false
		}
	}
	return true
}
