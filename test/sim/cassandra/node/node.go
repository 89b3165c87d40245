package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/cql"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// DefaultDataDirectory is where data goes when cassandra.yaml names no data_file_directories:
// the upstream image's /var/lib/cassandra.
const DefaultDataDirectory = "/var/lib/cassandra/data"

// Node is one running simulated Cassandra node.
type Node struct {
	cfg    *config.Config
	opts   Options
	loc    config.Location
	log    *logger
	client *http.Client
	disk   *disk
	// streamRate is the stream_throughput_outbound in force, in bytes per second (negative:
	// unthrottled): the option at start, then what nodetool setstreamthroughput sets.
	streamRate atomic.Int64
	// endpoint is the broadcast address and storage port; nativeAddr and nativePort where
	// clients reach the CQL server.
	endpoint   string
	address    string
	nativeAddr netip.Addr
	nativePort int

	storageLn, adminLn   net.Listener
	storageSrv, adminSrv *http.Server
	// jolokiaSrv serves the Jolokia agent's protocol when Options.JolokiaListener is set.
	jolokiaSrv  *http.Server
	agentClosed sync.Once
	agentErr    error
	cql         *cql.Server
	cqlCancel   context.CancelFunc
	cqlDone     chan struct{}

	mu     sync.Mutex
	local  localState
	rows   ring.Rows
	states map[string]*endpointState
	// contact is when each peer was last heard from directly; updated when a newer state of it
	// last came, from anyone; quarantined until when a peer removed from gossip is ignored.
	contact, updated, quarantined map[string]time.Time
	mode                          ring.Mode
	// gossipOn and nativeOn are what nodetool info reports; drain and decommission stop them.
	gossipOn, nativeOn bool
	// gossipStopped is when gossip stopped (drain, decommission); zero while it runs.
	gossipStopped time.Time
	streams       []*stream
	stats         nodeStats
	// seen is what the CQL clients were last told about each peer and the schema.
	seen seenState
	// moving is set while a decommission or removenode runs on this node.
	moving bool

	ready  chan error
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed sync.Once
}

// nodeStats are the counters nodetool info and netstats print.
type nodeStats struct {
	exceptions                            int64
	lastError                             string
	rrAttempted, rrBlocking, rrBackground int64
	messages                              int64
	decommissionFailed                    bool
}

