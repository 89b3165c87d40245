package ring

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Cell is a row as a replica stores it: the value and the write time that decides which of two
// copies is newer. The model has one value per partition: rows are whole partitions.
type Cell struct {
	Value string
	// Timestamp is the write time in microseconds, as CQL sets it.
	Timestamp int64
	// Size is the bytes the row takes on disk: key, value and a fixed overhead.
	Size int64
}

// newerThan is how Cassandra reconciles two cells: the later timestamp wins; on a tie, the
// greater value.
func (c Cell) newerThan(o Cell) bool {
	return c.Timestamp > o.Timestamp || c.Timestamp == o.Timestamp && c.Value > o.Value
}

// TimeoutError is a WriteTimeoutException or ReadTimeoutException: enough replicas were alive,
// but fewer than required answered (here, because they did not know the table yet).
type TimeoutError struct {
	Consistency Consistency
	Received    int
	BlockFor    int
	Write       bool
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("Operation timed out - received only %d responses.", e.Received)
}

// InvalidRequestError is a request the coordinator refuses for its content.
type InvalidRequestError struct{ Message string }

func (e *InvalidRequestError) Error() string { return e.Message }

// Write writes a row through a coordinator at a consistency level. The coordinator refuses with
// an UnavailableError when too few replicas are alive; otherwise every live replica, natural or
// pending, stores the row, and replicas that are down miss it for good: hinted handoff is not
// modelled.
func (c *Cluster) Write(now time.Time, coordinator, keyspace, table string, key []byte, value string, cl Consistency) error {
	coord, ks, err := c.request(coordinator, keyspace, table)
	if err != nil {
		return err
	}
	t := TokenFor(key)
	natural := c.ring.replicas(ks, t)
	pending := c.pendingReplicas(ks, t, natural)
	if err := checkAvailable(cl, ks.Replication, coord.DC, natural, pending); err != nil {
		return err
	}
	cell := Cell{Value: value, Timestamp: now.UnixMicro(), Size: int64(len(key)+len(value)) + c.Settings.RowOverheadBytes}
	acks := 0
	for _, n := range append(slices.Clone(natural), pending...) {
		if !n.Up {
			continue
		}
		coord.messages++
		if !c.knowsTable(n, ks, table) {
			continue // the replica refuses a mutation for a table it does not know
		}
		n.store(keyspace+"."+table, string(key), cell)
		if counts(cl, n, coord.DC) {
			acks++
		}
	}
	if required := blockFor(cl, ks.Replication, coord.DC) + countIn(pending, cl, coord.DC); acks < required {
		return &TimeoutError{Consistency: cl, Received: acks, BlockFor: required, Write: true}
	}
	return nil
}

// Read reads a row through a coordinator. It contacts as many live natural replicas as the level
// requires, nearest first (the coordinator's datacenter, then ring order), returns the newest cell
// among their answers, and writes that cell back to the contacted replicas that answered with an
// older one or none (blocking read repair). found is false when none of them has the row.
func (c *Cluster) Read(now time.Time, coordinator, keyspace, table string, key []byte, cl Consistency) (value Cell, found bool, err error) {
	coord, ks, err := c.request(coordinator, keyspace, table)
	if err != nil {
		return Cell{}, false, err
	}
	natural := c.ring.replicas(ks, TokenFor(key))
	if err := checkAvailable(cl, ks.Replication, coord.DC, natural, nil); err != nil {
		return Cell{}, false, err
	}
	required := blockFor(cl, ks.Replication, coord.DC)
	var contacted []*Node
	for _, n := range byProximity(natural, coord.DC) {
		if n.Up && counts(cl, n, coord.DC) && len(contacted) < required {
			contacted = append(contacted, n)
		}
	}
	name := keyspace + "." + table
	var answered []*Node
	for _, n := range contacted {
		coord.messages++
		if c.knowsTable(n, ks, table) {
			answered = append(answered, n)
		}
	}
	if len(answered) < required {
		return Cell{}, false, &TimeoutError{Consistency: cl, Received: len(answered), BlockFor: required}
	}
	for _, n := range answered {
		if cell, ok := n.data[name][string(key)]; ok && (!found || cell.newerThan(value)) {
			value, found = cell, true
		}
	}
	if len(answered) > 1 {
		c.readRepair(coord, answered, name, string(key), value, found)
	}
	return value, found, nil
}

// readRepair compares the answers as digests would, and on a mismatch writes the newest cell to
// the replicas that lacked it, before answering the client (read_repair = 'BLOCKING').
func (c *Cluster) readRepair(coord *Node, answered []*Node, table, key string, newest Cell, found bool) {
	coord.rrAttempted++
	if !found {
		return
	}
	mismatch := false
	for _, n := range answered {
		if cell, ok := n.data[table][key]; !ok || cell != newest {
			mismatch = true
			n.store(table, key, newest)
		}
	}
	if mismatch {
		coord.rrBlocking++
	}
}

// request checks what a coordinator checks before a request: that it is up and knows the table.
func (c *Cluster) request(coordinator, keyspace, table string) (*Node, *Keyspace, error) {
	coord, err := c.liveNode(coordinator)
	if err != nil {
		return nil, nil, err
	}
	ks, ok := c.keyspaces[keyspace]
	if !ok || coord.schema < ks.created {
		return nil, nil, &InvalidRequestError{Message: fmt.Sprintf("keyspace %s does not exist", keyspace)}
	}
	if !c.knowsTable(coord, ks, table) {
		return nil, nil, &InvalidRequestError{Message: "unconfigured table " + table}
	}
	return coord, ks, nil
}

// byProximity orders replicas as the snitch would sort them for a coordinator: its own
// datacenter first, each group in placement order. (The dynamic snitch's latency scores are not
// modelled.)
func byProximity(replicas []*Node, dc string) []*Node {
	out := slices.Clone(replicas)
	slices.SortStableFunc(out, func(a, b *Node) int {
		return cmp.Compare(boolInt(a.DC != dc), boolInt(b.DC != dc))
	})
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func countIn(nodes []*Node, cl Consistency, dc string) int {
	n := 0
	for _, node := range nodes {
		if counts(cl, node, dc) {
			n++
		}
	}
	return n
}
