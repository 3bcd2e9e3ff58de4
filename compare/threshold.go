package compare

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// DefaultThreshold is FlameIQ's DEFAULT_THRESHOLD_PERCENT.
const DefaultThreshold = 10.0

// Round4 rounds x to 4 decimal places, half to even on the binary value,
// as Python's round(x, 4) does: the shortest correctly rounded decimal
// representation with 4 fractional digits, parsed back. NaN and ±Inf are
// returned unchanged; a tiny negative value rounds to -0.0.
func Round4(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	v, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 4, 64), 64)
	if err != nil { // cannot happen for a finite x
		return x
	}
	return v
}

// ChangePercent is FlameIQ's change_percent: ((current-baseline)/baseline)*100
// rounded to 4 decimal places (Round4). ok is false when the baseline is zero
// (0.0 or -0.0): the change is undefined and FlameIQ skips the metric.
// A NaN or infinite baseline gives NaN; overflow of the quotient gives ±Inf.
func ChangePercent(baseline, current float64) (chg float64, ok bool) {
	if baseline == 0 {
		return math.NaN(), false
	}
	return Round4(((current - baseline) / baseline) * 100), true
}

// ThresholdError reports a threshold value outside FlameIQ's grammar.
type ThresholdError struct {
	Value string
}

func (e *ThresholdError) Error() string {
	return fmt.Sprintf("invalid threshold %s: want a percent like \"10%%\" or \"-5.5%%\", or a number", e.Value)
}

// ParseThresholdString parses a FlameIQ percent string: surrounding
// whitespace is trimmed, then it must match ^-?\d+(\.\d+)?%$. As in the
// reference (Python), whitespace includes U+001C..U+001F and every Unicode
// space, and \d is any Unicode decimal digit (Arabic-Indic, fullwidth…).
// A bare number without % is an error. "-0%" gives -0.0.
func ParseThresholdString(s string) (float64, error) {
	t := strings.TrimFunc(s, isPySpace)
	num, ok := strings.CutSuffix(t, "%")
	if !ok {
		return 0, &ThresholdError{Value: strconv.Quote(s)}
	}
	ascii, ok := asciiDecimal(num)
	if !ok {
		return 0, &ThresholdError{Value: strconv.Quote(s)}
	}
	f, err := strconv.ParseFloat(ascii, 64)
	if err != nil {
		return 0, &ThresholdError{Value: strconv.Quote(s)}
	}
	return f, nil
}

// isPySpace reports whether Python's str.strip would remove r.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// asciiDecimal checks s against -?\d+(\.\d+)? with Unicode digits and
// returns it with every digit mapped to ASCII.
func asciiDecimal(s string) (string, bool) {
	var b strings.Builder
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		b.WriteByte('-')
		s = rest
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if !writeDigits(&b, intPart) {
		return "", false
	}
	if hasDot {
		b.WriteByte('.')
		if !writeDigits(&b, frac) {
			return "", false
		}
	}
	return b.String(), true
}

// writeDigits writes the ASCII value of a non-empty run of Unicode decimal
// digits; it fails on anything else.
func writeDigits(b *strings.Builder, s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		d, ok := digitValue(r)
		if !ok {
			return false
		}
		b.WriteByte(byte('0' + d))
	}
	return true
}

// digitValue returns the value of a Unicode decimal digit (category Nd).
// Unicode guarantees Nd characters come in contiguous runs of ten starting
// at zero, and unicode.Nd's ranges are unions of such runs.
func digitValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	return 0, false
}
