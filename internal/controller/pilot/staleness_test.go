package pilot

import (
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

func reporting(name string, ready bool, beatAgo time.Duration, now time.Time) navv1alpha1.Pilot {
	p := navv1alpha1.Pilot{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if beatAgo >= 0 {
		p.Status.LastHeartbeatTime = &metav1.Time{Time: now.Add(-beatAgo)}
	}
	status := metav1.ConditionFalse
	if ready {
		status = metav1.ConditionTrue
	}
	p.Status.Conditions = []metav1.Condition{{Type: navv1alpha1.PilotConditionReady, Status: status}}
	return p
}

func TestStateOf(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	cases := map[string]struct {
		p    navv1alpha1.Pilot
		want NodeState
	}{
		"fresh and ready":                {p: reporting("a", true, 30*time.Second, now), want: NodeReady},
		"fresh, not ready":               {p: reporting("a", false, 30*time.Second, now), want: NodeNotReady},
		"ready but stale is never ready": {p: reporting("a", true, 4*time.Minute, now), want: NodeUnknown},
		"never reported":                 {p: reporting("a", true, -1, now), want: NodeUnknown},
		"exactly at the limit is fresh":  {p: reporting("a", true, DefaultStaleAfter, now), want: NodeReady},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := StateOf(&tc.p, now, DefaultStaleAfter); got != tc.want {
				t.Errorf("StateOf() = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	now := time.Now()
	s := Summarize([]navv1alpha1.Pilot{
		reporting("ready", true, time.Second, now),
		reporting("slow", false, time.Second, now),
		reporting("silent", true, time.Hour, now),
	}, now, DefaultStaleAfter)
	if !slices.Equal(s.Ready, []string{"ready"}) || !slices.Equal(s.NotReady, []string{"slow"}) || !slices.Equal(s.Unknown, []string{"silent"}) {
		t.Errorf("Summarize() = %+v", s)
	}
}
