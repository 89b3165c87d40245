package nodetool

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// infoView is what nodetool info shows, before Info.java lays it out.
type infoView struct {
	series                config.Version
	hostID                string
	gossipActive, native  bool
	load                  int64
	generation            int64
	uptime                time.Duration
	heapUsedMB, heapMaxMB float64
	offHeapMB             float64
	dc, rack              string
	exceptions            int64
	keyCache, rowCache    cacheStats
	counterCache          cacheStats
	network               networkCache
	percentRepaired       float64
	// joined is StorageService.isJoined; tokens are the node's, ascending.
	joined    bool
	tokens    []string
	allTokens bool
	// 5.0's lines.
	bootstrapState                                       string
	bootstrapFailed, decommissioning, decommissionFailed bool
}

// cacheStats are one cache's line: "entries %d, size %s, capacity %s, %d hits, %d requests, %.3f
// recent hit rate, %d save period in seconds".
type cacheStats struct {
	entries, size, capacity, hits, requests int64
	hitRate                                 float64
	savePeriod                              int64
}

// networkCache is the networking buffer pool's line.
type networkCache struct{ size, overflow, capacity int64 }

// Info is nodetool info [-T] run on a node, at a time (for the uptime).
func Info(c *ring.Cluster, on *ring.Node, now time.Time, o Options) (Result, error) {
	series, refused, err := connect(on)
	if err != nil || refused != nil {
		return deref(refused), err
	}
	return Result{Stdout: gatherInfo(c, on, series, now, o).render()}, nil
}

// gatherInfo reads the node. The simulator has no heap, caches or repair: the heap is what the
// node was created with, caches are empty at the capacities Cassandra sizes from the heap, and
// data is unrepaired.
func gatherInfo(c *ring.Cluster, n *ring.Node, series config.Version, now time.Time, o Options) infoView {
	v := infoView{
		series: series, hostID: n.HostID,
		gossipActive: n.GossipActive(), native: n.NativeTransportActive(),
		load: n.Load(), uptime: now.Sub(n.Started),
		heapUsedMB: n.HeapUsedMB, heapMaxMB: n.HeapMaxMB,
		dc: n.DC, rack: n.Rack, exceptions: n.Exceptions,
		allTokens: o.AllTokens,
	}
	if v.gossipActive {
		v.generation = n.Generation
	}
	v.keyCache, v.rowCache, v.counterCache, v.network = cachesFor(n.HeapMaxMB)
	// TableMetrics.PercentRepaired: no repair runs in the simulator, so any data is unrepaired.
	v.percentRepaired = 100
	if v.load > 0 {
		v.percentRepaired = 0
	}
	joined := false
	for _, m := range c.Members() {
		if m == n && n.State != ring.Joining {
			joined = true
		}
	}
	v.joined = joined
	if joined {
		sorted := slices.Clone(n.Tokens)
		slices.Sort(sorted)
		for _, t := range sorted {
			v.tokens = append(v.tokens, strconv.FormatInt(int64(t), 10))
		}
	}
	switch {
	case n.Mode == ring.ModeDecommissioned:
		v.bootstrapState = "DECOMMISSIONED"
	case joined:
		v.bootstrapState = "COMPLETED"
	default:
		v.bootstrapState = "IN_PROGRESS"
	}
	v.bootstrapFailed = c.BootstrapFailed(n.HostID) && n.State == ring.Joining
	v.decommissioning = n.State == ring.Leaving && n.Mode == ring.ModeLeaving
	v.decommissionFailed = n.DecommissionFailed()
	return v
}

// cachesFor sizes the caches as Cassandra does by default for a heap: key_cache_size and
// counter_cache_size at 5% and 2.5% of it (in whole MiB, at least 1, at most 100 and 50 MiB),
// networking_cache_size at a sixteenth (at most 128 MiB). The caches are empty: the simulator has
// none.
func cachesFor(heapMaxMB float64) (key, row, counter cacheStats, network networkCache) {
	heap := int64(heapMaxMB)
	key = cacheStats{capacity: min(max(1, heap*5/100), 100) * mib, hitRate: nan(), savePeriod: 14400}
	row = cacheStats{hitRate: nan()}
	counter = cacheStats{capacity: min(max(1, heap*25/1000), 50) * mib, hitRate: nan(), savePeriod: 7200}
	network = networkCache{capacity: min(heap*mib/16, 128*mib)}
	// The pool allocates its first chunk, 8 MiB, as soon as messaging starts.
	network.size = min(8*mib, network.capacity)
	return key, row, counter, network
}

// nan is the hit rate of a cache nobody asked anything: 0/0.
func nan() float64 { return math.NaN() }

// render lays the view out as Info.java prints it: "%-23s: " keys, in the order of the release.
func (v infoView) render() string {
	var b strings.Builder
	line := func(key, format string, args ...any) {
		fmt.Fprintf(&b, "%-23s: %s\n", key, fmt.Sprintf(format, args...))
	}
	line("ID", "%s", v.hostID)
	line("Gossip active", "%t", v.gossipActive)
	line("Native Transport active", "%t", v.native)
	line("Load", "%s", fileSize(float64(v.load)))
	if v.series.AtLeast(config.V50) {
		// Compression is not modelled: the data takes as much room uncompressed.
		line("Uncompressed load", "%s", fileSize(float64(v.load)))
	}
	line("Generation No", "%d", v.generation)
	line("Uptime (seconds)", "%d", int64(v.uptime/time.Second))
	line("Heap Memory (MB)", "%s / %s", javaFixed(v.heapUsedMB, 2), javaFixed(v.heapMaxMB, 2))
	line("Off Heap Memory (MB)", "%s", javaFixed(v.offHeapMB, 2))
	line("Data Center", "%s", v.dc)
	line("Rack", "%s", v.rack)
	line("Exceptions", "%d", v.exceptions)
	line("Key Cache", "%s", v.keyCache.String())
	line("Row Cache", "%s", v.rowCache.String())
	line("Counter Cache", "%s", v.counterCache.String())
	line("Network Cache", "size %s, overflow size: %s, capacity %s",
		fileSize(float64(v.network.size)), fileSize(float64(v.network.overflow)), fileSize(float64(v.network.capacity)))
	line("Percent Repaired", "%s%%", javaDouble(v.percentRepaired))
	switch {
	case !v.joined:
		line("Token", "(node is not joined to the cluster)")
	case len(v.tokens) == 1 || v.allTokens:
		for _, t := range v.tokens {
			line("Token", "%s", t)
		}
	default:
		line("Token", "(invoke with -T/--tokens to see all %d tokens)", len(v.tokens))
	}
	if v.series.AtLeast(config.V50) {
		line("Bootstrap state", "%s", v.bootstrapState)
		line("Bootstrap failed", "%t", v.bootstrapFailed)
		line("Decommissioning", "%t", v.decommissioning)
		line("Decommission failed", "%t", v.decommissionFailed)
	}
	return b.String()
}

func (s cacheStats) String() string {
	return fmt.Sprintf("entries %d, size %s, capacity %s, %d hits, %d requests, %s recent hit rate, %d save period in seconds",
		s.entries, fileSize(float64(s.size)), fileSize(float64(s.capacity)), s.hits, s.requests, javaFixed(s.hitRate, 3), s.savePeriod)
}
