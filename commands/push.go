package commands

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/gitstore"
)

func init() { commandList = append(commandList, cmdPush, cmdPull) }

// sharing resolves what push and pull work on: the remote named by args,
// the refs carried (the metric notes and the profile notes derived from
// them) and the repository.
func (e *env) sharing(args []string) (remote string, refs []string, r *gitstore.Repo, err error) {
	if remote, err = remoteArg(args); err != nil {
		return "", nil, nil, err
	}
	ref, err := e.notesRef()
	if err != nil {
		return "", nil, nil, err
	}
	if r, err = e.repo(); err != nil {
		return "", nil, nil, err
	}
	return remote, []string{ref, profileRef(ref)}, r, nil
}

// remoteArg is push's and pull's optional REMOTE argument (default origin).
func remoteArg(args []string) (string, error) {
	switch len(args) {
	case 0:
		return "origin", nil
	case 1:
		if strings.HasPrefix(args[0], "-") || args[0] == "" {
			// A remote name never starts with '-': given to git it would be
			// an option (--upload-pack=CMD runs CMD).
			return "", usagef("remote %q: a remote name cannot be empty or start with '-'", args[0])
		}
		return args[0], nil
	}
	return "", usagef("takes at most one REMOTE")
}

func gitFailure(op string, err error) error {
	return usagef("%s: %s", op, strings.TrimSpace(err.Error()))
}

func cmdPush(e *env) *cli.Command {
	return &cli.Command{
		Name:      "push",
		Usage:     "share the notes with a remote (fetch, union merge, push; retried on races)",
		ArgsUsage: "[REMOTE]",
		Description: `Fetches the remote's refs/notes/flameiq (and refs/notes/flameiq-profiles), merges
them into the local notes as the union of records, then pushes with a lease,
retrying when another runner pushed in between. Transport is the git CLI, so
credential helpers and CI tokens work as for git push.

Example:
   git flameiq push            # origin
   git flameiq push upstream`,
		Action: func(c *cli.Context) error { return e.push(c.Args().Slice()) },
	}
}

// push shares the notes with the remote named by args (see cmdPush).
func (e *env) push(args []string) error {
	remote, refs, r, err := e.sharing(args)
	if err != nil {
		return err
	}
	var pushed []string
	for _, ref := range refs {
		if _, ok, _ := r.ReadRef(ref); !ok {
			continue // nothing recorded here under this ref
		}
		if err := gitstore.Push(e.ctx, e.workDir(), remote, ref); err != nil {
			return gitFailure("push "+ref+" to "+remote, err)
		}
		pushed = append(pushed, ref)
	}
	if len(pushed) == 0 {
		fmt.Fprintf(e.stderr, "nothing to push: no %s here (record one with: git flameiq record bench.txt)\n", refs[0])
		return nil
	}
	fmt.Fprintf(e.stderr, "pushed %s to %s\n", strings.Join(pushed, ", "), remote)
	return nil
}

func cmdPull(e *env) *cli.Command {
	return &cli.Command{
		Name:      "pull",
		Usage:     "fetch the notes from a remote and merge them into the local notes (union)",
		ArgsUsage: "[REMOTE]",
		Description: `Example:
   git flameiq pull && git flameiq diff`,
		Action: func(c *cli.Context) error { return e.pull(c.Args().Slice()) },
	}
}

// pull merges the notes of the remote named by args (see cmdPull).
func (e *env) pull(args []string) error {
	remote, refs, _, err := e.sharing(args)
	if err != nil {
		return err
	}
	var pulled []string
	for _, ref := range refs {
		found, err := gitstore.Pull(e.ctx, e.workDir(), remote, ref)
		if err != nil {
			return gitFailure("pull "+ref+" from "+remote, err)
		}
		if found {
			pulled = append(pulled, ref)
		}
	}
	if len(pulled) == 0 {
		fmt.Fprintf(e.stderr, "nothing to pull: %s has no %s\n", remote, strings.Join(refs, " or "))
		return nil
	}
	fmt.Fprintf(e.stderr, "pulled %s from %s\n", strings.Join(pulled, ", "), remote)
	return nil
}
