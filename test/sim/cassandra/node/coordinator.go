package node

import (
	"context"
	"slices"
	"sync"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// A node coordinates the requests its CQL clients send: it works out the replicas on its view of
// the ring, refuses with Unavailable when its failure detector counts too few of them alive,
// sends the request to the replicas over the storage port, and waits for as many answers as the
// consistency level needs. Each node stores only its own replicas' rows. Hinted handoff is not
// modelled: a replica that is down misses the write until a read repairs it.

type mutation struct {
	Rows []rowRecord `json:"rows"`
}

type readRequest struct {
	Table string `json:"table"`
	Key   []byte `json:"key"`
}

type readResponse struct {
	Cell  ring.Cell `json:"cell"`
	Found bool      `json:"found"`
}

type scanRequest struct {
	Table string `json:"table"`
}

// replica is a node a request goes to.
type replica struct {
	node  *ring.Node
	local bool
}

// write writes one row at a consistency level.
func (n *Node) write(ctx context.Context, keyspace string, rec rowRecord, cl ring.Consistency) error {
	n.mu.Lock()
	view := n.viewLocked(true)
	natural, pending, err := view.WriteReplicas(keyspace, rec.Key)
	if err == nil {
		err = view.CheckAvailable(cl, keyspace, n.loc.Datacenter, natural, pending)
	}
	if err != nil {
		n.mu.Unlock()
		return err
	}
	required := view.BlockFor(cl, keyspace, n.loc.Datacenter, pending)
	var targets []replica
	for _, r := range append(natural, pending...) {
		if r.Up {
			targets = append(targets, replica{r, r.HostID == n.local.HostID})
		}
	}
	n.stats.messages += int64(len(targets))
	n.mu.Unlock()
	acks := n.fanOut(ctx, targets, func(ctx context.Context, r replica) bool {
		if r.local {
			n.applyRows([]rowRecord{rec})
			return true
		}
		return n.call(ctx, endpointOf(r.node), "/mutation", mutation{Rows: []rowRecord{rec}}, nil) == nil
	}, func(r replica) bool { return ring.Counts(cl, r.node, n.loc.Datacenter) })
	if acks < required {
		return &ring.TimeoutError{Consistency: cl, Received: acks, BlockFor: required, Write: true}
	}
	return nil
}

// read reads one row: it asks as many live replicas as the level needs, nearest first (the node
// itself first when it is one), returns the newest copy and writes it back to those that answered
// with an older one or none (blocking read repair).
func (n *Node) read(ctx context.Context, keyspace, table string, key []byte, cl ring.Consistency) (ring.Cell, bool, error) {
	n.mu.Lock()
	view := n.viewLocked(true)
	natural, err := view.Replicas(keyspace, key)
	if err == nil {
		err = view.CheckAvailable(cl, keyspace, n.loc.Datacenter, natural, nil)
	}
	if err != nil {
		n.mu.Unlock()
		return ring.Cell{}, false, err
	}
	required := view.BlockFor(cl, keyspace, n.loc.Datacenter, nil)
	ordered := ring.NearestFirst(natural, n.loc.Datacenter)
	slices.SortStableFunc(ordered, func(a, b *ring.Node) int {
		return boolInt(a.HostID != n.local.HostID) - boolInt(b.HostID != n.local.HostID)
	})
	var contacted []replica
	for _, r := range ordered {
		if r.Up && ring.Counts(cl, r, n.loc.Datacenter) && len(contacted) < required {
			contacted = append(contacted, replica{r, r.HostID == n.local.HostID})
		}
	}
	n.stats.messages += int64(len(contacted))
	n.mu.Unlock()
	name := keyspace + "." + table
	answers := make([]*readResponse, len(contacted))
	var wg sync.WaitGroup
	for i, r := range contacted {
		wg.Go(func() {
			if r.local {
				answers[i] = n.localRead(name, key)
				return
			}
			var resp readResponse
			if n.call(ctx, endpointOf(r.node), "/read", readRequest{Table: name, Key: key}, &resp) == nil {
				answers[i] = &resp
			}
		})
	}
	wg.Wait()
	var newest ring.Cell
	found, received := false, 0
	for _, a := range answers {
		if a == nil {
			continue
		}
		received++
		if a.Found && (!found || a.Cell.Supersedes(newest)) {
			newest, found = a.Cell, true
		}
	}
	if received < required {
		return ring.Cell{}, false, &ring.TimeoutError{Consistency: cl, Received: received, BlockFor: required}
	}
	n.readRepair(ctx, contacted, answers, rowRecord{Table: name, Key: key, Cell: newest}, found)
	return newest, found, nil
}

// readRepair writes the newest copy to the replicas that answered without it.
func (n *Node) readRepair(ctx context.Context, contacted []replica, answers []*readResponse, rec rowRecord, found bool) {
	if len(contacted) < 2 {
		return
	}
	n.mu.Lock()
	n.stats.rrAttempted++
	n.mu.Unlock()
	if !found {
		return
	}
	repaired := false
	for i, r := range contacted {
		if answers[i] == nil || answers[i].Found && answers[i].Cell == rec.Cell {
			continue
		}
		repaired = true
		if r.local {
			n.applyRows([]rowRecord{rec})
		} else {
			_ = n.call(ctx, endpointOf(r.node), "/mutation", mutation{Rows: []rowRecord{rec}}, nil)
		}
	}
	if repaired {
		n.mu.Lock()
		n.stats.rrBlocking++
		n.mu.Unlock()
	}
}

// count counts a table's rows at a level: every range must have enough live replicas; each live
// node answers with its rows, and a row counts once, from a node that replicates it.
func (n *Node) count(ctx context.Context, keyspace, table string, cl ring.Consistency) (int64, error) {
	n.mu.Lock()
	view := n.viewLocked(true)
	for _, replicas := range view.RangeReplicas(keyspace) {
		if err := view.CheckAvailable(cl, keyspace, n.loc.Datacenter, replicas, nil); err != nil {
			n.mu.Unlock()
			return 0, err
		}
	}
	var live []replica
	for _, m := range view.Members() {
		if m.Up {
			live = append(live, replica{m, m.HostID == n.local.HostID})
		}
	}
	n.mu.Unlock()
	name := keyspace + "." + table
	keys := map[string]bool{}
	var mu sync.Mutex
	n.fanOut(ctx, live, func(ctx context.Context, r replica) bool {
		var resp mutation
		if r.local {
			resp.Rows = n.localScan(name)
		} else if n.call(ctx, endpointOf(r.node), "/scan", scanRequest{Table: name}, &resp) != nil {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		for _, row := range resp.Rows {
			replicas, _ := view.Replicas(keyspace, row.Key)
			if slices.ContainsFunc(replicas, func(x *ring.Node) bool { return x.HostID == r.node.HostID }) {
				keys[string(row.Key)] = true
			}
		}
		return true
	}, func(replica) bool { return true })
	return int64(len(keys)), nil
}

// fanOut runs send against every target at once and counts the successes that count.
func (n *Node) fanOut(ctx context.Context, targets []replica, send func(context.Context, replica) bool, counts func(replica) bool) int {
	ctx, cancel := context.WithTimeout(ctx, n.opts.Timing.RequestTimeout)
	defer cancel()
	var mu sync.Mutex
	acks := 0
	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Go(func() {
			if send(ctx, t) && counts(t) {
				mu.Lock()
				acks++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return acks
}

func (n *Node) localRead(table string, key []byte) *readResponse {
	n.mu.Lock()
	defer n.mu.Unlock()
	c, ok := n.rows[table][string(key)]
	return &readResponse{Cell: c, Found: ok}
}

func (n *Node) localScan(table string) []rowRecord {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []rowRecord
	for k, c := range n.rows[table] {
		out = append(out, rowRecord{Table: table, Key: []byte(k), Cell: c})
	}
	return out
}

// The replica side of the verbs above. A node that does not accept messages (not joined,
// drained, decommissioned) does not answer, as Cassandra drops them.

func (n *Node) onMutation(_ context.Context, m *mutation) (*struct{}, error) {
	if !n.isAccepting() {
		return nil, errNotAccepting
	}
	n.applyRows(m.Rows)
	return &struct{}{}, nil
}

func (n *Node) onRead(_ context.Context, r *readRequest) (*readResponse, error) {
	if !n.isAccepting() {
		return nil, errNotAccepting
	}
	return n.localRead(r.Table, r.Key), nil
}

func (n *Node) onScan(_ context.Context, r *scanRequest) (*mutation, error) {
	if !n.isAccepting() {
		return nil, errNotAccepting
	}
	return &mutation{Rows: n.localScan(r.Table)}, nil
}

// isAccepting reports whether the node serves other nodes' requests: a joining node does (it is a
// pending replica of writes), a drained or decommissioned one does not.
func (n *Node) isAccepting() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.gossipOn && n.mode != ring.ModeDecommissioned
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
