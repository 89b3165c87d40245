package rest

import (
	"errors"
	"testing"
	"time"
)

func TestTimeValue(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Minute: "5m", 90 * time.Second: "90s", 2 * time.Hour: "2h", 1500 * time.Millisecond: "1500ms", 0: "0s",
	} {
		if got := TimeValue(d); got != want {
			t.Errorf("TimeValue(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestTimeoutsAreRecognised: an engine's timeout_exception is a wait to make again, at the
// status its release answers (500 up to 8.x, 429 from 9.0); a 429 that is a rejected execution
// or a 500 that is any other failure is not.
func TestTimeoutsAreRecognised(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&Error{Status: 500, Type: "timeout_exception"}, true},
		{&Error{Status: 429, Type: "timeout_exception"}, true},
		{&Error{Status: 408}, true},
		{&Error{Status: 429, Type: "es_rejected_execution_exception"}, false},
		{&Error{Status: 500, Type: "illegal_state_exception"}, false},
		{errors.New("connection refused"), false},
	} {
		if got := IsTimeout(tc.err); got != tc.want {
			t.Errorf("IsTimeout(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
