package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
)

// role is the node's part in coordination.
type role int

const (
	candidate role = iota // looking for a master, or standing for election
	follower              // following an elected master
	leader                // the elected master
)

// Node is one running simulated Elasticsearch node.
type Node struct {
	cfg     *config.Config
	opts    Options
	version *semver.Version
	info    Member
	disk    *disk
	store   *store
	client  *http.Client
	log     *logger

	httpSrv, transportSrv *http.Server
	httpLn, transportLn   net.Listener

	mu sync.Mutex
	// stopped is set by Close: the node writes nothing more to its data path.
	stopped bool
	// state is the last cluster state this node accepted.
	state *ClusterState
	role  role
	// joined: since the process started, the node has accepted a state with an elected master.
	// Before that its applied state routes no shard to it (Elasticsearch starts from a state
	// without a routing table), whatever the state it last accepted before the restart says.
	joined bool
	// term is the highest term this node has seen or voted in.
	term int64
	// masterSeen is when a follower last heard from its master.
	masterSeen time.Time
	// changed is closed and replaced whenever the state or the role changes.
	changed chan struct{}
	// infoAt is when the master last collected the nodes' disk usage (cluster_info.go); only
	// its refresh loop touches it.
	infoAt time.Time
	// followerFails counts failed follower checks per node, on the master.
	followerFails map[string]int
	// recovering marks shard copies whose documents this node is fetching.
	recovering map[shardKey]bool
	// deferred counts discovery rounds spent waiting for a lower-ID candidate (discovery
	// goroutine only).
	deferred int
	// leaderFails counts failed leader checks in a row.
	leaderFails int

	// pubMu serialises the master's changes and their publication.
	pubMu sync.Mutex

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Start checks the node's configuration and data path as Elasticsearch does at start-up,
// binds its ports and starts its background work. The error is the start-up failure
// Elasticsearch would print before exiting.
func Start(ctx context.Context, cfg *config.Config, opts Options) (*Node, error) {
	if opts.Timing == (Timing{}) {
		opts.Timing = DefaultTiming()
	}
	if opts.Timing.ClusterInfo == 0 {
		opts.Timing.ClusterInfo = DefaultTiming().ClusterInfo
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.LookupHost == nil {
		opts.LookupHost = net.DefaultResolver.LookupHost
	}
	v, err := semver.NewVersion(opts.Version)
	if err != nil {
		return nil, fmt.Errorf("simulator version %q: %w", opts.Version, err)
	}
	n := &Node{
		cfg: cfg, opts: opts, version: v, client: newTransportClient(),
		log:     &logger{w: opts.Log, node: cfg.NodeName},
		changed: make(chan struct{}), followerFails: map[string]int{}, recovering: map[shardKey]bool{},
	}
	if err := n.checkBootstrap(); err != nil {
		return nil, err
	}
	if err := n.openDataPath(); err != nil {
		return nil, err
	}
	if err := n.listen(); err != nil {
		n.store.close()
		return nil, err
	}
	n.serve()
	ctx, n.cancel = context.WithCancel(context.WithoutCancel(ctx))
	n.loop(ctx, n.opts.Timing.Discovery, n.discover)
	n.loop(ctx, n.opts.Timing.LeaderCheck, n.checkLeader)
	n.loop(ctx, n.opts.Timing.FollowerCheck, n.checkFollowers)
	n.loop(ctx, n.opts.Timing.Reroute, n.rerouteTick)
	n.loop(ctx, n.opts.Timing.Reroute, n.reconcileShards)
	n.loop(ctx, n.opts.Timing.Reroute, n.refreshClusterInfo)
	n.log.info("o.e.n.Node", "started {%s}{%s}{%s}{%s}{%s}", n.info.Name, n.info.ID, n.info.EphemeralID, n.info.Host, n.info.Transport)
	return n, nil
}

// loop runs fn every interval until the node stops.
func (n *Node) loop(ctx context.Context, every time.Duration, fn func(context.Context)) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
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
	}()
}

// errStopped answers what a request still in flight asks of a node that has stopped.
var errStopped = errors.New("node closed")

