package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Error is an error answer, {"error": {"type": …, "reason": …}, "status": …}, kept so that
// callers can tell a status (404: nothing to delete; 408: not yet) from a failure. Engine names
// who answered (Elasticsearch, OpenSearch), for the log.
type Error struct {
	Engine string
	Status int
	Type   string
	Reason string
}

func (e *Error) Error() string {
	if e.Type == "" && e.Reason == "" {
		return fmt.Sprintf("HTTP %d from %s", e.Status, e.Engine)
	}
	return fmt.Sprintf("HTTP %d from %s: %s: %s", e.Status, e.Engine, e.Type, e.Reason)
}

// Decode reads an answer of the given status into v (nil: drop the body) and turns an error
// answer into *Error.
func Decode(engine string, status int, body io.Reader, v any) error {
	if status >= 300 {
		e := &Error{Engine: engine, Status: status}
		var answer struct {
			Error json.RawMessage `json:"error"`
		}
		if json.NewDecoder(body).Decode(&answer) == nil && len(answer.Error) > 0 {
			var cause struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			}
			if json.Unmarshal(answer.Error, &cause) == nil {
				e.Type, e.Reason = cause.Type, cause.Reason
			} else {
				_ = json.Unmarshal(answer.Error, &e.Reason) // some answers give the error as a string
			}
		}
		return e
	}
	if v == nil {
		return nil
	}
	return json.NewDecoder(body).Decode(v)
}

// IsTimeout reports whether err is the engine giving up a wait it was asked to make, a
// timeout_exception: status 500 up to Elasticsearch 8.x and in OpenSearch, 429 from
// Elasticsearch 9.0 (a voting exclusion whose node the master has not yet taken out of the
// configuration). 408, which neither engine answers for it, counts too: a proxy in between may.
func IsTimeout(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Type == "timeout_exception" || e.Status == http.StatusRequestTimeout)
}

// HasStatus reports whether err is the engine's answer with this HTTP status.
func HasStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == status
}

// TimeValue prints a duration as the engines' time value ("5m", "90s", "1500ms"): Go's "5m0s"
// is not one.
func TimeValue(d time.Duration) string {
	switch {
	case d%time.Hour == 0 && d > 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0 && d > 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	default:
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
}
