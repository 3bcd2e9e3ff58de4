package prcomment

import (
	"strings"

	"github.com/flameiq/git-flameiq/snapshot"
)

// zwsp (U+200B ZERO WIDTH SPACE) is put between the characters that would
// otherwise make a mention, an issue reference or a link.
const zwsp = "\u200b"

// allowedTags are the only HTML tags kept (git flameiq's Markdown report
// uses them), and only when they nest properly; any other '<' becomes
// "&lt;".
var allowedTags = []string{"<details>", "</details>", "<summary>", "</summary>", "<sub>", "</sub>"}

// keptEntities are the only character references kept (the report's own
// escapes); any other '&' becomes "&amp;", so that "&#64;user" cannot
// turn into a mention once GitHub decodes it.
var keptEntities = []string{"&amp;", "&lt;", "&gt;", "&quot;"}

// Sanitize makes untrusted Markdown safe to post as a bot's comment,
// while git flameiq's own report reads the same:
//
//   - control, zero-width and bidi characters and bytes that are not
//     UTF-8 are shown as escapes (\x1b, \u202e: snapshot.Printable);
//   - HTML: '<' is escaped except in <details>, <summary> and <sub> tags
//     that nest properly (others are escaped, open ones are closed at
//     the end), so no HTML comment (our marker), script, image or
//     element can be written;
//   - character references other than &amp; &lt; &gt; &quot; are
//     escaped;
//   - @name (mentions of users and teams) and #123, GH-123 (issue
//     references) get a zero-width space after '@', '#' or "GH-": shown
//     the same, they ping no one and link no issue;
//   - links and images: "](" is escaped and "://" and "www." are split by
//     a zero-width space, so no link, autolink or image is made;
//   - a code fence left open is closed, so it cannot swallow what follows.
func Sanitize(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	var b strings.Builder
	var open []string // tag names, innermost last
	fence := ""       // the open code fence
	for i, line := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		line = snapshot.Printable(line)
		inFence := fence != ""
		if f := fenceOf(line); f != "" {
			switch {
			case fence == "":
				fence = f
			case strings.HasPrefix(f, fence[:1]) && len(f) >= len(fence):
				fence = ""
			}
		}
		writeLine(&b, line, &open, inFence && fence != "")
	}
	if fence != "" {
		b.WriteString("\n" + fence + "\n")
	}
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + open[i] + ">")
	}
	return b.String()
}

// fenceOf is the ``` or ~~~ run that opens or closes a code block on line
// (up to three spaces of indent), or "".
func fenceOf(line string) string {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 || len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return ""
	}
	n := 0
	for n < len(t) && t[n] == t[0] {
		n++
	}
	if n < 3 {
		return ""
	}
	return t[:n]
}

// writeLine escapes one line; in a code block no tag is kept.
func writeLine(b *strings.Builder, line string, open *[]string, code bool) {
	for i := 0; i < len(line); {
		rest := line[i:]
		c := line[i]
		switch {
		case c == '<':
			if !code {
				if tag, ok := allowedTag(rest, open); ok {
					b.WriteString(tag)
					i += len(tag)
					continue
				}
			}
			b.WriteString("&lt;")
		case c == '&':
			if e := prefixIn(rest, keptEntities); e != "" {
				b.WriteString(e)
				i += len(e)
				continue
			}
			b.WriteString("&amp;")
		case c == '@' && len(rest) > 1 && isAlnum(rest[1]):
			b.WriteString("@" + zwsp)
		case c == '#' && len(rest) > 1 && isDigit(rest[1]):
			b.WriteString("#" + zwsp)
		case (c == 'G' || c == 'g') && len(rest) > 3 && strings.EqualFold(rest[:3], "gh-") && isDigit(rest[3]):
			b.WriteString(rest[:3] + zwsp)
			i += 3
			continue
		case c == ']' && strings.HasPrefix(rest, "]("):
			b.WriteString(`]\(`)
			i += 2
			continue
		case c == ':' && strings.HasPrefix(rest, "://"):
			b.WriteString(":" + zwsp + "//")
			i += 3
			continue
		case (c == 'w' || c == 'W') && len(rest) >= 4 && strings.EqualFold(rest[:4], "www."):
			b.WriteString(rest[:3] + zwsp + ".")
			i += 4
			continue
		default:
			b.WriteByte(c)
		}
		i++
	}
}

// allowedTag is the allowed tag that rest starts with, when it nests:
// an opening tag is pushed on open, a closing one must match the
// innermost open tag.
func allowedTag(rest string, open *[]string) (string, bool) {
	tag := prefixIn(rest, allowedTags)
	if tag == "" {
		return "", false
	}
	name := strings.Trim(tag, "</>")
	if tag[1] != '/' {
		*open = append(*open, name)
		return tag, true
	}
	if n := len(*open); n > 0 && (*open)[n-1] == name {
		*open = (*open)[:n-1]
		return tag, true
	}
	return "", false
}

func prefixIn(s string, list []string) string {
	for _, p := range list {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
