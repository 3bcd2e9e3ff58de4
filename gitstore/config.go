package gitstore

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// gitConfig is the small part of git's configuration this package needs,
// read from the system (unless GIT_CONFIG_NOSYSTEM), global (~/.gitconfig,
// $XDG_CONFIG_HOME/git/config or GIT_CONFIG_GLOBAL) and repository files.
// Includes and conditional includes are not followed.
type gitConfig map[string]string // "section.key" (lower case) -> last value

func (r *Repo) config() gitConfig {
	c := gitConfig{}
	if os.Getenv("GIT_CONFIG_NOSYSTEM") == "" {
		c.readFile("/etc/gitconfig")
	}
	if g := os.Getenv("GIT_CONFIG_GLOBAL"); g != "" {
		c.readFile(g)
	} else {
		xdg := os.Getenv("XDG_CONFIG_HOME")
		home := os.Getenv("HOME")
		if xdg == "" && home != "" {
			xdg = filepath.Join(home, ".config")
		}
		if xdg != "" {
			c.readFile(filepath.Join(xdg, "git", "config"))
		}
		if home != "" {
			c.readFile(filepath.Join(home, ".gitconfig"))
		}
	}
	c.readFile(filepath.Join(r.commonDir, "config"))
	return c
}

func (c gitConfig) readFile(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			end := strings.IndexByte(line, ']')
			if end < 0 {
				continue
			}
			sec := strings.TrimSpace(line[1:end])
			name, sub, hasSub := strings.Cut(sec, " ")
			section = strings.ToLower(name)
			if hasSub {
				section += "." + strings.Trim(strings.TrimSpace(sub), `"`)
			}
			line = strings.TrimSpace(line[end+1:])
			if line == "" {
				continue
			}
		}
		k, v, hasVal := strings.Cut(line, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if !hasVal {
			c[section+"."+k] = "true"
			continue
		}
		c[section+"."+k] = configValue(v)
	}
}

// configValue strips comments and quotes from a raw value.
func configValue(v string) string {
	var b strings.Builder
	inQ := false
	for i := 0; i < len(v); i++ {
		ch := v[i]
		switch {
		case ch == '"':
			inQ = !inQ
		case ch == '\\' && i+1 < len(v):
			i++
			switch v[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(v[i])
			}
		case (ch == '#' || ch == ';') && !inQ:
			return strings.TrimSpace(b.String())
		default:
			b.WriteByte(ch)
		}
	}
	return strings.TrimSpace(b.String())
}

func (c gitConfig) bool(key string, def bool) bool {
	v, ok := c[key]
	if !ok {
		return def
	}
	switch strings.ToLower(v) {
	case "true", "yes", "on", "1", "always":
		return true
	case "false", "no", "off", "0", "":
		return false
	}
	return def
}

// identity returns the author and committer for a new notes commit:
// GIT_AUTHOR_* / GIT_COMMITTER_* (name, email, date), else user.name and
// user.email from the configuration, else "git-flameiq".
func (r *Repo) identity(c gitConfig) (author, committer Signature) {
	now := time.Now()
	pick := func(kind string) Signature {
		s := Signature{Name: os.Getenv("GIT_" + kind + "_NAME"), Email: os.Getenv("GIT_" + kind + "_EMAIL"), When: now}
		if s.Name == "" {
			s.Name = c["user.name"]
		}
		if s.Email == "" {
			s.Email = c["user.email"]
		}
		if s.Name == "" {
			s.Name = "git-flameiq"
		}
		if s.Email == "" {
			s.Email = "git-flameiq"
		}
		if d := os.Getenv("GIT_" + kind + "_DATE"); d != "" {
			if t, ok := parseGitDate(d); ok {
				s.When = t
			}
		}
		return s
	}
	return pick("AUTHOR"), pick("COMMITTER")
}

// parseGitDate accepts git's internal format ("1700000000 +0100", also with
// a leading @), RFC 3339 and ISO 8601 ("2006-01-02 15:04:05 -0700").
func parseGitDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	f := strings.Fields(strings.TrimPrefix(s, "@"))
	if len(f) >= 1 {
		if sec, err := strconv.ParseInt(f[0], 10, 64); err == nil {
			sig := parseSignature("x <x> " + strings.Join(f, " "))
			if len(f) == 1 {
				return time.Unix(sec, 0).UTC(), true
			}
			return sig.When, true
		}
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05 -0700", "2006-01-02T15:04:05 -0700", time.RFC1123Z, "Mon Jan 2 15:04:05 2006 -0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
