package ring

import (
	"fmt"
	"slices"
	"time"
)

// NodeSpec is what a node starts with: its configuration and identity.
type NodeSpec struct {
	// HostID is drawn from the cluster's source when empty.
	HostID      string
	Address     string
	StoragePort int
	DC, Rack    string
	NumTokens   int
	// Tokens are initial_token; drawn at random when empty.
	Tokens []Token
	// AllocateTokensForLocalRF is allocate_tokens_for_local_replication_factor (0 when unset):
	// the tokens are still drawn at random, but the allocator's refusal is modelled
	// (checkTokenAllocation).
	AllocateTokensForLocalRF int
	Release                  string
	CompatibilityMode        string
	HeapUsedMB               float64
	HeapMaxMB                float64
}

// JoinOptions say how a starting node joins the ring.
type JoinOptions struct {
	// Bootstrap is auto_bootstrap for a node that is not a seed: it streams its ranges before it
	// serves them. A node that does not bootstrap takes its tokens at once, with no data.
	Bootstrap bool
	// ReplaceAddress is replace_address_first_boot: the node takes the place and the tokens of
	// the dead node at that address and streams its ranges from the surviving replicas.
	ReplaceAddress string
}

// StartupError is an exception that stops a node while it starts (java.lang.RuntimeException or
// UnsupportedOperationException in CassandraDaemon's log).
type StartupError struct {
	Class   string
	Message string
}

func (e *StartupError) Error() string { return e.Message }

// OperationError is a java.lang.UnsupportedOperationException from a nodetool operation, which
// nodetool prints as "nodetool: Unsupported operation: " and the message.
type OperationError struct{ Message string }

func (e *OperationError) Error() string { return e.Message }

// endpoint is how Cassandra prints an InetAddressAndPort: "/10.0.0.1:7000".
func endpoint(address string, port int) string { return fmt.Sprintf("/%s:%d", address, port) }

// Join starts a node and has it join the ring: at once when it does not bootstrap, otherwise as a
// joining node that streams its ranges and becomes normal when Advance finds the streams done.
func (c *Cluster) Join(now time.Time, spec NodeSpec, opts JoinOptions) (*Node, error) {
	if spec.StoragePort == 0 {
		spec.StoragePort = 7000
	}
	if existing := c.NodeAt(spec.Address); existing != nil && opts.ReplaceAddress != spec.Address {
		return nil, &StartupError{Class: "java.lang.RuntimeException", Message: fmt.Sprintf(
			"A node with address %s already exists, cancelling join. Use cassandra.replace_address if you want to replace this node.",
			endpoint(spec.Address, spec.StoragePort))}
	}
	n := c.newNode(now, spec)
	switch {
	case opts.ReplaceAddress != "":
		return n, c.replace(n, opts.ReplaceAddress)
	case opts.Bootstrap && len(c.ringMembers()) > 0:
		return n, c.bootstrap(n, spec)
	default:
		tokens, err := c.tokensFor(spec)
		if err != nil {
			return nil, err
		}
		n.Tokens, n.State, n.Mode, n.transportActive = tokens, Normal, ModeNormal, true
		c.nodes[n.HostID] = n
		c.ringChanged()
		c.pullSchema(n)
		return n, nil
	}
}

func (c *Cluster) newNode(now time.Time, spec NodeSpec) *Node {
	id := spec.HostID
	if id == "" {
		id = c.newUUID()
	}
	return &Node{
		HostID: id, Address: spec.Address, StoragePort: spec.StoragePort, DC: spec.DC, Rack: spec.Rack,
		Release: spec.Release, CompatibilityMode: spec.CompatibilityMode,
		Up: true, running: true, gossipActive: true, Started: now, Generation: now.Unix(), Mode: ModeStarting,
		HeapUsedMB: spec.HeapUsedMB, HeapMaxMB: spec.HeapMaxMB,
		data: map[string]map[string]Cell{},
	}
}