// Close stops the node: its ports close at once (peers see a closed connection, as when the
// process exits) and its background work ends. From here on the node writes nothing to its
// data path, though a request still in flight may run to its end: http.Server.Close does not
// wait for handlers, and a stopped process writes nothing more.
func (n *Node) Close() error {
	n.log.info("o.e.n.Node", "stopping ...")
	n.mu.Lock()
	n.stopped = true
	n.mu.Unlock()
	n.cancel()
	errs := []error{n.httpSrv.Close(), n.transportSrv.Close()}
	n.wg.Wait()
	n.store.close()
	n.log.info("o.e.n.Node", "closed")
	return errors.Join(errs...)
}

// Info returns the node as the cluster state lists it.
func (n *Node) Info() Member { return n.info }

// HTTPAddr returns the address the REST API listens on.
func (n *Node) HTTPAddr() string { return n.httpLn.Addr().String() }

// TransportAddr returns the address of the transport.
func (n *Node) TransportAddr() string { return n.transportLn.Addr().String() }

// listen binds the HTTP and transport ports and works out the addresses the node publishes.
func (n *Node) listen() error {
	bind := bindHost(n.cfg.NetworkHost)
	var err error
	if n.httpLn = n.opts.HTTPListener; n.httpLn == nil {
		if n.httpLn, err = net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(n.cfg.HTTPPort))); err != nil {
			return fmt.Errorf("org.elasticsearch.http.BindHttpException: Failed to bind to %s:%d: %w", bind, n.cfg.HTTPPort, err)
		}
	}
	if n.transportLn = n.opts.TransportListener; n.transportLn == nil {
		if n.transportLn, err = net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(n.cfg.TransportPort))); err != nil {
			return fmt.Errorf("org.elasticsearch.transport.BindTransportException: Failed to bind to %s:%d: %w", bind, n.cfg.TransportPort, err)
		}
	}
	host := publishHost(n.cfg.PublishHost)
	n.info.Host = host
	n.info.Transport = net.JoinHostPort(host, port(n.transportLn))
	n.info.HTTP = net.JoinHostPort(host, port(n.httpLn))
	n.log.info("o.e.t.TransportService", "publish_address {%s}, bound_addresses {%s}", n.info.Transport, n.transportLn.Addr())
	n.log.info("o.e.h.AbstractHttpServerTransport", "publish_address {%s}, bound_addresses {%s}", n.info.HTTP, n.httpLn.Addr())
	return nil
}

// serve starts the REST API and the transport.
func (n *Node) serve() {
	n.httpSrv = &http.Server{Handler: n.restHandler(), ReadHeaderTimeout: 10 * time.Second}
	n.transportSrv = &http.Server{Handler: n.transportHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = n.httpSrv.Serve(n.httpLn) }()
	go func() { _ = n.transportSrv.Serve(n.transportLn) }()
}

// notify wakes everything waiting for a change of state or role. Callers hold mu.
func (n *Node) notify() {
	close(n.changed)
	n.changed = make(chan struct{})
}

// snapshot returns the accepted state, the role and a channel closed at the next change.
func (n *Node) snapshot() (*ClusterState, role, <-chan struct{}) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.state, n.role, n.changed
}

func port(l net.Listener) string {
	_, p, _ := net.SplitHostPort(l.Addr().String())
	return p
}

// bindHost turns network.host's special values into an address to bind.
func bindHost(h string) string {
	switch h {
	case "", "_local_", "localhost":
		return "127.0.0.1"
	case "0", "0.0.0.0", "_site_", "_global_":
		return "0.0.0.0"
	}
	return h
}

// publishHost picks the address other nodes reach this one at, as Elasticsearch does for
// network.publish_host: a literal address as given, otherwise the first non-loopback IPv4
// address for the wildcard values.
func publishHost(h string) string {
	switch b := bindHost(h); b {
	case "127.0.0.1":
		return b
	case "0.0.0.0":
		addrs, _ := net.InterfaceAddrs()
		for _, a := range addrs {
			if ip, ok := a.(*net.IPNet); ok && ip.IP.To4() != nil && !ip.IP.IsLoopback() {
				return ip.IP.String()
			}
		}
		return "127.0.0.1"
	default:
		if ip := net.ParseIP(b); ip != nil {
			return b
		}
		if ips, err := net.LookupHost(b); err == nil && len(ips) > 0 {
			return ips[0]
		}
		return b
	}
}
