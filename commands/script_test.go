package commands_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/flameiq/git-flameiq/commands"
	"github.com/flameiq/git-flameiq/internal/benchgen"
)

// TestMain registers git-flameiq as a command of the test binary: testscript
// puts a copy of it on $PATH under that name, so scripts run
// `exec git flameiq …` exactly as a user's git would.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"git-flameiq": func() {
			// As main.go: Ctrl-C and SIGTERM cancel the command's context.
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			code := commands.Main(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
			stop()
			os.Exit(code)
		},
		// benchgen writes Go benchmark text of any size (the
		// monorepo-scale scripts).
		"benchgen": func() { os.Exit(benchgen.Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the CLI scenarios in testdata/script/*.txtar, one per file
// (go test ./commands -run TestScript/diff-regression -testwork keeps the
// work directory of one scenario for inspection).
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup:               setupScriptEnv,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode":      cmdExitCode,
			"workflow-step": cmdWorkflowStep,
			"gitlab-job":    cmdGitLabJob,
		},
	})
}

// setupScriptEnv isolates every script from the user's and the system's git
// configuration (as git-lfs's t/testenv.sh does) and fixes identity and
// dates so that commit SHAs are stable from run to run.
func setupScriptEnv(e *testscript.Env) error {
	home := filepath.Join(e.WorkDir, ".home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	gitconfig := "[init]\n\tdefaultBranch = main\n" +
		"[advice]\n\tdetachedHead = false\n" +
		"[core]\n\tpager = cat\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o644); err != nil {
		return err
	}
	gate, err := filepath.Abs(filepath.Join("..", "testdata", "gate"))
	if err != nil {
		return err
	}
	corpus, err := filepath.Abs(filepath.Join("..", "testdata", "corpus"))
	if err != nil {
		return err
	}
	for k, v := range map[string]string{
		"GATEDATA":            gate,   // real benchmark runs for the gate's verdicts (testdata/gate/README)
		"CORPUS":              corpus, // real tool outputs (testdata/corpus/MANIFEST.md)
		"HOME":                home,
		"XDG_CONFIG_HOME":     filepath.Join(home, ".config"),
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_TERMINAL_PROMPT": "0",
		"GIT_AUTHOR_NAME":     "Flame Tester",
		"GIT_AUTHOR_EMAIL":    "tester@example.com",
		"GIT_COMMITTER_NAME":  "Flame Tester",
		"GIT_COMMITTER_EMAIL": "tester@example.com",
		"GIT_AUTHOR_DATE":     "2026-01-01T00:00:00Z",
		"GIT_COMMITTER_DATE":  "2026-01-01T00:00:00Z",
		"GIT_PAGER":           "cat",
		"NO_COLOR":            "1",
		"LC_ALL":              "C",
		"TZ":                  "UTC",
	} {
		e.Setenv(k, v)
	}
	// action.yml and examples/, whose scripts some scenarios run.
	repoRoot, err := filepath.Abs("..")
	if err != nil {
		return err
	}
	e.Setenv("REPOROOT", repoRoot)
	// testscript starts from a minimal environment (PATH, HOME=/no-home, …),
	// so GIT_DIR, GIT_NOTES_REF or GITHUB_STEP_SUMMARY never leak in.
	return nil
}

// cmdExitCode implements `exitcode N cmd args…`: run cmd and require exit
// status N exactly (the `!` prefix only checks for "some failure"). stdout
// and stderr stay available to the following stdout/stderr/cmp lines.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad code %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
