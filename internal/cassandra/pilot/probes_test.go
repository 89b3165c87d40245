package pilot

import (
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// TestANodeThatNeverAnsweredIsAlive: while Cassandra starts it does not answer nodetool yet; Live
// passes, Ready fails, and a graceful stop has nothing to drain.
func TestANodeThatNeverAnsweredIsAlive(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := strconv.Itoa(port(l))
	_ = l.Close() // nothing listens there: the connection is refused, as to a JVM without JMX yet
	e := configEngine(t)
	e.Nodetool = []string{nodetoolBin, "-h", "127.0.0.1", "-p", closed}
	e.JMXAddress = net.JoinHostPort("127.0.0.1", closed)
	e.CQLPort = port(l)
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
