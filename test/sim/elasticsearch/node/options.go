package node

import (
	"context"
	"io"
	"net"
	"time"
)

// Timing holds the intervals of the node's background work. Elasticsearch's defaults are one
// second for follower and leader checks with three retries; tests shorten them.
type Timing struct {
	Discovery      time.Duration
	FollowerCheck  time.Duration
	LeaderCheck    time.Duration
	Retries        int
	Reroute        time.Duration
	RequestTimeout time.Duration
	// MasterTimeout is how long an API that needs the master waits for one (master_timeout).
	MasterTimeout time.Duration
	// ClusterInfo is how often the master collects the nodes' disk usage when
	// cluster.info.update.interval is not set; 30s when zero.
	ClusterInfo time.Duration
}

// DefaultTiming is Elasticsearch's.
func DefaultTiming() Timing {
	return Timing{
		Discovery: time.Second, FollowerCheck: time.Second, LeaderCheck: time.Second, Retries: 3,
		Reroute: 250 * time.Millisecond, RequestTimeout: 10 * time.Second, MasterTimeout: 30 * time.Second,
		ClusterInfo: 30 * time.Second,
	}
}

// Options are what the process gives a node beyond its configuration.
type Options struct {
	// Version is the Elasticsearch version the node reports, e.g. "8.18.2".
	Version string
	// Log receives the node's log lines.
	Log io.Writer
	// LookupHost resolves discovery.seed_hosts names; net.DefaultResolver's by default.
	LookupHost func(ctx context.Context, host string) ([]string, error)
	// HTTPListener and TransportListener, when set, are used instead of binding the
	// configured ports (tests bind port 0 first to learn the address).
	HTTPListener, TransportListener net.Listener
	Timing                          Timing
	// RecoveryBytesPerSecond is the initial indices.recovery.max_bytes_per_sec; 0 keeps the
	// model's default.
	RecoveryBytesPerSecond int64
}
