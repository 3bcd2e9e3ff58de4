// Package commands is the git-flameiq CLI (urfave/cli). For each
// subcommand it declares the flags, reads them in the command's Action into
// a typed options struct (diffOptions, bisectOptions, …; the shared groups
// are in options.go), checks them, calls the packages that do the work and
// picks the renderer --format names: ingest and internal/measure for the
// inputs, config, internal/store for snapshots and profiles,
// internal/baseline for what a commit is compared with, compare,
// internal/review, internal/bisector and internal/profilediff for the
// analyses, and report for every table, JSON document and page. Only the
// Action closures and urfave's own hooks (onUsageError) see a *cli.Context.
//
// It holds no domain logic and formats no report of its own: it reads the
// files named on the command line, turns results into report data, writes
// one-line messages on stderr (warnings, "recorded …") and maps errors to
// exit codes (exit.go). Main returns the process exit code; only main.go
// calls os.Exit.
package commands

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/config"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/termsafe"
)

// Version is set at build time with -ldflags "-X github.com/flameiq/git-flameiq/commands.Version=…"
// (goreleaser does); `go install …@v1.2.0` builds report the module version.
var Version = "dev"

func version() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return Version
}

// commandList holds the constructors of the subcommands, in help order;
// each subcommand's file adds itself in init().
var commandList []func(*env) *cli.Command

// env is what every command gets: the injected streams and the global flags.
type env struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	dir            string // -C
	configPath     string // --config
	refFlag        string // --ref

	cfg *config.Config

	unknownCommand bool   // set by CommandNotFound (urfave/cli returns no error for it)
	command        string // the running subcommand ("profile diff"), for error messages

	// cacheReads is set by the history commands: the repositories they
	// open keep what they inflate in the object cache (gitstore), which
	// Main writes out when the command is done.
	cacheReads bool
	repos      []*gitstore.Repo
}

// Main runs the CLI with args (args[0] is the program name) and returns the exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// Everything on stderr (warnings, errors quoting a key or a field
	// path from an input, progress) is terminal- and log-safe: no escape
	// sequence, no line a CI runner would read as a workflow command.
	safeErr := termsafe.NewWriter(stderr)
	defer safeErr.Flush()
	stderr = safeErr
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	app := newApp(e)
	err := app.RunContext(ctx, interspersed(app, args))
	for _, r := range e.repos {
		_ = r.FlushCache() // an accelerator only: a failure to write it is not the command's
	}
	code := exitCode(err)
	if err == nil && e.unknownCommand {
		code = ExitUsage
	}
	if err != nil && code != ExitRegression {
		msg := err.Error()
		if e.command != "" && !strings.HasPrefix(msg, e.command+":") {
			msg = e.command + ": " + msg
		}
		if !strings.HasPrefix(msg, "git-flameiq") {
			msg = "git-flameiq: " + msg
		}
		fmt.Fprintln(stderr, msg)
	}
	return code
}

// onUsageError is urfave/cli's hook for a bad flag: a usage error (exit 2)
// naming the running subcommand's full path ("profile diff").
func onUsageError(c *cli.Context, err error, isSubcommand bool) error {
	var names []string
	if c != nil {
		for _, l := range c.Lineage() {
			if l.Command != nil && l.Command.Name != "" && (l.App == nil || l.Command.Name != l.App.Name) {
				names = append([]string{l.Command.Name}, names...)
			}
		}
	}
	name := "git flameiq"
	if full := strings.Join(names, " "); full != "" {
		name += " " + full
		return usagef("%s: %v\nrun '%s -h' for usage", full, err, name)
	}
	return usagef("%v\nrun '%s -h' for usage", err, name)
}