// Start checks the configuration and the data directory as Cassandra does at start, binds the
// storage and admin ports and starts joining the ring in the background. An error here is one
// Cassandra stops with before it gossips; Ready reports how joining ends.
func Start(ctx context.Context, cfg *config.Config, rackdc map[string]string, opts Options) (*Node, error) {
	if opts.Timing == (Timing{}) {
		opts.Timing = DefaultTiming()
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.LookupHost == nil {
		opts.LookupHost = net.DefaultResolver.LookupHost
	}
	if opts.StreamBytesPerSecond == 0 {
		opts.StreamBytesPerSecond = ring.DefaultSettings().StreamBytesPerSecond
	}
	if opts.HeapMaxMB == 0 {
		opts.HeapMaxMB = 2048
	}
	n := &Node{cfg: cfg, opts: opts, log: &logger{w: opts.Log}, client: newMessagingClient(),
		contact: map[string]time.Time{}, updated: map[string]time.Time{}, quarantined: map[string]time.Time{},
		states: map[string]*endpointState{}, mode: ring.ModeStarting,
		ready: make(chan error, 1)}
	n.streamRate.Store(opts.StreamBytesPerSecond)
	n.log.info("main", "CassandraDaemon.java:600", "JVM vendor/version: OpenJDK 64-Bit Server VM (simulated)")
	n.log.info("main", "StorageService.java:842", "Cassandra version: %s", opts.Release)
	loc, err := cfg.Locate(rackdc)
	if err != nil {
		return nil, configException(err)
	}
	n.loc = loc
	if err := n.openData(); err != nil {
		return nil, err
	}
	if err := n.listen(ctx); err != nil {
		return nil, err
	}
	n.initGossipState()
	ctx, n.cancel = context.WithCancel(context.WithoutCancel(ctx))
	n.storageSrv = &http.Server{Handler: n.storageHandler(), ReadHeaderTimeout: 10 * time.Second}
	n.adminSrv = &http.Server{Handler: n.adminHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = n.storageSrv.Serve(n.storageLn) }()
	go func() { _ = n.adminSrv.Serve(withRMIHandshake(n.adminLn)) }()
	if l := n.opts.JolokiaListener; l != nil {
		n.jolokiaSrv = &http.Server{Handler: n.jolokiaHandler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = n.jolokiaSrv.Serve(l) }()
	}
	n.wg.Go(func() { n.ready <- n.startup(ctx) })
	return n, nil
}

// configException turns the config package's error into the start-up failure it causes.
func configException(err error) error {
	var ce *config.ConfigurationException
	if errors.As(err, &ce) {
		return &StartupError{Class: configurationException, Message: ce.Message, Code: ExitStartupException}
	}
	return &StartupError{Class: "java.lang.RuntimeException", Message: err.Error(), Code: ExitStartupException}
}

// Ready receives, once, how start-up ended: nil when the node is NORMAL and serves CQL, or the
// StartupError it stopped with (the node is closed then).
func (n *Node) Ready() <-chan error { return n.ready }

// openData reads system.local and the rows, and refuses a data directory of another cluster, as
// SystemKeyspace.checkHealth does, or of a decommissioned node.
func (n *Node) openData() error {
	dir := DefaultDataDirectory
	if len(n.cfg.DataFileDirectories) > 0 {
		dir = n.cfg.DataFileDirectories[0]
	}
	d, err := openDisk(dir)
	if err != nil {
		return err
	}
	n.disk = d
	saved, err := d.loadLocal()
	if err != nil {
		return startupErr("java.lang.RuntimeException", "%v", err)
	}
	if saved == nil {
		saved = &localState{ClusterName: n.cfg.ClusterName, HostID: uuid.NewString(), BootstrapState: needsBootstrap}
		n.log.info("main", "SystemKeyspace.java:1254", "No host ID found, created %s (Note: This should happen exactly once per node).", saved.HostID)
	}
	if saved.ClusterName != n.cfg.ClusterName {
		n.log.error("main", "CassandraDaemon.java:911", "Fatal exception during initialization")
		return &StartupError{Class: "org.apache.cassandra.exceptions.StartupException", Code: ExitWrongConfig,
			Message: fmt.Sprintf("Saved cluster name %s != configured name %s", saved.ClusterName, n.cfg.ClusterName)}
	}
	if err := n.checkLocation(saved); err != nil {
		return err
	}
	if saved.BootstrapState == decommissioned {
		return &StartupError{Class: configurationException, Code: ExitFatalConfiguration,
			Message: "This node was decommissioned and will not rejoin the ring unless cassandra.override_decommission=true has been set, " +
				"or all existing data is removed and the node is bootstrapped again"}
	}
	saved.Release = n.opts.Release
	saved.DataCenter, saved.Rack = n.loc.Datacenter, n.loc.Rack
	// SystemKeyspace.incrementAndGetGeneration: the start's second, or one more than the stored
	// generation when that is not lower, so that every start's generation is higher than the last.
	saved.Generation = max(time.Now().Unix(), saved.Generation+1)
	n.local = *saved
	if err := d.saveLocal(&n.local); err != nil {
		return startupErr("org.apache.cassandra.io.FSWriteError", "%v", err)
	}
	if n.rows, err = d.loadRows(); err != nil {
		return startupErr("org.apache.cassandra.io.FSReadError", "%v", err)
	}
	return nil
}

// checkLocation is StartupChecks.checkDatacenter and checkRack: a node that held a place in one
// datacenter and rack must not start in another, since its data and tokens are placed for the
// first (ERR_WRONG_CONFIG). -Dcassandra.ignore_dc and ignore_rack skip them.
func (n *Node) checkLocation(saved *localState) error {
	const advice = "Please fix the snitch configuration, decommission and rebootstrap this node or use the flag -Dcassandra.ignore_%s=true."
	for _, c := range []struct {
		what, flag, stored, current string
		ignore                      bool
	}{
		{"data center", "dc", saved.DataCenter, n.loc.Datacenter, n.opts.IgnoreDC},
		{"rack", "rack", saved.Rack, n.loc.Rack, n.opts.IgnoreRack},
	} {
		if c.stored == "" || c.stored == c.current || c.ignore {
			continue
		}
		n.log.error("main", "CassandraDaemon.java:911", "Fatal exception during initialization")
		return &StartupError{Class: "org.apache.cassandra.exceptions.StartupException", Code: ExitWrongConfig,
			Message: fmt.Sprintf("Cannot start node if snitch's %s (%s) differs from previous %s (%s). "+advice, c.what, c.current, c.what, c.stored, c.flag)}
	}
	return nil
}

// listen binds the storage port on listen_address, the admin endpoint on 127.0.0.1:7199, and
// works out the addresses the node broadcasts. The native port is bound once the node has joined.
func (n *Node) listen(ctx context.Context) error {
	listen, err := n.resolveAddress(ctx, n.cfg.ListenAddress)
	if err != nil {
		return err
	}
	n.address = listen
	if n.cfg.BroadcastAddress != "" {
		if n.address, err = n.resolveAddress(ctx, n.cfg.BroadcastAddress); err != nil {
			return err
		}
	}
	if n.storageLn = n.opts.StorageListener; n.storageLn == nil {
		addr := net.JoinHostPort(listen, strconv.Itoa(n.cfg.StoragePort))
		if n.storageLn, err = net.Listen("tcp", addr); err != nil {
			return &StartupError{Class: configurationException, Code: ExitStartupException,
				Message: fmt.Sprintf("/%s is in use by another process.  Change listen_address:storage_port in cassandra.yaml to values that do not conflict with other services", addr)}
		}
	}
	_, port, _ := net.SplitHostPort(n.storageLn.Addr().String())
	n.endpoint = net.JoinHostPort(n.address, port)
	if n.adminLn = n.opts.AdminListener; n.adminLn == nil {
		if n.adminLn, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(JMXPort))); err != nil {
			_ = n.storageLn.Close()
			return startupErr("java.rmi.server.ExportException", "Port already in use: %d; nested exception is: java.net.BindException: Address already in use", JMXPort)
		}
	}
	native := n.cfg.BroadcastRPCAddress
	if native == "" && n.cfg.RPCAddress != "" && !netip.MustParseAddr(orZero(n.cfg.RPCAddress)).IsUnspecified() {
		native = n.cfg.RPCAddress
	}
	if native == "" {
		native = n.address
	}
	if native, err = n.resolveAddress(ctx, native); err != nil {
		return err
	}
	n.nativeAddr, _ = netip.ParseAddr(native)
	n.nativePort = n.cfg.NativeTransportPort
	if n.opts.NativeListener != nil {
		_, p, _ := net.SplitHostPort(n.opts.NativeListener.Addr().String())
		n.nativePort, _ = strconv.Atoi(p)
	}
	return nil
}

