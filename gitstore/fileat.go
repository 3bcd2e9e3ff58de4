package gitstore

import (
	"context"
	"strings"
)

// ReadFileAt returns the content of path (relative to the top of the work
// tree) in commit's tree, and whether it exists there: the PR check reads
// the base commit's flameiq.yaml this way, not the work tree's, so a pull
// request cannot loosen its own rules. It runs git (ls-tree, cat-file): one
// small file per check.
func ReadFileAt(ctx context.Context, dir string, commit Hash, path string) ([]byte, bool, error) {
	out, err := runGit(ctx, dir, "ls-tree", "-z", "--", commit.String(), path)
	if err != nil {
		return nil, false, err
	}
	// "<mode> blob <sha>\t<path>\x00": anything else (a tree, a submodule,
	// nothing) is no file.
	if !strings.Contains(strings.SplitN(out, "\t", 2)[0], " blob ") {
		return nil, false, nil
	}
	data, err := runGit(ctx, dir, "cat-file", "blob", commit.String()+":"+path)
	if err != nil {
		return nil, false, err
	}
	return []byte(data), true, nil
}
