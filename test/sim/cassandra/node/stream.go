package node

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// Streaming moves the rows of token ranges between node processes, at stream_throughput_outbound
// bytes per second, so that bootstrap, decommission, removenode and replacement take time in
// proportion to the data. The rows travel in one message; the time is spent before they are
// applied (or sent), counting the bytes as netstats shows them.

// stream is one session this node takes part in, for netstats.
type stream struct {
	mu                  sync.Mutex
	planID, description string
	peer                string // host ID
	receiving           bool
	files               []ring.StreamFile
}

func (s *stream) snapshot() ring.PeerStream {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ring.PeerStream{PlanID: s.planID, Description: s.description, PeerHostID: s.peer,
		Receiving: s.receiving, Files: slices.Clone(s.files)}
}

// streamRequest asks a node for, or tells it to send, the rows of some ranges of a keyspace.
type streamRequest struct {
	PlanID      string          `json:"plan_id"`
	Description string          `json:"description"`
	From        string          `json:"from"` // host ID of the asking node
	Keyspace    string          `json:"keyspace"`
	Ranges      [][2]ring.Token `json:"ranges"`
	// To is, for a push, the endpoint and host ID of the node to send to.
	To       string `json:"to,omitempty"`
	ToHostID string `json:"to_host_id,omitempty"`
}

type streamRows struct {
	PlanID      string      `json:"plan_id"`
	Description string      `json:"description"`
	From        string      `json:"from"`
	Rows        []rowRecord `json:"rows"`
	// BytesPerSecond and Generation describe the sender of a pull: its stream_throughput_outbound,
	// which paces the session, and the gossip generation of its process, which the session lives
	// and dies with.
	BytesPerSecond int64 `json:"bytes_per_second,omitempty"`
	Generation     int64 `json:"generation,omitempty"`
}

// streamAlive asks a sender whether the process that began a session still runs.
type streamAlive struct {
	Generation int64 `json:"generation"`
}

// rowsInRanges returns the rows the node holds in the ranges of a keyspace.
func (n *Node) rowsInRanges(keyspace string, ranges [][2]ring.Token) []rowRecord {
	t := ring.Transfer{Ranges: ranges}
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []rowRecord
	for table, byKey := range n.rows {
		if !strings.HasPrefix(table, keyspace+".") {
			continue
		}
		for key, cell := range byKey {
			if t.Covers([]byte(key)) {
				out = append(out, rowRecord{Table: table, Key: []byte(key), Cell: cell})
			}
		}
	}
	return out
}

// onStreamOut sends the rows a joining node asked for, with the rate it sends them at.
func (n *Node) onStreamOut(_ context.Context, req *streamRequest) (*streamRows, error) {
	rows := n.rowsInRanges(req.Keyspace, req.Ranges)
	n.mu.Lock()
	defer n.mu.Unlock()
	return &streamRows{Rows: rows, BytesPerSecond: n.streamRate.Load(), Generation: n.local.Generation}, nil
}

// onStreamAlive answers a receiver's check on its session: a process that started since the
// session began has no such session, as a new Cassandra process knows none of the old one's.
func (n *Node) onStreamAlive(_ context.Context, req *streamAlive) (*struct{}, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if req.Generation != n.local.Generation {
		return nil, fmt.Errorf("no session: this process started at generation %d, the session's began at %d", n.local.Generation, req.Generation)
	}
	return &struct{}{}, nil
}

// onStreamIn applies rows streamed to the node.
func (n *Node) onStreamIn(_ context.Context, req *streamRows) (*struct{}, error) {
	n.applyRows(req.Rows)
	return &struct{}{}, nil
}

