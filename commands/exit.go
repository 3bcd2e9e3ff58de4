package commands

import (
	"errors"
	"fmt"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/config"
	"github.com/flameiq/git-flameiq/ingest"
	"github.com/flameiq/git-flameiq/internal/measure"
	fstore "github.com/flameiq/git-flameiq/internal/store"
)

// Exit codes (stable, documented in the README).
const (
	ExitOK         = 0
	ExitRegression = 1
	ExitUsage      = 2
	ExitData       = 3
	// ExitAbortBisect is check's error code: it makes `git bisect run`
	// abort instead of marking the commit bad.
	ExitAbortBisect = 128
)

// errRegression: the report has already said what regressed.
var errRegression = errors.New("regression")

// usageError is a bad flag, argument, config or repository state (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// dataError is an input data problem (exit 3).
type dataError struct{ err error }

func (e *dataError) Error() string { return e.err.Error() }
func (e *dataError) Unwrap() error { return e.err }

// exitCode maps an error to the exit code. Unknown errors give 2, never 1:
// the errors of the internal packages are usage or repository problems
// unless they are a data problem (*fstore.DataError, the ingest errors).
// A benchmark command that failed (*measure.CommandError) is 2 whatever
// its own status was.
func exitCode(err error) int {
	var ie *ingest.Error
	var ies ingest.Errors
	var de *dataError
	var sde *fstore.DataError
	var ue *usageError
	var ce *config.Error
	var ec exitCoder
	var fe *ingest.FailedError
	var me *measure.CommandError
	var tb *compare.TooBigError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errRegression):
		return ExitRegression
	case errors.As(err, &me):
		return ExitUsage
	case errors.As(err, &ec):
		return ec.ExitCode()
	case errors.As(err, &ce), errors.As(err, &ue), errors.Is(err, ingest.ErrUnknownFormat), errors.Is(err, ingest.ErrNoWarmup):
		return ExitUsage
	case errors.As(err, &ie), errors.As(err, &ies), errors.As(err, &de), errors.As(err, &sde), errors.As(err, &fe), errors.As(err, &tb):
		return ExitData
	}
	return ExitUsage
}

type exitCoder interface{ ExitCode() int }

// codeError carries an explicit exit code (used by `check`: 125 = skip).
type codeError struct {
	code int
	msg  string
}

func (e *codeError) Error() string { return e.msg }
func (e *codeError) ExitCode() int { return e.code }
