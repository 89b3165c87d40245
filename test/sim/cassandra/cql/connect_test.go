package cql_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/navigator-dbaas/navigator/test/cqllog"
)

// frameLog records the header of every frame the driver receives.
type frameLog struct {
	mu      sync.Mutex
	headers []gocql.ObservedFrameHeader
}

func (f *frameLog) ObserveFrameHeader(_ context.Context, h gocql.ObservedFrameHeader) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.headers = append(f.headers, h)
}

func (f *frameLog) all() []gocql.ObservedFrameHeader {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]gocql.ObservedFrameHeader(nil), f.headers...)
}

// The driver opens with protocol v5; the server answers as Cassandra answers a version it does
// not speak, and the driver settles on v4: every frame it receives is a v4 response, the first
// being the ProtocolError on stream 0 that rejected v5.
func TestDriverFallsBackFromV5ToV4(t *testing.T) {
	c := startCluster(t, 1, 0)
	frames := &frameLog{}
	var log *cqllog.Lines
	s := c.session(t, func(cfg *gocql.ClusterConfig) {
		cfg.FrameHeaderObserver = frames
		log = cfg.Logger.(*cqllog.Lines)
	})
	var release string
	if err := s.Query("SELECT release_version FROM system.local WHERE key = 'local'").ScanContext(t.Context(), &release); err != nil {
		t.Fatal(err)
	}
	if release != testRelease {
		t.Errorf("release_version = %q, want %q", release, testRelease)
	}
	headers := frames.all()
	if len(headers) < 3 {
		t.Fatalf("driver received %d frames, want the rejection, then a session's worth", len(headers))
	}
	first := headers[0]
	if first.Opcode.String() != "ERROR" || first.Stream != 0 {
		t.Errorf("first frame = %s, want the ERROR on stream 0 that rejects v5", first)
	}
	for _, h := range headers {
		if h.Version.String() != "[version=4 direction=RESP]" {
			t.Errorf("frame %s is not a v4 response", h)
		}
	}
	if !strings.Contains(log.String(), "Discovered protocol version. protocol_version=4") {
		t.Errorf("driver did not log settling on protocol v4")
	}
}

// A driver held to another version fails to connect, having read the server's answer as "this
// version is not supported" (it tells that answer from other failures by its error code).
func TestDriverHeldToAnotherVersionIsRefused(t *testing.T) {
	c := startCluster(t, 1, 0)
	for _, version := range []int{3, 5} {
		cfg := gocql.NewCluster(c.nodes[0].addr)
		cfg.ProtoVersion = version
		cfg.Logger = &cqllog.Lines{}
		s, err := cfg.CreateSession()
		if err == nil {
			s.Close()
			t.Fatalf("v%d: driver connected; want a refusal", version)
		}
		want := "unsupported protocol version " + string(rune('0'+version))
		if !strings.Contains(err.Error(), want) {
			t.Errorf("v%d: error %q does not say %q", version, err, want)
		}
	}
}

// usedCompressor is a Compressor that records being used.
type usedCompressor struct {
	mu   sync.Mutex
	used bool
}

func (c *usedCompressor) use(dst []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used = true
	return dst, errors.New("compression was not negotiated")
}

func (c *usedCompressor) Name() string { return "lz4" }
func (c *usedCompressor) AppendCompressedWithLength(dst, _ []byte) ([]byte, error) {
	return c.use(dst)
}
func (c *usedCompressor) AppendDecompressedWithLength(dst, _ []byte) ([]byte, error) {
	return c.use(dst)
}
func (c *usedCompressor) AppendCompressed(dst, _ []byte) ([]byte, error) { return c.use(dst) }
func (c *usedCompressor) AppendDecompressed(dst, _ []byte, _ uint32) ([]byte, error) {
	return c.use(dst)
}

// SUPPORTED offers no compression, so a driver configured with lz4 goes without it.
func TestCompressionIsNotOffered(t *testing.T) {
	c := startCluster(t, 1, 0)
	comp := &usedCompressor{}
	s := c.session(t, func(cfg *gocql.ClusterConfig) { cfg.Compressor = comp })
	var name string
	if err := s.Query("SELECT cluster_name FROM system.local").ScanContext(t.Context(), &name); err != nil {
		t.Fatal(err)
	}
	comp.mu.Lock()
	defer comp.mu.Unlock()
	if comp.used {
		t.Errorf("driver compressed or decompressed a frame")
	}
}

// Given one contact point, the driver finds the two other nodes in system.peers_v2, connects to
// each at its native_port, and sees each node's identity, data center and rack. Each node then
// answers as itself.
func TestDriverDiscoversPeers(t *testing.T) {
	c := startCluster(t, 3, 0)
	s := c.session(t)
	hosts := s.GetHosts()
	if len(hosts) != len(c.nodes) {
		t.Fatalf("driver knows %d hosts, want %d: %v", len(hosts), len(c.nodes), hosts)
	}
	for _, n := range c.nodes {
		var h *gocql.HostInfo
		for _, x := range hosts {
			if x.HostID() == n.local.HostID.String() {
				h = x
			}
		}
		if h == nil {
			t.Errorf("driver did not discover node %s (%s)", n.local.HostID, n.addr)
			continue
		}
		if h.Port() != n.local.NativePort || h.DataCenter() != n.local.DataCenter || h.Rack() != n.local.Rack {
			t.Errorf("driver sees %s: port %d dc %q rack %q, want %d %q %q", h.HostID(), h.Port(), h.DataCenter(),
				h.Rack(), n.local.NativePort, n.local.DataCenter, n.local.Rack)
		}
		if !h.IsUp() {
			t.Errorf("driver has no connection to %s", h.HostID())
		}
		var hostID gocql.UUID
		var rack string
		q := s.Query("SELECT host_id, rack FROM system.local WHERE key = 'local'").SetHostID(h.HostID())
		if err := q.ScanContext(t.Context(), &hostID, &rack); err != nil {
			t.Errorf("query on %s: %v", h.HostID(), err)
			continue
		}
		if hostID.String() != n.local.HostID.String() || rack != n.local.Rack {
			t.Errorf("node %s answered as %s in %s", n.local.HostID, hostID, rack)
		}
	}
}
