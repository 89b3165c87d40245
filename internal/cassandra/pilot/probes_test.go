package pilot

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/cassandra/jolokia"
	"github.com/navigator-dbaas/navigator/test/loopback"
)

// TestANodeThatNeverAnsweredIsAlive: while Cassandra starts it does not answer nodetool yet; Live
// passes, Ready fails, and a graceful stop has nothing to drain.
func TestANodeThatNeverAnsweredIsAlive(t *testing.T) {
	t.Parallel()
	// Nothing listens there: the connection is refused, as to a JVM without JMX yet.
	closed := loopback.RefusingAddr(t)
	_, closedPort, _ := net.SplitHostPort(closed)
	e := configEngine(t)
	e.Nodetool = []string{nodetoolBin, "-h", "127.0.0.1", "-p", closedPort}
	e.JMXAddress = closed
	e.CQLPort, _ = strconv.Atoi(closedPort)
	if err := os.MkdirAll(e.DataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := e.Ready(t.Context()); !errors.Is(err, errNotConfigured) {
		t.Errorf("Ready before Configure: %v", err)
	}
	e.address = "127.0.0.1"
	if err := e.Live(t.Context()); err != nil {
		t.Errorf("Live before nodetool ever answered: %v", err)
	}
	if err := e.Ready(t.Context()); err == nil {
		t.Error("ready without a node")
	}
	if err := e.GracefulStop(t.Context()); err != nil {
		t.Errorf("graceful stop of a node that never answered: %v", err)
	}

	// Facts it cannot read keep their last value; the error says why.
	load := resource.MustParse("1Gi")
	last := navv1alpha1.CassandraPilotStatus{Datacenter: "dc1", Rack: "r1", State: "UN", Load: &load, Tokens: 16, ReplicationFactor: 3}
	st := &navv1alpha1.PilotStatus{Version: "4.1.10", Node: navv1alpha1.PilotNode{ID: "host"}, Cassandra: last.DeepCopy()}
	if err := e.Observe(t.Context(), st); err == nil || !strings.Contains(err.Error(), "Failed to connect") {
		t.Errorf("observing a node that does not answer: %v", err)
	}
	if st.Version != "4.1.10" || st.Node.ID != "host" || st.Cassandra.FreeSpace == nil {
		t.Errorf("status after a failed Observe: %+v", st)
	}
	st.Cassandra.FreeSpace = nil
	if !equality.Semantic.DeepEqual(*st.Cassandra, last) {
		t.Errorf("facts changed by a failed Observe: %+v", st.Cassandra)
	}
}

// TestNoNodetoolBeforeJMXAnswers: a node is observed every second while it starts, and its
// Jolokia agent refuses connections until the JVM has loaded it. nodetool reads the node when
// the agent has stopped (a failed bootstrap), but only once JMX answers: before, a run would cost
// a JVM to learn nothing.
func TestNoNodetoolBeforeJMXAnswers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	script := filepath.Join(dir, "nodetool")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" >> "+runs+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	e := configEngine(t)
	e.Nodetool = []string{script}
	e.jolokia = jolokia.New("http://" + loopback.RefusingAddr(t) + "/jolokia/")
	e.JMXAddress = loopback.RefusingAddr(t)

	if _, err := e.ring(t.Context(), freshStatus); err == nil || !strings.Contains(err.Error(), "neither the Jolokia agent") {
		t.Errorf("reading the ring of a starting JVM: %v", err)
	}
	if _, err := e.releaseVersion(t.Context()); err == nil || !strings.Contains(err.Error(), "neither the Jolokia agent") {
		t.Errorf("reading the release of a starting JVM: %v", err)
	}
	if _, err := os.Stat(runs); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("nodetool ran before JMX answered (%v)", err)
	}

	// JMX answers, the agent does not: nodetool reads the node.
	jmx, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = jmx.Close() })
	go func() {
		for {
			c, err := jmx.Accept()
			if err != nil {
				return
			}
			header := make([]byte, len(rmiHeader))
			if _, err := io.ReadFull(c, header); err == nil {
				_, _ = c.Write([]byte{protocolAck})
			}
			_ = c.Close()
		}
	}()
	e.JMXAddress = jmx.Addr().String()
	_, _ = e.ring(t.Context(), freshStatus)
	got, err := os.ReadFile(runs)
	if err != nil || !strings.HasPrefix(string(got), "status") {
		t.Errorf("nodetool runs once JMX answers: %q (%v)", got, err)
	}
}