func newApp(e *env) *cli.App {
	var cmds []*cli.Command
	for _, mk := range commandList {
		cmds = append(cmds, mk(e))
	}
	// Every command reports usage errors our way and records its full name
	// ("profile diff") for error messages.
	var walk func(prefix string, cs []*cli.Command)
	walk = func(prefix string, cs []*cli.Command) {
		for _, c := range cs {
			if c.OnUsageError == nil { // check keeps its own (exit 128)
				c.OnUsageError = onUsageError
			}
			full := strings.TrimSpace(prefix + " " + c.Name)
			if c.Action != nil {
				action := c.Action
				c.Action = func(ctx *cli.Context) error {
					e.command = full
					return action(ctx)
				}
			}
			walk(full, c.Subcommands)
		}
	}
	walk("", cmds)
	app := &cli.App{
		Name:     "git-flameiq",
		HelpName: "git flameiq",
		Usage:    "make performance regressions a build failure (benchmark results as git notes)",
		Description: `Record benchmark results on a commit, then gate pull requests on them:
   go test -run '^$' -bench . -count 10 | tee bench.txt
   git flameiq record bench.txt          # on main: attach the results as a git note
   git flameiq push                      # share refs/notes/flameiq through origin
   git flameiq diff --current bench.txt  # on a PR: compare with the merge-base

Exit codes: 0 pass (warnings allowed), 1 regression or budget breach,
2 usage, config or repository error, 3 input data error; check only: 125 skip,
128 an error (so that git bisect run aborts rather than mark the commit bad).
Environment: NO_COLOR disables colour; GITHUB_STEP_SUMMARY receives --format github.`,
		Version:   version(),
		Writer:    e.stdout,
		ErrWriter: e.stderr,
		Reader:    e.stdin,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "C", Usage: "run as if started in `DIR`", Destination: &e.dir},
			&cli.StringFlag{Name: "config", Usage: "read settings from `FILE` (default: flameiq.yaml at the work-tree root)", Destination: &e.configPath},
			&cli.StringFlag{Name: "ref", Usage: "notes `REF` holding the snapshots (default refs/notes/flameiq)", Destination: &e.refFlag},
		},
		Commands:             cmds,
		EnableBashCompletion: true,
		OnUsageError:         onUsageError,
		ExitErrHandler:       func(*cli.Context, error) {},
		CommandNotFound: func(c *cli.Context, name string) {
			e.unknownCommand = true
			fmt.Fprintf(e.stderr, "git-flameiq: unknown command %q; run 'git flameiq -h' (git turns --help into a man page lookup)\n", name)
		},
		Before: func(c *cli.Context) error {
			if e.dir != "" {
				st, err := os.Stat(e.dir)
				if err != nil || !st.IsDir() {
					return usagef("-C %s: not a directory", e.dir)
				}
			}
			return nil
		},
	}
	return app
}

// path resolves p against -C.
func (e *env) path(p string) string {
	if p == "-" || filepath.IsAbs(p) || e.dir == "" {
		return p
	}
	return filepath.Join(e.dir, p)
}

// workDir is the directory commands run in (-C or ".").
func (e *env) workDir() string {
	if e.dir == "" {
		return "."
	}
	return e.dir
}

// topLevel finds the work-tree root above workDir, or "" (gitstore finds
// it as git does: $GIT_DIR, $GIT_WORK_TREE, .git files of linked worktrees).
func (e *env) topLevel() string {
	return gitstore.WorkTreeOf(e.workDir())
}

// config loads flameiq.yaml once: --config (must exist), else the work-tree
// root's flameiq.yaml, else ./flameiq.yaml (both optional).
func (e *env) config() (*config.Config, error) {
	if e.cfg != nil {
		return e.cfg, nil
	}
	var c *config.Config
	var err error
	if e.configPath != "" {
		c, err = config.Load(e.path(e.configPath), false)
	} else {
		root := e.topLevel()
		if root == "" {
			root = e.workDir()
		}
		c, err = config.Load(filepath.Join(root, config.FileName), true)
	}
	if err != nil {
		return nil, err
	}
	e.cfg = c
	return c, nil
}

// notesRef is --ref, else the config's notes_ref, else refs/notes/flameiq.
// A short name is taken under refs/notes/ as git does; anything else
// outside refs/notes/ is refused.
func (e *env) notesRef() (string, error) {
	ref := e.refFlag
	if ref == "" {
		c, err := e.config()
		if err != nil {
			return "", err
		}
		ref = c.NotesRef
	}
	if ref == "" {
		ref = "refs/notes/flameiq"
	}
	full, err := gitstore.NotesRef(ref)
	if err != nil {
		return "", usagef("--ref: %v", err)
	}
	return full, nil
}
