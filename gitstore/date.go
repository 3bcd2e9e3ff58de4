package gitstore

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseDate reads a date as git understands it (`2026-11-16`,
// `1.week.ago`, `yesterday`, RFC 2822…), using git's own careful date
// parser (`git config --type=expiry-date`), which, unlike `--since`,
// rejects text it cannot read.
func ParseDate(ctx context.Context, dir, s string) (time.Time, error) {
	out, err := runGit(ctx, dir, "-c", "flameiq.date="+s, "config", "--type=expiry-date", "flameiq.date")
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date git can read", s)
	}
	sec, err := strconv.ParseUint(strings.TrimSpace(out), 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date git can read", s)
	}
	if sec > math.MaxInt64/2 {
		// git reads "now" (and "never") as the largest timestamp, meaning
		// "no limit": for a window's end that is the present.
		return time.Now(), nil
	}
	return time.Unix(int64(sec), 0), nil
}
