package pilot

import (
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
