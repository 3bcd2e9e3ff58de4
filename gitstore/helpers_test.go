package gitstore

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain isolates git from the user's configuration and lets the test
// binary double as a writer process for the stress test.
func TestMain(m *testing.M) {
	if os.Getenv("GITSTORE_HELPER") != "" {
		os.Exit(helperMain())
	}
	home, err := os.MkdirTemp("", "gitstore-home-")
	if err != nil {
		panic(err)
	}
	for k, v := range map[string]string{
		"HOME":                home,
		"XDG_CONFIG_HOME":     filepath.Join(home, ".config"),
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME":     "Test Author",
		"GIT_AUTHOR_EMAIL":    "author@example.com",
		"GIT_COMMITTER_NAME":  "Test Committer",
		"GIT_COMMITTER_EMAIL": "committer@example.com",
		"GIT_TERMINAL_PROMPT": "0",
		"LC_ALL":              "C",
	} {
		os.Setenv(k, v)
	}
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_OBJECT_DIRECTORY", "GIT_INDEX_FILE", "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"} {
		os.Unsetenv(k)
	}
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

// git runs the git CLI in dir and returns its trimmed stdout.
func git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := gitErr(dir, nil, args...)
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func gitErr(dir string, stdin []byte, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%v: %s", err, stderr.String())
	}
	return strings.TrimSpace(out.String()), nil
}

// makeRepo creates a repository with n commits on main and returns its
// directory.
func makeRepo(t testing.TB, n int) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	if n > 0 {
		fastImport(t, dir, n, 0, false)
	}
	return dir
}

// fastImport appends n commits to main with git fast-import (and, if
// notes, a note "note <i>" on each commit in refs/notes/flameiq).
func fastImport(t testing.TB, dir string, n, start int, notes bool) {
	t.Helper()
	var b bytes.Buffer
	for i := start; i < start+n; i++ {
		fmt.Fprintf(&b, "commit refs/heads/main\nmark :%d\ncommitter C <c@example.com> %d +0000\ndata <<EOF\ncommit %d\nEOF\n", i+1, 1700000000+i*60, i)
		if i == start && start > 0 {
			b.WriteString("from refs/heads/main^0\n")
		}
		fmt.Fprintf(&b, "M 644 inline file.txt\ndata <<EOF\ncontent %d\nEOF\n\n", i)
	}
	if notes {
		fmt.Fprintf(&b, "commit refs/notes/flameiq\ncommitter C <c@example.com> %d +0000\ndata <<EOF\nnotes\nEOF\n", 1700000000+(start+n)*60)
		if start > 0 {
			b.WriteString("from refs/notes/flameiq^0\n")
		}
		for i := start; i < start+n; i++ {
			fmt.Fprintf(&b, "N inline :%d\ndata <<EOF\n{\"note\":%d}\nEOF\n", i+1, i)
		}
		b.WriteString("\n")
	}
	if _, err := gitErr(dir, b.Bytes(), "fast-import", "--quiet"); err != nil {
		t.Fatal(err)
	}
}

func mustOpen(t testing.TB, dir string) *Repo {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustHash(t testing.TB, s string) Hash {
	t.Helper()
	h, err := ParseHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func commitFile(t testing.TB, dir, name, content, msg string) Hash {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", name)
	git(t, dir, "commit", "-q", "-m", msg)
	return mustHash(t, git(t, dir, "rev-parse", "HEAD"))
}

// testHash is a SHA-1-sized name whose first byte is b (the rest zero).
func testHash(b byte) Hash { return Hash{b: [32]byte{b}, n: sha1Size} }
