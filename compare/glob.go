package compare

import "unicode/utf8"

// Match reports whether key matches the fnmatch-style glob as a whole:
// `*` matches any run of characters (`/` and `:` included), `?` one
// character, `[abc]`, `[a-z]` and `[!abc]` a class; an unterminated `[` is a
// literal. Matching is case-sensitive.
func Match(glob, key string) bool {
	for len(glob) > 0 {
		switch glob[0] {
		case '*':
			for len(glob) > 0 && glob[0] == '*' {
				glob = glob[1:]
			}
			if glob == "" {
				return true
			}
			for i := 0; i <= len(key); {
				if Match(glob, key[i:]) {
					return true
				}
				if i == len(key) {
					break
				}
				_, n := utf8.DecodeRuneInString(key[i:])
				i += n
			}
			return false
		case '?':
			if key == "" {
				return false
			}
			_, n := utf8.DecodeRuneInString(key)
			glob, key = glob[1:], key[n:]
		case '[':
			if key == "" {
				return false
			}
			r, n := utf8.DecodeRuneInString(key)
			ok, rest, valid := matchClass(glob, r)
			if !valid { // literal '['
				if key[0] != '[' {
					return false
				}
				glob, key = glob[1:], key[1:]
				continue
			}
			if !ok {
				return false
			}
			glob, key = rest, key[n:]
		default:
			gr, gn := utf8.DecodeRuneInString(glob)
			kr, kn := utf8.DecodeRuneInString(key)
			if key == "" || gr != kr {
				return false
			}
			glob, key = glob[gn:], key[kn:]
		}
	}
	return key == ""
}

// matchClass matches r against the class starting at glob[0] == '['. It
// returns whether r is in the class, the glob after the class, and whether
// the class is terminated at all.
func matchClass(glob string, r rune) (match bool, rest string, valid bool) {
	i := 1
	negate := false
	if i < len(glob) && (glob[i] == '!' || glob[i] == '^') {
		negate = true
		i++
	}
	first := true
	for i < len(glob) {
		if glob[i] == ']' && !first {
			return match != negate, glob[i+1:], true
		}
		first = false
		lo, n := utf8.DecodeRuneInString(glob[i:])
		i += n
		hi := lo
		if i+1 < len(glob) && glob[i] == '-' && glob[i+1] != ']' {
			hi, n = utf8.DecodeRuneInString(glob[i+1:])
			i += 1 + n
		}
		if lo <= r && r <= hi {
			match = true
		}
	}
	return false, glob, false
}

// literalCount is the specificity of a glob: its number of non-wildcard
// characters.
func literalCount(glob string) int {
	n := 0
	inClass := false
	for _, r := range glob {
		switch {
		case inClass:
			if r == ']' {
				inClass = false
			}
		case r == '[':
			inClass = true
		case r == '*' || r == '?':
		default:
			n++
		}
	}
	return n
}
