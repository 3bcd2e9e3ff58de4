package gitstore

import (
	"context"
	"strings"
)

// ChangedFiles lists the tracked files of the work tree at dir that differ
// from HEAD (staged or not; untracked files do not count): results
// measured in such a tree do not measure HEAD. It runs git status.
func ChangedFiles(ctx context.Context, dir string) ([]string, error) {
	out, err := runGit(ctx, dir, "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return nil, err
	}
	var files []string
	for _, l := range strings.Split(out, "\n") {
		if len(l) > 3 {
			files = append(files, l[3:])
		}
	}
	return files, nil
}
