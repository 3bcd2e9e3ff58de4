// Package limits holds the resource limits every input reader honours, so
// that no input file (a gzip bomb posing as a profile, a JSON document of
// hundreds of megabytes) can take the machine's memory.
package limits

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// DefaultMaxInput is the default of MaxInput: 1 GiB.
const DefaultMaxInput = 1 << 30

// MaxInput is the largest input, in bytes, git-flameiq reads into memory,
// after decompression: $FLAMEIQ_MAX_INPUT (a number of bytes, or with a
// K, M or G suffix: 512M), else DefaultMaxInput. A value that does not
// parse is an error naming it.
func MaxInput() (int64, error) {
	v := strings.TrimSpace(os.Getenv("FLAMEIQ_MAX_INPUT"))
	if v == "" {
		return DefaultMaxInput, nil
	}
	mult := int64(1)
	switch strings.ToUpper(v[len(v)-1:]) {
	case "K":
		mult = 1 << 10
	case "M":
		mult = 1 << 20
	case "G":
		mult = 1 << 30
	}
	if mult > 1 {
		v = v[:len(v)-1]
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("FLAMEIQ_MAX_INPUT=%q: want a positive number of bytes, e.g. 1073741824 or 1G", os.Getenv("FLAMEIQ_MAX_INPUT"))
	}
	return n * mult, nil
}

// Human formats a byte count for messages: "1 GiB", "512 MiB", "3000 bytes".
func Human(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
