package prcomment

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	const z = zwsp
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "### ✅ no regression\n\n| a | b |", "### ✅ no regression\n\n| a | b |"},
		{"marker forged", "<!-- git-flameiq -->", "&lt;!-- git-flameiq -->"},
		{"comment closed early", "--> <!--", "--> &lt;!--"},
		{"script", "<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"},
		{"img", `<img src=x onerror=alert(1)>`, `&lt;img src=x onerror=alert(1)>`},
		{"upper-case tag not allowed", "<DETAILS>x</DETAILS>", "&lt;DETAILS>x&lt;/DETAILS>"},
		{"tag with attributes", `<details open="">`, `&lt;details open="">`},
		{"kept tags", "<details><summary>All</summary>\n\n</details>", "<details><summary>All</summary>\n\n</details>"},
		{"open tag closed at the end", "<details>\nx", "<details>\nx</details>"},
		{"stray closing tag", "</details></sub>x", "&lt;/details>&lt;/sub>x"},
		{"crossed tags", "<sub><details></sub>", "<sub><details>&lt;/sub></details></sub>"},
		{"mention", "@octocat and @org/team", "@" + z + "octocat and @" + z + "org/team"},
		{"mention as entity", "&#64;octocat &#x40;a &commat;b", "&amp;#" + z + "64;octocat &amp;#x40;a &amp;commat;b"},
		{"kept entities", "&amp; &lt; &gt; &quot;", "&amp; &lt; &gt; &quot;"},
		{"issue references", "#12 fixes GH-3 and gh-4, o/r#5", "#" + z + "12 fixes GH-" + z + "3 and gh-" + z + "4, o/r#" + z + "5"},
		{"headings stay", "#### Top\n# x", "#### Top\n# x"},
		{"link", "[click](https://evil.example/x)", "[click]\\(https:" + z + "//evil.example/x)"},
		{"image", "![x](https://evil.example/p.png)", "![x]\\(https:" + z + "//evil.example/p.png)"},
		{"autolink", "see http://a.b and WWW.c.d", "see http:" + z + "//a.b and WWW" + z + ".c.d"},
		{"reference link", "[x]: https://evil", "[x]: https:" + z + "//evil"},
		{"escaped bracket stays escaped", `\](`, `\]\(`},
		{"controls", "a\x1b[31mred\x07\u202eevil\u200bx\xff", `a\x1b[31mred\a\u202eevil\u200bx\xff`},
		{"crlf", "a\r\nb\rc", `a` + "\n" + `b\rc`},
		{"open fence closed", "```\n<details>\nend", "```\n&lt;details>\nend\n```\n"},
		{"closed fence", "~~~~\nx\n~~~~\n<sub>y</sub>", "~~~~\nx\n~~~~\n<sub>y</sub>"},
		{"fence with info and tags after", "```go\nx\n```\n<sub>", "```go\nx\n```\n<sub></sub>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sanitize(tc.in); got != tc.want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

// git flameiq's own Markdown reports (report's golden files, hostile
// names included), their marker line stripped as Render does, read
// exactly the same after Sanitize.
func TestSanitizeKeepsOwnReports(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "report", "testdata", "*.md.golden"))
	if err != nil || len(files) < 3 {
		t.Fatalf("report goldens: %v %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		report := stripMarker(b)
		if got := Sanitize(report); got != report {
			t.Errorf("%s changed by Sanitize:\n%s", f, got)
		}
	}
}

var (
	rawMention = regexp.MustCompile(`@[A-Za-z0-9]|#[0-9]|(?i)gh-[0-9]|\]\(|://|www\.|<!--|&#|<[^/ds]|<d[^e]|<s[^u]`)
	keptTag    = regexp.MustCompile(`</?(details|summary|sub)>`)
)

// FuzzSanitize: whatever the input, the output makes no mention, issue
// reference, link or HTML but the allowed tags, which balance; it is
// valid UTF-8 and has no control character but the line breaks.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"<!-- git-flameiq -->\n### x", "@a #1 [x](y) <details>", "```\n<sub>", "&#64;b\x1b\r\n", "</sub><sub>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		if !utf8.ValidString(out) {
			t.Fatalf("not UTF-8: %q", out)
		}
		for _, r := range out {
			if r < 0x20 && r != '\n' || r == 0x7f {
				t.Fatalf("control %U in %q", r, out)
			}
		}
		if m := rawMention.FindString(keptTag.ReplaceAllString(out, "")); m != "" {
			t.Fatalf("%q survives in %q (from %q)", m, out, in)
		}
		depth := map[string]int{}
		for _, m := range keptTag.FindAllStringSubmatch(out, -1) {
			if strings.HasPrefix(m[0], "</") {
				depth[m[1]]--
			} else {
				depth[m[1]]++
			}
			if depth[m[1]] < 0 {
				t.Fatalf("%s closed before it opened in %q", m[1], out)
			}
		}
		for tag, d := range depth {
			if d != 0 {
				t.Fatalf("%s left open in %q", tag, out)
			}
		}
	})
}
