package pilot

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
	"k8s.io/apimachinery/pkg/api/resource"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// Observe reports the node's facts: the release, the host id, and from nodetool status its
// datacenter, rack, state, load, tokens and the nodes it sees down; through the Jolokia agent,
// its gossip generation and the peers it sees up with theirs; the free space of the data
// directory's file system; and the highest replication factors the keyspaces ask for in its
// datacenter and in the whole cluster. Facts it could not read keep their last reported value, and the errors are
// returned for the agent to log. A decommissioned node is no longer in the ring: its state is
// empty, and nothing else is asked of it.
func (e *Engine) Observe(ctx context.Context, status *navv1alpha1.PilotStatus) error {
	cs := status.Cassandra.DeepCopy()
	if cs == nil {
		cs = &navv1alpha1.CassandraPilotStatus{}
	}
	defer func() {
		status.Cassandra = cs
		e.gauges.set(cs)
	}()
	var errs []error
	if free, err := freeSpace(e.DataDir); err != nil {
		errs = append(errs, fmt.Errorf("reading the free space of %s: %w", e.DataDir, err))
	} else {
		cs.FreeSpace = resource.NewQuantity(free, resource.BinarySI)
	}
	if v, err := e.knownVersion(ctx); err != nil {
		errs = append(errs, err)
	} else {
		status.Version = v
	}
	e.mu.Lock()
	address, decommissioned := e.address, e.decommissioned
	e.mu.Unlock()
	if decommissioned {
		cs.State = ""
		return errors.Join(errs...)
	}
	if r, err := e.ring(ctx, freshStatus); err != nil {
		errs = append(errs, err)
	} else {
		st := r.status
		cs.Mode = e.modeOf(r.mode)
		cs.DownNodes = downNodes(st)
		cs.Generation, cs.LiveNodes = 0, nil
		e.setPeersMoving(peersMoving(st, r.gossip, address))
		if dc, n, ok := self(st, address); !ok {
			cs.State = "" // not a member of the ring (yet, or any more)
		} else {
			if r.gossip != nil {
				cs.Generation, cs.LiveNodes = r.gossip[n.Address].Generation, liveNodes(st, r.gossip, address)
			}
			status.Node.ID = n.HostID
			cs.Datacenter, cs.Rack, cs.State, cs.Tokens = dc, n.Rack, n.Code(), int32(n.Tokens)
			if n.LoadKnown {
				cs.Load = resource.NewQuantity(n.Load, resource.BinarySI)
			}
		}
	}
	if cs.Datacenter != "" {
		if ks, err := e.keyspaces(ctx); err != nil {
			errs = append(errs, err)
		} else {
			r := replicationOf(ks, cs.Datacenter)
			cs.ReplicationFactor, cs.ReplicationKeyspace = r.datacenter, r.datacenterKS
			cs.ClusterReplicationFactor, cs.ClusterReplicationKeyspace = r.cluster, r.clusterKS
		}
	}
	return errors.Join(errs...)
}

// freeSpace is what an unprivileged process may still write on the file system of dir, rounded
// down to a thousandth of the file system's size (at least 1MiB): every write to the volume
// changes the exact figure, and the status is written whenever a fact changes. Rounding down
// never reports room that is not there.
func freeSpace(dir string) (int64, error) {
	var fs unix.Statfs_t
	if err := unix.Statfs(dir, &fs); err != nil {
		return 0, err
	}
	bsize := uint64(fs.Bsize) // int64 or uint32 depending on the platform
	size, free := int64(fs.Blocks*bsize), int64(fs.Bavail*bsize)
	unit := max(size/1000, 1<<20)
	return free - free%unit, nil
}

// PeersMoving reports whether, at the last observation, the node saw another member not up and
// normal, or not held up by its failure detector (engine.PeerWatcher).
func (e *Engine) PeersMoving() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.peersMoving
}

func (e *Engine) setPeersMoving(moving bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.peersMoving = moving
}
