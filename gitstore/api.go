// Package gitstore is git-flameiq's only door to git: it keeps notes (the
// JSON Lines records, which it treats as lines of text and knows nothing
// more about) under refs/notes, and reads history. It reads and writes the
// local repository in-process with a small object store of its own
// (memory-mapped pack indexes searched in place, objects inflated on
// demand, loose objects written as git writes them) rather than go-git,
// whose pack-index decoding and package start-up cost more than a whole
// `git notes add` (see the README). It updates refs with git's own
// lock-file protocol (compare-and-swap on <ref>.lock), writes notes trees
// with git's fanout, and walks history (merge-base, first-parent, ranges).
// The git CLI runs only for network operations (push, pull: gitcli.go;
// deepening a shallow clone: shallow.go), worktrees (worktree.go), date
// parsing (date.go) and gc's list of reachable commits (gc.go), and as the plumbing
// backend for repositories the in-process code does not handle (SHA-256
// object names, reftable refs, a partial clone, an extensions.* key it
// does not know: plumbing.go); no other package runs git or reads .git
// itself (WorkTreeOf, CurrentBranch). Values returned (commits, note
// bytes) are shared with internal caches: callers must not modify them.
//
// API contract (implemented in the other files of this package):
//
//	Open(dir string) (*Repo, error)                 // dir or any subdirectory of a work tree, or a bare repo; ErrNotRepo;
//	                                                 // any repository git reads (SHA-1 in-process, the rest through git plumbing)
//	(*Repo).Resolve(rev string) (Hash, error)       // commit-ish: sha (short ok), branch, tag, HEAD, HEAD~2, refs/…; ErrUnknownRev
//	(*Repo).Commit(h Hash) (*Commit, error)
//	(*Repo).MergeBase(a, b Hash) (Hash, error)      // best common ancestor; ErrNoMergeBase
//	(*Repo).FirstParent(from Hash, n int) ([]*Commit, error) // from, its first parent, … (n<=0: all)
//	(*Repo).IsShallow() bool                       // commits in .git/shallow read as parentless, as git reads them (shallow.go)
//	Deepen(ctx, dir, remote string, n int) (moved bool, err error) // git fetch --deepen=n; DeepenUntil: growing steps until a check holds
//	(*Repo).GC(ref, reachable, GCPolicy) (GCResult, error) // drop notes of unreachable/old commits, squash the notes history (CAS, retried)
//	(*Repo).Size(ref string, top int) (NotesSize, error)   // notes, records, bytes, history length, largest notes
//	(*Repo).Notes(ref string) (*Notes, error)       // ref must be under refs/notes/ (ErrBadRef)
//	(*Notes).Read(commit Hash) ([]byte, error)      // nil, nil when the commit has no note; any fanout depth
//	(*Notes).Has(commit Hash) (bool, error)
//	(*Notes).ReadEach(commits []Hash, workers int, fn func(worker, i int, data []byte, err error))
//	                                                 // every note of a walk, each delta base inflated once (readeach.go); data lent to fn
//	(*Repo).AppendNote(ref string, commit Hash, lines []byte, msg string) error
//	                                                 // CAS: read ref, union lines into the note, write tree+commit, update ref
//	                                                 // via <ref>.lock (O_EXCL) + rename; retry on conflict; never loses a line
//	(*Repo).AppendNotes(ref string, adds map[Hash][]byte, msg string) error // several commits in one notes commit
//	(*Repo).DefaultBranch(remote string) string     // refs/remotes/<remote>/HEAD target, else ""
//	Push(ctx, dir, remote, ref string) error        // git CLI: fetch, local union merge, push --force-with-lease, retry (40 attempts, backoff)
//	Pull(ctx, dir, remote, ref string) (found bool, err error) // git CLI fetch into a temp ref, local union merge; found: the remote has the ref
//	WorkTreeOf(dir string) string                   // the work tree containing dir, as Open finds it ("" if none)
//	(*Repo).CurrentBranch() string                  // the branch HEAD names, "" when detached
//
// GC lists the commits whose notes it removed in a non-note file of the
// notes tree (PrunedFile), which MergeNotesFrom honours, so push and pull
// keep a pruned remote pruned (gc.go).
//
// Also provided: Hash (a SHA-1 or SHA-256 name: ParseHash of 40 or 64 hex
// digits, String, IsZero), Commit{Hash, Tree, Parents, Author, Committer,
// Message} and Subject, (*Repo).Plumbing (what goes through git, and
// why; "" for the in-process path), NotesRef (git's
// expansion of short notes ref names), (*Repo).ReadRef, (*Notes).Tip,
// (*Repo).MergeNotesFrom (the in-process cat_sort_uniq merge used by Push
// and Pull: union.go), and the error types GitError and LockError
// (errors.Is(err, ErrLocked)).
//
// # Storage and speed
//
// Objects are read without go-git's storage layer: pack indexes (v2) are
// memory-mapped and binary-searched on demand, pack entries are inflated
// and delta chains applied directly, loose objects are read and written as
// git does (zlib; written with stored deflate blocks). Nothing is decoded
// up front, so opening a 100k-commit repository and reading a note costs a
// few object reads. Importing go-git's top-level package would add its
// package initialisation (transports, crypto) to every process start.
//
// History commands call (*Repo).CacheReads and FlushCache: the commits,
// trees and note blobs they inflate are kept uncompressed in
// $GIT_COMMON_DIR/flameiq/objcache and verified by name when read back
// (diskcache.go). Long walks release the pack pages they have touched
// every few thousand commits, so peak memory does not grow with history.
//
// Notes trees are edited exactly as git's notes.c does (a lazily loaded
// 16-way radix tree written with git's fanout heuristic), so an append
// rewrites only the path of the changed note and produces the same tree
// `git notes add` would.
//
// # Concurrency
//
// Ref updates take <ref>.lock with O_CREATE|O_EXCL, check the ref still
// holds the value the update was built on, write the new value and rename
// the lock over the ref; a conflicting update retries (after a first
// conflict, holding the lock while it rebuilds). A lock held by another
// process is waited for up to DefaultLockTimeout. git never removes stale
// lock files; this package breaks a ref lock older than StaleLockAge (5 s:
// no live writer holds one that long), so a killed writer does not block
// the next run, and otherwise the LockError names the file. A process
// killed at any point leaves the ref at its old or new value. The ref is not fsynced unless core.fsync asks for references, as
// in git. The git CLI's own `git notes add` overwrites the ref without a
// compare-and-swap; lines it drops are restored by the next AppendNote from
// the reflog. Where refs go through git (reftable, an unknown extension),
// the swap is `git update-ref <ref> <new> <old>` instead, and this
// package's writers queue on a lock of their own after a conflict
// (plumbing.go).
package gitstore
