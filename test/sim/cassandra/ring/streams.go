package ring

import (
	"slices"
	"strings"
	"time"
)

// opKind is the kind of topology change an operation makes.
type opKind int

const (
	opBootstrap opKind = iota
	opReplace
	opDecommission
	opRemove
)

// description is the StreamOperation description nodetool netstats prints for the plan.
func (k opKind) description() string {
	return [...]string{"Bootstrap", "Bootstrap", "Unbootstrap", "Restore replica count"}[k]
}

// operation is a topology change in progress: the ranges it streams and the ring it leads to.
type operation struct {
	kind   opKind
	planID string
	// node is the node that joins, replaces, leaves, or is removed.
	node *Node
	// replaced is the dead node a replacement takes the place of.
	replaced *Node
	// coordinator is the node that runs a removenode.
	coordinator *Node
	sessions    []*session
	// future is the ring once the change is done, for pending ranges; rebuilt when the ring changes.
	future *tokenRing
	// failed is set when a stream of a bootstrap or replacement broke; nodetool bootstrap resume
	// starts it again.
	failed error
	// reported is set once a failed decommission has told its node.
	reported bool
}

// session streams data between two nodes for one operation: StreamSession.
type session struct {
	from, to *Node
	parts    []part
	// files are the tables streamed, each one "file", with their sizes when the session started.
	files    []streamFile
	progress float64 // bytes sent so far
	broken   bool
}

// part is the ranges of one keyspace a session carries.
type part struct {
	keyspace string
	ranges   [][2]Token
}

type streamFile struct {
	keyspace, table string
	bytes           int64
}

func (s *session) total() int64 {
	var t int64
	for _, f := range s.files {
		t += f.bytes
	}
	return t
}

func (s *session) done() bool { return !s.broken && int64(s.progress) >= s.total() }

// StreamFile is one table of a stream session, with its progress.
type StreamFile struct {
	Keyspace, Table string
	Bytes, Done     int64
}

// Stream is a stream session as one of its two ends sees it, for nodetool netstats.
type Stream struct {
	PlanID      string
	Description string
	Peer        *Node
	// Receiving is true on the receiving end, false on the sending one.
	Receiving bool
	Files     []StreamFile
}

// Streams returns the stream sessions a node takes part in, grouped by plan in start order.
func (c *Cluster) Streams(hostID string) []Stream {
	var out []Stream
	for _, op := range c.ops {
		if op.failed != nil {
			continue
		}
		for _, s := range op.sessions {
			if s.broken || s.done() || s.from.HostID != hostID && s.to.HostID != hostID {
				continue
			}
			st := Stream{PlanID: op.planID, Description: op.kind.description(), Receiving: s.to.HostID == hostID}
			st.Peer = s.to
			if st.Receiving {
				st.Peer = s.from
			}
			left := int64(s.progress)
			for _, f := range s.files {
				done := min(left, f.bytes)
				left -= done
				st.Files = append(st.Files, StreamFile{Keyspace: f.keyspace, Table: f.table, Bytes: f.bytes, Done: done})
			}
			out = append(out, st)
		}
	}
	if c.local != nil && c.local.HostID == hostID {
		out = append(out, c.external...)
	}
	return out
}

// newSession plans a session: the tables of each part and the bytes the source holds for them.
func (c *Cluster) newSession(from, to *Node, parts []part) *session {
	s := &session{from: from, to: to, parts: parts}
	for _, p := range parts {
		for _, table := range c.keyspaces[p.keyspace].Tables {
			var bytes int64
			for key, cell := range from.data[p.keyspace+"."+table] {
				if inRanges(TokenFor([]byte(key)), p.ranges) {
					bytes += cell.Size
				}
			}
			if bytes > 0 {
				s.files = append(s.files, streamFile{keyspace: p.keyspace, table: table, bytes: bytes})
			}
		}
	}
	return s
}

// copyData moves what the session carries: the source's rows in its ranges, as they are when the
// stream completes. Rows written meanwhile reach the destination twice, as a pending replica and
// by the stream, which reconcile.
func (s *session) copyData(c *Cluster) {
	for _, p := range s.parts {
		for _, table := range c.keyspaces[p.keyspace].Tables {
			name := p.keyspace + "." + table
			for key, cell := range s.from.data[name] {
				if inRanges(TokenFor([]byte(key)), p.ranges) {
					s.to.store(name, key, cell)
				}
			}
		}
	}
}

func inRanges(t Token, ranges [][2]Token) bool {
	return slices.ContainsFunc(ranges, func(r [2]Token) bool { return inRange(t, r[0], r[1]) })
}

