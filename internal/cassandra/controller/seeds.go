package controller

import (
	"context"
	"fmt"
	"slices"

	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	res "github.com/navigator-dbaas/navigator/internal/cassandra/resources"
	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
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

// labelSeeds puts the seed label on candidates once they are up and normal in the ring, or hold
// their data from a join that completed (a recorded member: after a full restart, some seed must
// be reachable before any node can start), and on the founder of a new ring before it starts (it
// has to find itself among the seeds to start alone). Then every started node's Pilot lists the
// seeds (seedHosts).
//
// A node that is not a seed yet never starts as one. Cassandra skips the bootstrap of a seed
// (StorageService.shouldBootstrap) and joins with the tokens it saved when its bootstrap began:
// a node whose bootstrap was cut short holds data, but none for those tokens, and as a seed it
// would own them empty. So holding data is not enough: it must be the data of a member, and not
// of a replacement cut short (a seed would not stream what it replaces either). Only
// when the status records no member at all (a cluster re-created on its kept claims) do the
// candidates that hold data become seeds, as nothing else can bring the ring back. The label is
// on the pod, so a pod recreated without its disk starts unlabelled, joins or replaces, and is
// labelled again.
func (r *Reconciler) labelSeeds(ctx context.Context, s *clusterState) error {
	candidates := seedCandidates(s)
	first := founder(s)
	noMembers := len(s.cc.Status.Nodes) == 0
	for _, n := range s.nodes() {
		if n.Pod == nil || n.Pod.DeletionTimestamp != nil {
			continue
		}
		fresh := n.Pilot != nil && n.State != pilot.NodeUnknown
		holdsMemberData := fresh && n.Pilot.Status.Node.HoldsData && (noMembers || s.member(n.Name) != nil) && !replacing(s, n)
		want := candidates[n] && (n.Ready() || holdsMemberData || (!s.formed() && n == first && fresh))
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
		if err := failpoint.Inject(ctx, failpoint.CassandraSeedLabelled); err != nil {
			return err
		}
	}
	return r.giveSeeds(ctx, s)
}

// seedHosts are the DNS names of the labelled seeds, sorted: each node's seed list.
func seedHosts(s *clusterState) []string {
	var out []string
	for _, n := range s.nodes() {
		if n.Pod != nil && n.Pod.DeletionTimestamp == nil && n.Pod.Labels[res.LabelSeed] == "true" {
			out = append(out, res.NodeHost(s.cc, n.Name))
		}
	}
	slices.Sort(out)
	return out
}

// giveSeeds keeps the seed list of every started node's Pilot current, so that a node restarted
// in its pod (the pilot writes cassandra.yaml before every start) finds the seeds of now. Nodes
// that have not started get theirs when their gate opens.
func (r *Reconciler) giveSeeds(ctx context.Context, s *clusterState) error {
	seeds := seedHosts(s)
	for _, n := range s.nodes() {
		if n.Pilot == nil || !n.Pilot.Spec.Start || len(seeds) == 0 {
			continue
		}
		if err := objects.PatchPilot(ctx, r.Client, n.Pilot, failpoint.CassandraSeedsGiven, func(sp *navv1alpha1.PilotSpec) { setSeeds(sp, seeds) }); err != nil {
			return err
		}
	}
	return nil
}

func setSeeds(sp *navv1alpha1.PilotSpec, seeds []string) {
	if sp.Cassandra == nil {
		sp.Cassandra = &navv1alpha1.CassandraPilotSpec{}
	}
	sp.Cassandra.Seeds = seeds
}
