//go:build failpoints

package pilot

import (
	"slices"
	"strings"
	"testing"
	"time"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
)

// TestActionsSurviveAPilotFailureBetweenTheirWrites: Leave and PrepareRestart each write to
// Elasticsearch more than once. A pilot that fails right after one of those writes (here the
// failpoint's error; a crash loses the same: everything in memory) and is replaced by a new one
// must carry the action to its end from what Elasticsearch holds, with nothing registered twice
// and no document lost.
func TestActionsSurviveAPilotFailureBetweenTheirWrites(t *testing.T) {
	for _, tc := range []struct {
		fp     failpoint.Name
		action navv1alpha1.PilotAction
	}{
		{failpoint.ElasticsearchPilotLeaveShutdownRegistered, navv1alpha1.ActionLeave},
		{failpoint.ElasticsearchPilotLeaveExcluded, navv1alpha1.ActionLeave},
		{failpoint.ElasticsearchPilotRestartShutdownRegistered, navv1alpha1.ActionPrepareRestart},
	} {
		t.Run(string(tc.fp), func(t *testing.T) {
			t.Cleanup(failpoint.Disarm)
			c := formedCluster(t, 3, 1, 30)
			master, node := c.masterAndAnother()
			failpoint.Disarm() // and forget the passes of the package's other tests
			if err := failpoint.Arm(tc.fp, failpoint.Fail); err != nil {
				t.Fatal(err)
			}
			if _, err := c.engines[node].Act(t.Context(), tc.action, testInput(c.es)); err == nil || !strings.Contains(err.Error(), string(tc.fp)) {
				t.Fatalf("%s with %s armed: %v, want the failpoint's error", tc.action, tc.fp, err)
			}
			if failpoint.Hits(tc.fp) != 1 {
				t.Fatalf("%s passed %s %d times, want once", tc.action, tc.fp, failpoint.Hits(tc.fp))
			}

			c.observe(master, nil) // the elected master's pilot carries on meanwhile, its cleanups too
			e := c.engines[node]
			c.engines[node] = c.newEngine(node, e.HTTPPort, e.TransportPort, e.SeedHosts) // the pilot's successor
			c.act(node, tc.action, 10*time.Second)

			if ids := c.registeredShutdowns(master); !slices.Equal(ids, []string{c.id(node)}) {
				t.Errorf("shutdowns after %s: %v, want only %s's", tc.action, ids, node)
			}
			if tc.action == navv1alpha1.ActionLeave {
				if ids := c.exclusions(master); !slices.Equal(ids, []string{c.id(node)}) {
					t.Errorf("voting exclusions after Leave: %v, want only %s's", ids, node)
				}
			}
			if n := c.count(master, "docs"); n != 30 {
				t.Errorf("%d documents after %s, want 30", n, tc.action)
			}
		})
	}
}