// errStreamFailed is what a bootstrap reports when a stream session broke.
var errStreamFailed = &StartupError{Class: "java.lang.RuntimeException", Message: "Error during bootstrap: Stream failed"}

// Advance moves time forward to now: streams progress, each sending node at
// Settings.StreamBytesPerSecond shared by its sessions in the order they started, and operations
// whose streams are all done complete. A session whose two ends are not both up breaks.
func (c *Cluster) Advance(now time.Time) {
	dt := 0.0
	if !c.last.IsZero() && now.After(c.last) {
		dt = now.Sub(c.last).Seconds()
	}
	if c.last.IsZero() || now.After(c.last) {
		c.last = now
	}
	budget := map[*Node]float64{}
	for _, op := range c.ops {
		if op.failed != nil {
			continue
		}
		for _, s := range op.sessions {
			if s.done() || s.broken {
				continue
			}
			if !s.from.Up || !s.to.Up {
				c.breakSession(op, s)
				continue
			}
			b, ok := budget[s.from]
			if !ok {
				b = float64(c.Settings.StreamBytesPerSecond) * dt
			}
			take := min(b, float64(s.total())-s.progress)
			s.progress += take
			budget[s.from] = b - take
		}
	}
	for _, op := range slices.Clone(c.ops) {
		switch {
		case op.kind == opDecommission && op.failed != nil && !op.reported:
			c.failDecommission(op)
		case op.failed == nil && !slices.ContainsFunc(op.sessions, func(s *session) bool { return !s.done() && !s.broken }):
			c.complete(op, now)
		}
	}
}

// failDecommission is StorageService.decommission giving up: the node logs the error and stays
// in the ring, still leaving in gossip (UL), so the others keep counting it as a range movement.
// 4.0 and 4.1 stay in mode LEAVING and refuse another decommission until restarted; 5.0 reports
// DECOMMISSION_FAILED and accepts another attempt (CASSANDRA-18555). The failed operation stays,
// so writes still reach the nodes that would take the ranges over, as pending ranges do.
func (c *Cluster) failDecommission(op *operation) {
	n := op.node
	op.reported, n.decommissionFailed = true, true
	n.Exceptions++
	n.LastError = op.failed.Error()
	if strings.HasPrefix(n.Release, "5.") {
		n.Mode = ModeDecommissionFailed
	}
}

// breakSession handles a session whose peer went away. A bootstrap or a replacement fails, and
// stays failed until resumed; a decommission fails (see failDecommission); a removenode goes on
// without the range (what "removenode force" leaves behind).
func (c *Cluster) breakSession(op *operation, s *session) {
	switch op.kind {
	case opBootstrap, opReplace:
		op.failed = errStreamFailed
		if strings.HasPrefix(op.node.Release, "5.") {
			// 5.0 says so in the operation mode (CASSANDRA-18555); 4.x stays JOINING.
			op.node.Mode = ModeJoiningFailed
		}
	case opDecommission:
		op.failed = &OperationError{Message: "Error while decommissioning node: Stream failed"}
	case opRemove:
		s.broken = true
	}
}

// dropOps forgets a node's operations of one kind.
func (c *Cluster) dropOps(n *Node, kind opKind) {
	c.ops = slices.DeleteFunc(c.ops, func(o *operation) bool { return o.node == n && o.kind == kind })
	c.ringChanged()
}

func (c *Cluster) removeOp(op *operation) {
	c.ops = slices.DeleteFunc(c.ops, func(o *operation) bool { return o == op })
	c.ringChanged()
}

// pendingReplicas are the nodes that gain the token's range in a change in progress: writes go to
// them as well as to the natural replicas.
func (c *Cluster) pendingReplicas(ks *Keyspace, t Token, natural []*Node) []*Node {
	var out []*Node
	for _, op := range c.ops {
		if op.kind == opReplace && op.node.HostID == op.replaced.HostID {
			// A replacement at the same address hibernates: no one sends it writes.
			continue
		}
		for _, n := range c.futureRing(op).replicas(ks, t) {
			if !slices.Contains(natural, n) && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// futureRing is the ring once the operation is done, with every node that leaves gone
// (TokenMetadata.cloneAfterAllLeft).
func (c *Cluster) futureRing(op *operation) *tokenRing {
	if op.future != nil {
		return op.future
	}
	var members []*Node
	for _, n := range c.ringMembers() {
		if n.State != Leaving && n != op.replaced {
			members = append(members, n)
		}
	}
	if op.kind == opBootstrap || op.kind == opReplace {
		members = append(members, op.node)
	}
	op.future = newTokenRing(members)
	return op.future
}
