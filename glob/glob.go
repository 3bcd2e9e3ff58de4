// Package glob matches metric keys against the globs used by -t, --metric,
// flameiq.yaml and Perf-Accepted trailers. The whole key must match, with
// fnmatch semantics where `*` matches any run of characters including `/`
// and `:` (Go keys such as `Encode/small-2:sec/op` hold both), `?` one
// character and `[…]` a class (`[!…]` or `[^…]` negated, ranges allowed).
// A `\` escapes the next character.
package glob

import "unicode/utf8"

// Match reports whether key matches pattern. A malformed class (no closing
// `]`) matches its characters literally.
func Match(pattern, key string) bool {
	px, kx := 0, 0
	nextPx, nextKx := -1, -1
	for px < len(pattern) || kx < len(key) {
		if px < len(pattern) {
			c := pattern[px]
			switch c {
			case '*':
				nextPx, nextKx = px, kx+1
				px++
				continue
			case '?':
				if kx < len(key) {
					_, w := utf8.DecodeRuneInString(key[kx:])
					px++
					kx += w
					continue
				}
			case '[':
				if kx < len(key) {
					r, w := utf8.DecodeRuneInString(key[kx:])
					if ok, end, valid := matchClass(pattern, px, r); valid {
						if ok {
							px = end
							kx += w
							continue
						}
					} else if key[kx] == '[' {
						px++
						kx++
						continue
					}
				}
			case '\\':
				if px+1 < len(pattern) && kx < len(key) && pattern[px+1] == key[kx] {
					px += 2
					kx++
					continue
				}
			default:
				if kx < len(key) && key[kx] == c {
					px++
					kx++
					continue
				}
			}
		}
		if nextKx > 0 && nextKx <= len(key) {
			px, kx = nextPx, nextKx
			continue
		}
		return false
	}
	return true
}

// matchClass matches r against the class starting at pattern[i] == '['.
// It returns whether r matched, the index after the class, and whether the
// class was well formed.
func matchClass(pattern string, i int, r rune) (matched bool, end int, valid bool) {
	j := i + 1
	neg := false
	if j < len(pattern) && (pattern[j] == '!' || pattern[j] == '^') {
		neg = true
		j++
	}
	first := true
	for j < len(pattern) {
		if pattern[j] == ']' && !first {
			return matched != neg, j + 1, true
		}
		first = false
		lo, w := utf8.DecodeRuneInString(pattern[j:])
		j += w
		hi := lo
		if j+1 < len(pattern) && pattern[j] == '-' && pattern[j+1] != ']' {
			hi, w = utf8.DecodeRuneInString(pattern[j+1:])
			j += 1 + w
		}
		if lo <= r && r <= hi {
			matched = true
		}
	}
	return false, 0, false
}

// IsLiteral reports whether pattern has no wildcard characters.
func IsLiteral(pattern string) bool {
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '*', '?', '[', '\\':
			return false
		}
	}
	return true
}

// Specificity ranks patterns for "the most specific match wins": an exact
// key beats every glob; between globs, more literal characters win.
func Specificity(pattern string) int {
	if IsLiteral(pattern) {
		return 1 << 30
	}
	n := 0
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '*', '?':
		default:
			n++
		}
	}
	return n
}
