package commands

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/config"
)

//go:embed templates/flameiq.yaml
var configTemplate []byte

//go:embed templates/github-workflow.yml
var workflowTemplate []byte

// The fork-safe pair: the pull_request workflow that measures and uploads
// the report, and the workflow_run workflow that posts it.
var (
	//go:embed templates/github-fork-safe.yml
	forkSafeTemplate []byte
	//go:embed templates/github-fork-safe-comment.yml
	forkSafeCommentTemplate []byte
)

func init() { commandList = append(commandList, cmdInit) }

func cmdInit(e *env) *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "write a commented flameiq.yaml (and, with --github, a CI workflow)",
		Description: `Writes flameiq.yaml at the work-tree root (or the current directory outside a
repository). Existing files are kept unless --force (exit 2 when nothing was
written).

--github also writes .github/workflows/flameiq.yml, which records on main and
checks and comments on pull requests (a fork's pull request gets no comment:
its token is read-only). --fork-safe (implies --github) writes the two-workflow
pair instead: flameiq.yml measures pull requests with a read-only token and
uploads the report; flameiq-comment.yml (workflow_run) checks it with git
flameiq comment and posts it, never running the pull request's code.

Example:
   git flameiq init --github --fork-safe`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "github", Usage: "also write .github/workflows/flameiq.yml"},
			&cli.BoolFlag{Name: "fork-safe", Usage: "write the fork-safe pair flameiq.yml and flameiq-comment.yml (implies --github)"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite existing files"},
		},
		Action: func(c *cli.Context) error {
			return e.initFiles(initOptions{Args: c.Args().Slice(), GitHub: c.Bool("github") || c.Bool("fork-safe"),
				ForkSafe: c.Bool("fork-safe"), Force: c.Bool("force")})
		},
	}
}

// initOptions are init's flags.
type initOptions struct {
	Args     []string // none
	GitHub   bool     // also the CI workflow
	ForkSafe bool     // the two-workflow pair instead of the single workflow
	Force    bool     // overwrite
}

// initFiles writes flameiq.yaml and the workflow (see cmdInit).
func (e *env) initFiles(o initOptions) error {
	if len(o.Args) > 0 {
		return usagef("takes no arguments")
	}
	root := e.topLevel()
	if root == "" {
		root = e.workDir()
	}
	// The template must stay valid: check it before writing.
	if _, err := config.Parse(configTemplate, "template"); err != nil {
		return fmt.Errorf("internal: config template: %v", err)
	}
	type file struct {
		path string
		data []byte
	}
	files := []file{{filepath.Join(root, config.FileName), configTemplate}}
	workflows := filepath.Join(root, ".github", "workflows")
	switch {
	case o.ForkSafe:
		files = append(files, file{filepath.Join(workflows, "flameiq.yml"), forkSafeTemplate},
			file{filepath.Join(workflows, "flameiq-comment.yml"), forkSafeCommentTemplate})
	case o.GitHub:
		files = append(files, file{filepath.Join(workflows, "flameiq.yml"), workflowTemplate})
	}
	wrote, kept := 0, []string{}
	for _, f := range files {
		if _, err := os.Stat(f.path); err == nil && !o.Force {
			kept = append(kept, f.path)
			fmt.Fprintf(e.stderr, "kept %s (exists; --force overwrites it)\n", f.path)
			continue
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			return usagef("%s: %v", f.path, err)
		}
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			return usagef("%v", err)
		}
		if err := os.WriteFile(f.path, f.data, 0o644); err != nil {
			return usagef("%v", err)
		}
		fmt.Fprintf(e.stderr, "wrote %s\n", f.path)
		wrote++
	}
	if wrote == 0 {
		return usagef("nothing written: %s exist(s); pass --force to overwrite", strings.Join(kept, ", "))
	}
	return nil
}