// tokensFor returns initial_token, or num_tokens random tokens no other node has.
func (c *Cluster) tokensFor(spec NodeSpec) ([]Token, error) {
	taken := map[Token]bool{}
	for _, n := range c.nodes {
		for _, t := range n.Tokens {
			taken[t] = true
		}
	}
	if len(spec.Tokens) > 0 {
		for _, t := range spec.Tokens {
			if taken[t] {
				owner := c.ring.owner[t]
				return nil, &StartupError{Class: "java.lang.RuntimeException", Message: fmt.Sprintf(
					"Bootstrap Token collision between %s and %s (token %d", endpoint(owner.Address, owner.StoragePort),
					endpoint(spec.Address, spec.StoragePort), t)}
			}
		}
		return slices.Clone(spec.Tokens), nil
	}
	if err := c.checkTokenAllocation(spec); err != nil {
		return nil, err
	}
	count := max(spec.NumTokens, 1)
	out := make([]Token, 0, count)
	for len(out) < count {
		t := RandomToken(c.rng)
		if !taken[t] {
			taken[t] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// checkTokenAllocation refuses the allocation Cassandra's allocator refuses
// (TokenAllocation.createStrategy, reached from BootStrapper.getBootstrapTokens when
// allocate_tokens_for_local_replication_factor is set): the racks of the node's datacenter
// already in the ring are more than one and fewer than the replication factor it plans for. A
// rack the ring has no node of yet counts as one, however many racks the others make.
func (c *Cluster) checkTokenAllocation(spec NodeSpec) error {
	rf := spec.AllocateTokensForLocalRF
	if rf <= 1 {
		return nil
	}
	racks := map[string]bool{}
	for _, n := range c.nodes {
		if n.DC == spec.DC {
			racks[n.Rack] = true
		}
	}
	count := len(racks)
	if !racks[spec.Rack] {
		count = 1
	}
	if count == 1 || count >= rf {
		return nil
	}
	return &StartupError{Class: "org.apache.cassandra.exceptions.ConfigurationException", Message: fmt.Sprintf(
		"Token allocation failed: the number of racks %d in datacenter %s is lower than its replication factor %d.", count, spec.DC, rf)}
}

// checkNoOtherMovement is the rule of consistent range movement: a node may not start to bootstrap
// (or replace) while another one joins, leaves or moves.
func (c *Cluster) checkNoOtherMovement() error {
	if !c.Settings.ConsistentRangeMovement {
		return nil
	}
	for _, n := range c.nodes {
		if n.State != Normal {
			return &StartupError{Class: "java.lang.UnsupportedOperationException",
				Message: "Other bootstrapping/leaving/moving nodes detected, cannot bootstrap while cassandra.consistent.rangemovement is true"}
		}
	}
	return nil
}

// bootstrap plans the streams of a joining node: for each range it will replicate, from the
// replica that gives the range up (with consistent range movement, when the range has all its
// replicas) or from the nearest live replica.
func (c *Cluster) bootstrap(n *Node, spec NodeSpec) error {
	if err := c.checkNoOtherMovement(); err != nil {
		return err
	}
	tokens, err := c.tokensFor(spec)
	if err != nil {
		return err
	}
	n.Tokens, n.State, n.Mode = tokens, Joining, ModeJoining
	op := &operation{kind: opBootstrap, planID: c.newUUID(), node: n}
	c.pullSchema(n)
	if err := c.planFetch(op, func(ks *Keyspace, r [2]Token, old, future []*Node) (*Node, error) {
		return c.bootstrapSource(ks, r, old, future, n)
	}); err != nil {
		return err
	}
	c.nodes[n.HostID] = n
	c.ops = append(c.ops, op)
	c.ringChanged()
	return nil
}

// bootstrapSource is RangeStreamer's choice of source for one range.
func (c *Cluster) bootstrapSource(ks *Keyspace, r [2]Token, old, future []*Node, n *Node) (*Node, error) {
	if c.Settings.ConsistentRangeMovement && len(old) == ks.Replication.TotalRF() {
		var losing []*Node
		for _, o := range old {
			if !slices.Contains(future, o) {
				losing = append(losing, o)
			}
		}
		if len(losing) != 1 {
			return nil, &StartupError{Class: "java.lang.IllegalStateException", Message: fmt.Sprintf("Expected 1 endpoint but found %d", len(losing))}
		}
		if !losing[0].Up {
			return nil, &StartupError{Class: "java.lang.IllegalStateException", Message: fmt.Sprintf(
				"A node required to move the data consistently is down (%s). If you wish to move the data from a potentially "+
					"inconsistent replica, restart the node with -Dcassandra.consistent.rangemovement=false",
				endpoint(losing[0].Address, losing[0].StoragePort))}
		}
		return losing[0], nil
	}
	return liveSource(ks, r, old, n, c.Settings.ConsistentRangeMovement)
}

// nearestLive is the nearest live replica of a range, the requester's datacenter first; nil when
// none is alive.
func nearestLive(replicas []*Node, requester *Node) *Node {
	for _, o := range byProximity(replicas, requester.DC) {
		if o.Up && o != requester {
			return o
		}
	}
	return nil
}

// liveSource picks the nearest live replica of a range. With strict consistency (a bootstrap
// under cassandra.consistent.rangemovement) a range nobody can send fails the start, as
// RangeStreamer does; otherwise (a replacement, or consistency off) it is skipped and the node
// starts without that data, Cassandra only logging "Keyspace might be missing data".
func liveSource(ks *Keyspace, r [2]Token, replicas []*Node, requester *Node, strict bool) (*Node, error) {
	if src := nearestLive(replicas, requester); src != nil || !strict {
		return src, nil
	}
	msg := fmt.Sprintf("Unable to find sufficient sources for streaming range (%d,%d] in keyspace %s", r[0], r[1], ks.Name)
	if ks.Replication.TotalRF() == 1 {
		msg += " with RF=1. Ensure this keyspace contains replicas in the source datacenter."
	}
	return nil, &StartupError{Class: "java.lang.IllegalStateException", Message: msg}
}

// planFetch adds to op a session per source for the ranges its node gains, in every replicated
// keyspace; source picks where each range comes from.
func (c *Cluster) planFetch(op *operation, source func(ks *Keyspace, r [2]Token, old, future []*Node) (*Node, error)) error {
	future := c.futureRing(op)
	bySource := map[*Node][]part{}
	var sources []*Node
	for _, ks := range c.Keyspaces() {
		if ks.Replication.Strategy == LocalStrategy {
			continue
		}
		for _, r := range future.ranges() {
			newReplicas := future.replicas(ks, r[1])
			old := c.ring.replicas(ks, r[1])
			if !slices.Contains(newReplicas, op.node) || slices.Contains(old, op.node) {
				continue
			}
			from, err := source(ks, r, old, newReplicas)
			if err != nil {
				return err
			}
			if from == nil {
				continue
			}
			if _, seen := bySource[from]; !seen {
				sources = append(sources, from)
			}
			bySource[from] = addRange(bySource[from], ks.Name, r)
		}
	}
	for _, from := range sources {
		op.sessions = append(op.sessions, c.newSession(from, op.node, bySource[from]))
	}
	return nil
}

// without returns nodes without one of them.
func without(nodes []*Node, n *Node) []*Node {
	return slices.DeleteFunc(slices.Clone(nodes), func(o *Node) bool { return o == n })
}

func addRange(parts []part, keyspace string, r [2]Token) []part {
	for i := range parts {
		if parts[i].keyspace == keyspace {
			parts[i].ranges = append(parts[i].ranges, r)
			return parts
		}
	}
	return append(parts, part{keyspace: keyspace, ranges: [][2]Token{r}})
}

// replace plans replace_address_first_boot: the new node takes the dead node's tokens and streams
// every range the dead node replicated from a surviving replica. A replacement at another address
// gets a host ID of its own and shows as joining; at the same address it keeps the dead node's
// host ID, as Cassandra 4.0+ does.
func (c *Cluster) replace(n *Node, address string) error {
	dead := c.NodeAt(address)
	if dead == nil {
		return &StartupError{Class: "java.lang.RuntimeException",
			Message: fmt.Sprintf("Cannot replace_address %s because it doesn't exist in gossip", endpoint(address, n.StoragePort))}
	}
	if dead.Up {
		return &StartupError{Class: "java.lang.UnsupportedOperationException", Message: "Cannot replace a live node... "}
	}
	if err := c.checkNoOtherMovement(); err != nil {
		return err
	}
	if dead.Address == n.Address {
		n.HostID = dead.HostID
	}
	n.Tokens, n.State, n.Mode = slices.Clone(dead.Tokens), Joining, ModeJoining
	op := &operation{kind: opReplace, planID: c.newUUID(), node: n, replaced: dead}
	c.pullSchema(n)
	if err := c.planFetch(op, func(ks *Keyspace, r [2]Token, old, _ []*Node) (*Node, error) {
		return liveSource(ks, r, without(old, dead), n, false)
	}); err != nil {
		return err
	}
	if n.HostID != dead.HostID {
		c.nodes[n.HostID] = n
	}
	c.ops = append(c.ops, op)
	c.ringChanged()
	return nil
}

// ResumeBootstrap is nodetool bootstrap resume: a bootstrap or replacement whose streams failed
// plans them again and goes on.
func (c *Cluster) ResumeBootstrap(now time.Time, hostID string) error {
	for _, op := range c.ops {
		if op.node.HostID == hostID && op.failed != nil && (op.kind == opBootstrap || op.kind == opReplace) {
			if !op.node.Up {
				return fmt.Errorf("node %s is down", op.node.Address)
			}
			return c.replan(op)
		}
	}
	return &OperationError{Message: "Node is not in a failed bootstrap"}
}

// replan plans a bootstrap or a replacement again from what the ring holds now; the node starts
// over (the model does not keep what a broken stream had already sent).
func (c *Cluster) replan(op *operation) error {
	fresh := &operation{kind: op.kind, planID: c.newUUID(), node: op.node, replaced: op.replaced}
	source := func(ks *Keyspace, r [2]Token, old, future []*Node) (*Node, error) {
		if op.kind == opReplace {
			return liveSource(ks, r, without(old, op.replaced), op.node, false)
		}
		return c.bootstrapSource(ks, r, old, future, op.node)
	}
	if err := c.planFetch(fresh, source); err != nil {
		op.failed = err
		return err
	}
	*op = *fresh
	op.node.Mode = ModeJoining
	return nil
}

// BootstrapFailed is StorageService.isBootstrapFailed: the node's bootstrap or replacement broke
// and has not been resumed.
func (c *Cluster) BootstrapFailed(hostID string) bool {
	for _, op := range c.ops {
		if op.node.HostID == hostID && op.failed != nil && (op.kind == opBootstrap || op.kind == opReplace) {
			return true
		}
	}
	return false
}

// complete finishes an operation whose streams are done.
func (c *Cluster) complete(op *operation, now time.Time) {
	for _, s := range op.sessions {
		if !s.broken {
			s.copyData(c)
		}
	}
	n := op.node
	switch op.kind {
	case opBootstrap, opReplace:
		if op.replaced != nil {
			delete(c.nodes, op.replaced.HostID)
		}
		n.State, n.Mode, n.transportActive = Normal, ModeNormal, true
		c.nodes[n.HostID] = n
	case opDecommission:
		delete(c.nodes, n.HostID)
		c.departed[n.HostID] = n
		n.Mode, n.gossipActive, n.transportActive, n.Up = ModeDecommissioned, false, false, false
	case opRemove:
		delete(c.nodes, n.HostID)
	}
	c.removeOp(op)
}
