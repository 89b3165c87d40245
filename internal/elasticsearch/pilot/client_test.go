package pilot

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTimeValue(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Minute: "5m", 90 * time.Second: "90s", 2 * time.Hour: "2h", 1500 * time.Millisecond: "1500ms", 0: "0s",
	} {
		if got := timeValue(d); got != want {
			t.Errorf("timeValue(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestNoneLeaving(t *testing.T) {
	st := &stateView{Nodes: map[string]stateNodeRef{"a1": {Name: "es-0"}, "b2": {Name: "es-1"}}}
	leaving := map[string]bool{"b2": true}
	for name, tc := range map[string]struct {
		exclusions []votingExclusion
		want       bool
	}{
		"every excluded node gone":                         {[]votingExclusion{{"c3", "es-2"}, {"d4", "es-3"}}, true},
		"one excluded node still leaving":                  {[]votingExclusion{{"c3", "es-2"}, {"b2", "es-1"}}, false},
		"an excluded member that no longer leaves":         {[]votingExclusion{{"a1", "es-0"}}, true},
		"excluded by name before it was seen, leaving":     {[]votingExclusion{{"_absent_", "es-1"}}, false},
		"excluded by name before it was seen, not leaving": {[]votingExclusion{{"_absent_", "es-0"}}, true},
		"excluded by name, never came":                     {[]votingExclusion{{"_absent_", "es-9"}}, true},
	} {
		if got := noneLeaving(st, tc.exclusions, leaving); got != tc.want {
			t.Errorf("%s: noneLeaving = %v, want %v", name, got, tc.want)
		}
	}
}

// TestErrorAnswersKeepStatusAndReason: the engine tells Elasticsearch's refusals apart by status
// (404: nothing to delete; 408: not done yet), and its log says what Elasticsearch said.
func TestErrorAnswersKeepStatusAndReason(t *testing.T) {
	c := formedCluster(t, 1, 0, 0)
	es := c.engines["logs-hot-0"].es
	id := c.id("logs-hot-1")

	err := es.deleteShutdown(t.Context(), id)
	if !hasStatus(err, http.StatusNotFound) || hasStatus(err, http.StatusRequestTimeout) {
		t.Fatalf("deleting a shutdown never registered: %v, want only a 404", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "resource_not_found_exception") || !strings.Contains(msg, id) {
		t.Errorf("error %q lacks Elasticsearch's type and reason", msg)
	}

	if err := es.putShutdown(t.Context(), id, shutdownRestart, "test", 90*time.Second); err != nil {
		t.Fatal(err)
	}
	sd, err := es.shutdownOf(t.Context(), id)
	if err != nil || !sd.is(shutdownRestart) || sd.is(shutdownRemove) || sd.Reason != "test" {
		t.Fatalf("registered restart shutdown read back as %+v (%v)", sd, err)
	}
	if err := es.deleteShutdown(t.Context(), id); err != nil {
		t.Errorf("deleting the registered shutdown: %v", err)
	}
}

// TestTimeoutsAreRecognised: an ElasticsearchTimeoutException is a wait to make again, at the
// status its release answers (500 up to 8.x, 429 from 9.0); a 429 that is a rejected execution
// or a 500 that is any other failure is not.
func TestTimeoutsAreRecognised(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&esError{Status: 500, Type: "timeout_exception"}, true},
		{&esError{Status: 429, Type: "timeout_exception"}, true},
		{&esError{Status: 408}, true},
		{&esError{Status: 429, Type: "es_rejected_execution_exception"}, false},
		{&esError{Status: 500, Type: "illegal_state_exception"}, false},
		{errors.New("connection refused"), false},
	} {
		if got := isTimeout(tc.err); got != tc.want {
			t.Errorf("isTimeout(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
