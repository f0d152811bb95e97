package request

import "fmt"

// UsageError is a mistake in what the user typed: a bad URL, request item, flag value or file argument.
// Nothing has been sent when it is returned.
type UsageError struct {
	Arg string // the offending argument, as typed
	Err error
}

func (e *UsageError) Error() string {
	if e.Arg == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("%q: %v", e.Arg, e.Err)
}

func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(arg, format string, a ...any) error {
	return &UsageError{Arg: arg, Err: fmt.Errorf(format, a...)}
}
