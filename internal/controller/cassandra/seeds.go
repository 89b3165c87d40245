package cassandra

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	res "github.com/navigator-dbaas/navigator/internal/resources/cassandra"
)

// maxSeedsPerDatacenter follows the usual advice: a few seeds per datacenter, never every node
// (a seed does not bootstrap, and gossip converges through the seeds).
const maxSeedsPerDatacenter = 3

// seedCandidates are the nodes that should be seeds: the first node of each pool (so of each
// rack), in the spec's order, up to maxSeedsPerDatacenter per datacenter.
func seedCandidates(s *clusterState) map[*node]bool {
	out := map[*node]bool{}
	perDC := map[string]int{}
	for _, p := range s.pools {
		if len(p.nodes) == 0 || perDC[p.datacenter()] >= maxSeedsPerDatacenter {
			continue
		}
		perDC[p.datacenter()]++
		out[p.nodes[0]] = true
	}
	return out
}

// founder is the node that starts a brand-new ring: the first node of the first pool.
func founder(s *clusterState) *node {
	for _, p := range s.pools {
		if len(p.nodes) > 0 {
			return p.nodes[0]
		}
	}
	return nil
}

// labelSeeds puts the seed label on candidates once they are up and normal in the ring or hold
// their data from an earlier run (after a full restart, some seed must be reachable before any
// node can start), and on the founder of a new ring before it starts (it has to find itself
// among the seeds to start alone). A node that is not a seed yet never bootstraps as one: Cassandra skips the bootstrap
// of a seed, which would leave a new or replaced node without its data. The label is on the pod,
// so a pod recreated without its disk starts unlabelled, joins or replaces, and is labelled again.
func (r *Reconciler) labelSeeds(ctx context.Context, s *clusterState) error {
	candidates := seedCandidates(s)
	first := founder(s)
	for _, n := range s.nodes() {
		if n.Pod == nil || n.Pod.DeletionTimestamp != nil {
			continue
		}
		fresh := n.Pilot != nil && n.State != pilot.NodeUnknown
		want := candidates[n] && (n.Ready() || (fresh && n.Pilot.Status.Node.HoldsData) || (!s.formed() && n == first && fresh))
		has := n.Pod.Labels[res.LabelSeed] == "true"
		if want == has || (has && candidates[n]) {
			// A seed that is restarting stays a seed: it still holds its data.
			continue
		}
		before := n.Pod.DeepCopy()
		if want {
			n.Pod.Labels[res.LabelSeed] = "true"
		} else {
			delete(n.Pod.Labels, res.LabelSeed)
		}
		if err := r.Client.Patch(ctx, n.Pod, client.MergeFrom(before), client.FieldOwner(pilot.FieldOwner)); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("labelling the seed %s: %w", n.Name, err)
		}
	}
	return nil
}