// onStreamPush sends rows of some ranges to another node, for a removenode run elsewhere.
func (n *Node) onStreamPush(ctx context.Context, req *streamRequest) (*struct{}, error) {
	rows := n.rowsInRanges(req.Keyspace, req.Ranges)
	if err := n.pace(ctx, req.PlanID, req.Description, req.ToHostID, false, rows, n.streamRate.Load(), nil); err != nil {
		return nil, err
	}
	if err := n.call(ctx, req.To, "/stream/in", streamRows{Rows: rows}, nil); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// applyRows stores streamed or written rows and logs them to disk.
func (n *Node) applyRows(rows []rowRecord) {
	n.mu.Lock()
	defer n.mu.Unlock()
	var changed []rowRecord
	for _, r := range rows {
		if storeRow(n.rows, r) {
			changed = append(changed, r)
		}
	}
	if len(changed) > 0 {
		if err := n.disk.appendRows(changed); err != nil {
			n.stats.exceptions++
			n.stats.lastError = err.Error()
		}
	}
}

// fetch carries out a bootstrap's or a replacement's transfers: each source sends its rows, and
// the node spends the time they take at the stream rate before applying them. Sessions with
// different sources run at once, as Cassandra streams from several nodes in parallel.
func (n *Node) fetch(ctx context.Context, transfers []ring.Transfer) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(transfers))
	for _, t := range transfers {
		wg.Go(func() {
			var resp streamRows
			req := streamRequest{PlanID: t.PlanID, Description: t.Description, From: n.HostID(), Keyspace: t.Keyspace, Ranges: t.Ranges}
			if err := n.call(ctx, endpointOf(t.From), "/stream/out", req, &resp); err != nil {
				errs <- &streamFailed{err}
				return
			}
			// The sender's connection breaks when its process goes: the session fails at once
			// (StreamSession.onError), however soon a new process answers at that address.
			alive := func(ctx context.Context) error {
				return n.call(ctx, endpointOf(t.From), "/stream/alive", streamAlive{Generation: resp.Generation}, nil)
			}
			if err := n.pace(ctx, t.PlanID, t.Description, t.From.HostID, true, resp.Rows, resp.BytesPerSecond, alive); err != nil {
				errs <- err
				return
			}
			n.applyRows(resp.Rows)
			n.recordAvailable(t)
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// recordAvailable records a completed session's ranges, as StreamStateStore.handleStreamEvent
// does on STREAM_COMPLETE, so that a bootstrap started again knows them.
func (n *Node) recordAvailable(t ring.Transfer) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.local.Available == nil {
		n.local.Available = map[string][][2]ring.Token{}
	}
	n.local.Available[t.Keyspace] = append(n.local.Available[t.Keyspace], t.Ranges...)
	_ = n.disk.saveLocal(&n.local)
}

// send carries out transfers from this node (a decommission's): the rows of each go to their
// new replica once the time they take has passed.
func (n *Node) send(ctx context.Context, transfers []ring.Transfer) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(transfers))
	for _, t := range transfers {
		wg.Go(func() {
			rows := n.rowsInRanges(t.Keyspace, t.Ranges)
			if err := n.pace(ctx, t.PlanID, t.Description, t.To.HostID, false, rows, n.streamRate.Load(), nil); err != nil {
				errs <- err
				return
			}
			if err := n.call(ctx, endpointOf(t.To), "/stream/in", streamRows{Rows: rows}, nil); err != nil {
				errs <- &streamFailed{err}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// pace spends the time a session's rows take at the sender's stream rate (one not positive is
// unthrottled), showing the session in netstats meanwhile, one file per table. alive, when set,
// checks every second that the other end's process still holds the session.
func (n *Node) pace(ctx context.Context, planID, description, peer string, receiving bool, rows []rowRecord, rate int64,
	alive func(context.Context) error) error {
	s := &stream{planID: planID, description: description, peer: peer, receiving: receiving}
	byTable := map[string]int64{}
	var total int64
	for _, r := range rows {
		byTable[r.Table] += r.Cell.Size
		total += r.Cell.Size
	}
	for table, bytes := range byTable {
		ks, tb, _ := strings.Cut(table, ".")
		s.files = append(s.files, ring.StreamFile{Keyspace: ks, Table: tb, Bytes: bytes})
	}
	slices.SortFunc(s.files, func(a, b ring.StreamFile) int { return cmp.Compare(a.Keyspace+"."+a.Table, b.Keyspace+"."+b.Table) })
	n.mu.Lock()
	n.streams = append(n.streams, s)
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		n.streams = slices.DeleteFunc(n.streams, func(x *stream) bool { return x == s })
		n.mu.Unlock()
	}()
	if rate <= 0 {
		return nil
	}
	start, checked := time.Now(), time.Now()
	tick := min(n.opts.Timing.Gossip, 100*time.Millisecond)
	for {
		sent := int64(time.Since(start).Seconds() * float64(rate))
		s.mu.Lock()
		left := sent
		for i := range s.files {
			s.files[i].Done = min(left, s.files[i].Bytes)
			left -= s.files[i].Done
		}
		s.mu.Unlock()
		if sent >= total {
			return nil
		}
		// A session breaks when its peer goes: its connection drops, and Cassandra fails the
		// session (StreamSession.onError) rather than wait.
		n.mu.Lock()
		peerUp := n.upLocked(peer)
		n.mu.Unlock()
		if !peerUp {
			return &streamFailed{fmt.Errorf("session with %s failed: the peer is down", peer)}
		}
		if alive != nil && time.Since(checked) >= time.Second {
			checked = time.Now()
			if err := alive(ctx); err != nil {
				return &streamFailed{fmt.Errorf("session with %s failed: %w", peer, err)}
			}
		}
		if err := sleep(ctx, tick); err != nil {
			return err
		}
	}
}

// streamFailed is a session that broke: Cassandra's StreamException, "Stream failed".
type streamFailed struct{ cause error }

func (e *streamFailed) Error() string { return "Stream failed: " + e.cause.Error() }
func (e *streamFailed) Unwrap() error { return e.cause }

func endpointOf(node *ring.Node) string {
	return net.JoinHostPort(node.Address, strconv.Itoa(node.StoragePort))
}
