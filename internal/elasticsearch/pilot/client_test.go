package pilot

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/navigator-dbaas/navigator/internal/search/rest"
)

// TestErrorAnswersKeepStatusAndReason: the engine tells Elasticsearch's refusals apart by status
// (404: nothing to delete; 408: not done yet), and its log says what Elasticsearch said.
func TestErrorAnswersKeepStatusAndReason(t *testing.T) {
	c := formedCluster(t, 1, 0, 0)
	es := c.engines["logs-hot-0"].es
	id := c.id("logs-hot-1")

	err := es.deleteShutdown(t.Context(), id)
	if !rest.HasStatus(err, http.StatusNotFound) || rest.HasStatus(err, http.StatusRequestTimeout) {
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
