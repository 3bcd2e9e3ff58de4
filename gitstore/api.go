// Package gitstore keeps snapshots as git notes. It reads and writes the
// local repository in-process (go-git plus lower-level object access where
// go-git's defaults are too slow), updates refs with git's own lock-file
// protocol (compare-and-swap on <ref>.lock), and walks history (merge-base,
// first-parent). Network operations (push, pull) are the only place that
// runs the git CLI (gitcli.go).
//
// API contract (implemented in the other files of this package):
//
//	Open(dir string) (*Repo, error)                 // dir or any subdirectory of a work tree, or a bare repo; ErrNotRepo
//	(*Repo).Resolve(rev string) (Hash, error)       // commit-ish: sha (short ok), branch, tag, HEAD, HEAD~2, refs/…; ErrUnknownRev
//	(*Repo).Commit(h Hash) (*Commit, error)
//	(*Repo).MergeBase(a, b Hash) (Hash, error)      // best common ancestor; ErrNoMergeBase
//	(*Repo).FirstParent(from Hash, n int) ([]*Commit, error) // from, its first parent, … (n<=0: all)
//	(*Repo).IsShallow() bool
//	(*Repo).Notes(ref string) (*Notes, error)       // ref must be under refs/notes/ (ErrBadRef)
//	(*Notes).Read(commit Hash) ([]byte, error)      // nil, nil when the commit has no note; any fanout depth
//	(*Notes).Has(commit Hash) (bool, error)
//	(*Notes).List() ([]Hash, error)                 // every annotated commit
//	(*Repo).AppendNote(ref string, commit Hash, lines []byte, msg string) error
//	                                                 // CAS: read ref, union lines into the note, write tree+commit, update ref
//	                                                 // via <ref>.lock (O_EXCL) + rename; retry on conflict; never loses a line
//	(*Repo).AppendNotes(ref string, adds map[Hash][]byte, msg string) error // several commits in one notes commit
//	(*Repo).DefaultBranch(remote string) string     // refs/remotes/<remote>/HEAD target, else ""
//	Push(ctx, dir, remote, ref string) error        // git CLI: fetch, local union merge, push --force-with-lease, retry
//	Pull(ctx, dir, remote, ref string) error        // git CLI fetch into a temp ref, local union merge
package gitstore