func orZero(s string) string {
	if _, err := netip.ParseAddr(s); err != nil {
		return "0.0.0.1"
	}
	return s
}

// resolveAddress turns a configured address into an IP: names through DNS, an empty setting into
// the host's first non-loopback IPv4 address, as InetAddress.getLocalHost does in a pod.
func (n *Node) resolveAddress(ctx context.Context, a string) (string, error) {
	if a == "" {
		addrs, _ := net.InterfaceAddrs()
		for _, x := range addrs {
			if ip, ok := x.(*net.IPNet); ok && ip.IP.To4() != nil && !ip.IP.IsLoopback() {
				return ip.IP.String(), nil
			}
		}
		return "127.0.0.1", nil
	}
	if net.ParseIP(a) != nil {
		return a, nil
	}
	ips, err := n.opts.LookupHost(ctx, a)
	if err != nil || len(ips) == 0 {
		return "", &StartupError{Class: configurationException, Code: ExitStartupException,
			Message: fmt.Sprintf("Unknown listen_address '%s'", a)}
	}
	return ips[0], nil
}

// initGossipState makes the node's own record for a new generation.
func (n *Node) initGossipState() {
	now := time.Now()
	st := &endpointState{
		HostID: n.local.HostID, ClusterName: n.cfg.ClusterName, Generation: n.local.Generation, Version: 1,
		NativeAddress: n.nativeAddr.String(), NativePort: n.nativePort,
		DC: n.loc.Datacenter, Rack: n.loc.Rack, Release: n.opts.Release, CompatibilityMode: n.cfg.StorageCompatibilityMode,
		Schema: n.local.Schema, Started: now, Load: rowsBytes(n.rows),
	}
	host, port, _ := net.SplitHostPort(n.endpoint)
	st.Address = host
	st.StoragePort, _ = strconv.Atoi(port)
	n.states[n.local.HostID] = st
	n.gossipOn, n.gossipStopped = true, time.Time{}
}

// loop runs fn every interval until the node stops.
func (n *Node) loop(ctx context.Context, every time.Duration, fn func(context.Context)) {
	n.wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			fn(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
}

// Close stops the node as SIGTERM does: Cassandra's shutdown hook announces the shutdown to
// the other nodes, stops the transports and flushes; then the ports close.
func (n *Node) Close() error {
	n.announceShutdown(context.Background())
	return n.stop(true)
}

// Kill stops the node as a crash does: the ports close, nobody is told, and the others mark it
// down when their failure detectors convict it.
func (n *Node) Kill() error { return n.stop(false) }

func (n *Node) stop(clean bool) error {
	var err error
	n.closed.Do(func() {
		if clean {
			n.log.info("StorageServiceShutdownHook", "HintsService.java:220", "Paused hints dispatch")
		}
		n.stopNative()
		n.cancel()
		err = errors.Join(n.storageSrv.Close(), n.adminSrv.Close())
		err = errors.Join(err, n.closeAgent())
		n.wg.Wait()
		n.mu.Lock()
		if clean {
			err = errors.Join(err, n.disk.compact(n.rows))
		}
		n.mu.Unlock()
	})
	return err
}

// AdminAddr is where nodetool reaches the node.
func (n *Node) AdminAddr() string { return n.adminLn.Addr().String() }

// StorageAddr is where the other nodes reach the node.
func (n *Node) StorageAddr() string { return n.endpoint }

// NativeAddr is where CQL clients reach the node.
func (n *Node) NativeAddr() string {
	return net.JoinHostPort(n.nativeAddr.String(), strconv.Itoa(n.nativePort))
}

// HostID is the node's host ID.
func (n *Node) HostID() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.local.HostID
}

// settings are the ring model's knobs for this node.
func (n *Node) settings() ring.Settings {
	s := ring.DefaultSettings()
	if s.StreamBytesPerSecond = n.streamRate.Load(); s.StreamBytesPerSecond < 0 {
		s.StreamBytesPerSecond = math.MaxInt64 // unthrottled
	}
	s.ConsistentRangeMovement = !n.opts.DisableConsistentRangeMovement
	return s
}

func randomSeed() uint64 { return rand.Uint64() }
