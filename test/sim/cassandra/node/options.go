package node

import (
	"context"
	"io"
	"net"
	"time"
)

// Timing holds the intervals of the node's background work. Cassandra gossips every second,
// waits RING_DELAY (30 s, -Dcassandra.ring_delay_ms) before a bootstrap, waits for gossip to
// settle before it serves clients, and its failure detector convicts a silent peer after some
// seconds; tests shorten all of them.
type Timing struct {
	Gossip time.Duration
	// RingDelay is how long a starting node listens to gossip before it decides how to join, and
	// how long a leaving node waits for the others to see it leaving.
	RingDelay time.Duration
	// Convict is how long a peer may stay silent before the failure detector marks it down.
	Convict time.Duration
	// ShadowRound is how long a node that is not a seed tries to reach a seed before it gives up.
	ShadowRound time.Duration
	// RequestTimeout bounds a request to another node (read_request_timeout and the like).
	RequestTimeout time.Duration
	// SettleMin and SettlePoll are Gossiper.waitToSettle's: once joined, a node waits SettleMin,
	// then polls its count of known endpoints every SettlePoll until three polls in a row find it
	// unchanged, before it serves clients (cassandra.gossip_settle_min_wait_ms, 5 s, and
	// cassandra.gossip_settle_interval_ms, 1 s). SkipSettle is
	// -Dcassandra.skip_wait_for_gossip_to_settle=0.
	SettleMin, SettlePoll time.Duration
	SkipSettle            bool
	// FailedBootstrap is how long a node that is joining (BOOT or BOOT_REPLACE, not a member of
	// the ring yet) may stay silent before the others remove it from gossip, and its pending
	// ranges with it: Gossiper's FAILED_BOOTSTRAP_TIMEOUT, ten times FAT_CLIENT_TIMEOUT, which is
	// RING_DELAY (in the classes of 4.0.17, 4.1.10 and 5.0.9), or
	// -Dcassandra.failed_bootstrap_timeout_ms. Zero: ten times RingDelay.
	FailedBootstrap time.Duration
}

// failedBootstrap is Timing.FailedBootstrap, or its default.
func (t Timing) failedBootstrap() time.Duration {
	if t.FailedBootstrap > 0 {
		return t.FailedBootstrap
	}
	return 10 * t.RingDelay
}

// quarantine is Gossiper.QUARANTINE_DELAY, twice RING_DELAY: how long a node removed from gossip
// is ignored in what the others gossip.
func (t Timing) quarantine() time.Duration { return 2 * t.RingDelay }

// DefaultTiming is Cassandra's.
func DefaultTiming() Timing {
	return Timing{Gossip: time.Second, RingDelay: 30 * time.Second, Convict: 8 * time.Second,
		ShadowRound: 30 * time.Second, RequestTimeout: 5 * time.Second, SettleMin: 5 * time.Second, SettlePoll: time.Second}
}

// Options are what the process gives a node beyond its configuration files.
type Options struct {
	// Release is the Cassandra release the node reports, e.g. "4.1.10".
	Release string
	// Log receives the node's log lines (stdout in the image, as the upstream image logs).
	Log io.Writer
	// LookupHost resolves seed and address names; net.DefaultResolver's by default.
	LookupHost func(ctx context.Context, host string) ([]string, error)
	// StorageListener, NativeListener and AdminListener, when set, are used instead of binding
	// the configured ports (tests bind port 0 first to learn the address).
	StorageListener, NativeListener, AdminListener net.Listener
	// JolokiaListener, when set, serves what the Jolokia agent would (jolokia.go): the process
	// opens it when the JVM options name the agent (-javaagent:…jolokia…=host=…,port=…).
	JolokiaListener net.Listener
	Timing          Timing
	// StreamBytesPerSecond is how fast the node sends streamed data (stream_throughput_outbound):
	// zero gives 24 MiB/s, a negative rate leaves streaming unthrottled.
	StreamBytesPerSecond int64
	// IgnoreDC and IgnoreRack are -Dcassandra.ignore_dc and -Dcassandra.ignore_rack: start in
	// another datacenter or rack than the node's data was placed for.
	IgnoreDC, IgnoreRack bool
	// ReplaceAddress is -Dcassandra.replace_address_first_boot.
	ReplaceAddress string
	// ConsistentRangeMovement is -Dcassandra.consistent.rangemovement (true unless set false).
	DisableConsistentRangeMovement bool
	// ResetBootstrapProgress is -Dcassandra.reset_bootstrap_progress: "true", "false", or empty
	// when it is not set.
	ResetBootstrapProgress string
	// HeapMaxMB is the heap nodetool info reports (the simulator has none).
	HeapMaxMB float64
}
