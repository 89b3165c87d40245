package nodetool

import (
	"strings"
	"testing"

	parse "github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// TestVersionRoundTrip reads each node's release back through nodetool version.
func TestVersionRoundTrip(t *testing.T) {
	s := newSim(t, 51)
	for i, release := range []string{"4.0.13", "4.1.5", "5.0.2"} {
		n := s.join(spec(i, "dc1", "r1", release))
		v, err := parse.ParseVersion(stdout(t)(Version(n)))
		if err != nil || v.Release != release || v.Major != int(release[0]-'0') {
			t.Errorf("%s: %+v %v", release, v, err)
		}
	}
	bad := spec(9, "dc1", "r1", "3.11.17")
	n, err := s.Join(s.now, bad, ring.JoinOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Version(n); err == nil || !strings.Contains(err.Error(), "4.0, 4.1 and 5.0") {
		t.Errorf("a release the simulator does not model: %v", err)
	}
}

// TestStoppedNodeRefusesNodetool: nodetool cannot reach a node whose process is down; it prints
// NodeTool's connection error (with Java 11's doubled reason on 4.x, Java 17's on 5.0) and exits 1,
// whatever the command.
func TestStoppedNodeRefusesNodetool(t *testing.T) {
	for release, reason := range map[string]string{
		"4.1.5": "Connection refused (Connection refused)",
		"5.0.2": "Connection refused",
	} {
		s := newSim(t, 53)
		n := s.join(spec(0, "dc1", "r1", release))
		if err := s.Stop(s.now, n.HostID); err != nil {
			t.Fatal(err)
		}
		want := Result{Stderr: "nodetool: Failed to connect to '127.0.0.1:7199' - ConnectException: '" + reason + "'.\n", ExitCode: 1}
		runs := map[string]func() (Result, error){
			"status":          func() (Result, error) { return Status(s.Cluster, n, Options{}) },
			"info":            func() (Result, error) { return Info(s.Cluster, n, s.now, Options{}) },
			"describecluster": func() (Result, error) { return DescribeCluster(s.Cluster, n, Options{}) },
			"version":         func() (Result, error) { return Version(n) },
			"netstats":        func() (Result, error) { return Netstats(s.Cluster, n, Options{}) },
		}
		for name, run := range runs {
			if r, err := run(); err != nil || r != want {
				t.Errorf("%s %s on a stopped node: %+v %v", release, name, r, err)
			}
		}
	}
}
