package node

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	pilotnodetool "github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// TestDataOfAnotherClusterIsRefused: a node started on a data directory written for another
// cluster name stops, as SystemKeyspace.checkHealth makes it, with exit status 100.
func TestDataOfAnotherClusterIsRefused(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a")
	c.startAll()
	c.stop("a")
	c.clusterName = "other"
	_, err := c.launch("a")
	var se *StartupError
	if !errors.As(err, &se) || se.Code != ExitWrongConfig || se.Message != "Saved cluster name sim != configured name other" {
		t.Fatalf("start with another cluster name: %v", err)
	}
	if !strings.Contains(c.log("a"), "Fatal exception during initialization") {
		t.Error("no log line for the refusal")
	}
}

// TestRackChangeIsRefused: a node started in another rack than the one its data was placed for
// stops with StartupChecks.checkRack's message and ERR_WRONG_CONFIG (100), and starts with
// -Dcassandra.ignore_rack=true.
func TestRackChangeIsRefused(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a")
	c.startAll()
	c.stop("a")
	c.rack["a"] = "rack9"
	_, err := c.launch("a")
	var se *StartupError
	const want = "Cannot start node if snitch's rack (rack9) differs from previous rack (rack1). " +
		"Please fix the snitch configuration, decommission and rebootstrap this node or use the flag -Dcassandra.ignore_rack=true."
	if !errors.As(err, &se) || se.Code != ExitWrongConfig || se.Message != want {
		t.Fatalf("start in another rack: %v", err)
	}
	c.ignoreRack = true
	c.start("a")
}

// TestDecommissionedNodeDoesNotRejoin: a node that was decommissioned refuses to start on its data.
func TestDecommissionedNodeDoesNotRejoin(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a", "b")
	c.startAll()
	if res := c.nodetool("b", "decommission", "--force"); res.ExitCode != 0 {
		t.Fatalf("decommission: %+v", res)
	}
	// The process keeps running, out of the ring: netstats tells it left.
	if ns, err := pilotnodetool.ParseNetstats(c.nodetool("b", "netstats").Stdout); err != nil || ns.Mode != "DECOMMISSIONED" {
		t.Errorf("netstats of the decommissioned node: %+v, %v", ns, err)
	}
	c.stop("b")
	_, err := c.launch("b")
	var se *StartupError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "This node was decommissioned and will not rejoin the ring") {
		t.Fatalf("restart of a decommissioned node: %v", err)
	}
}

// TestStoppedNodeRefusesNodetool: nodetool against a node that is not running fails as it does
// when JMX refuses the connection.
func TestStoppedNodeRefusesNodetool(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a")
	c.startAll()
	addr := c.node("a").AdminAddr()
	c.stop("a")
	host, port, _ := strings.Cut(addr, ":")
	res := Nodetool(t.Context(), "4.1.10", []string{"-h", host, "-p", port, "status"})
	if res.ExitCode != 1 || !strings.HasPrefix(res.Stderr, "nodetool: Failed to connect to '"+addr+"' - ConnectException: 'Connection refused (Connection refused)'.") {
		t.Errorf("%+v", res)
	}
}

// TestJMXAnswersTheRMIHandshake: the admin endpoint, where Cassandra has JMX, answers the opening
// of Java RMI's protocol as TCPTransport.handleMessages does (ProtocolAck, then the client's host
// and port), and still serves the simulator's nodetool on the same port.
func TestJMXAnswersTheRMIHandshake(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a")
	c.startAll()
	addr := c.node("a").AdminAddr()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	if _, err := conn.Write([]byte{'J', 'R', 'M', 'I', 0, 2, 0x4b}); err != nil {
		t.Fatal(err)
	}
	answer, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	local := conn.LocalAddr().(*net.TCPAddr)
	host := local.IP.String()
	want := append([]byte{0x4e, 0, byte(len(host))}, host...)
	want = binary.BigEndian.AppendUint32(want, uint32(local.Port))
	if !bytes.Equal(answer, want) {
		t.Errorf("answer % x, want % x", answer, want)
	}
	if res := c.nodetool("a", "version"); res.ExitCode != 0 {
		t.Errorf("nodetool after the handshake: %+v", res)
	}
}
