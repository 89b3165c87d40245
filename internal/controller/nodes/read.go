package nodes

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// Reader holds one cluster's pods, Pilots and data claims, read once per reconcile, and builds
// the nodes of each of its pools from them.
type Reader struct {
	c          client.Client
	namespace  string
	now        time.Time
	staleAfter time.Duration
	pods       map[string]*corev1.Pod
	pilots     map[string]*navv1alpha1.Pilot
	// claims holds only the claims' metadata (owners, deletion): all a departure needs.
	claims map[string]*metav1.PartialObjectMetadata
}

// Read lists the pods, Pilots and data claims of one cluster (by the cluster and engine
// labels, which the claims take from the StatefulSets' claim templates).
func Read(ctx context.Context, c client.Client, namespace, cluster string, engine navv1alpha1.Engine, now time.Time, staleAfter time.Duration) (*Reader, error) {
	sel := client.MatchingLabels{pilot.LabelCluster: cluster, pilot.LabelEngine: string(engine)}
	var pods corev1.PodList
	if err := c.List(ctx, &pods, client.InNamespace(namespace), sel); err != nil {
		return nil, fmt.Errorf("listing pods: %w", err)
	}
	var pilots navv1alpha1.PilotList
	if err := c.List(ctx, &pilots, client.InNamespace(namespace), sel); err != nil {
		return nil, fmt.Errorf("listing Pilots: %w", err)
	}
	var claims metav1.PartialObjectMetadataList
	claims.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("PersistentVolumeClaimList"))
	if err := c.List(ctx, &claims, client.InNamespace(namespace), sel); err != nil {
		return nil, fmt.Errorf("listing data claims: %w", err)
	}
	r := &Reader{c: c, namespace: namespace, now: now, staleAfter: staleAfter,
		pods: map[string]*corev1.Pod{}, pilots: map[string]*navv1alpha1.Pilot{}, claims: map[string]*metav1.PartialObjectMetadata{}}
	for i := range pods.Items {
		r.pods[pods.Items[i].Name] = &pods.Items[i]
	}
	for i := range pilots.Items {
		r.pilots[pilots.Items[i].Name] = &pilots.Items[i]
	}
	for i := range claims.Items {
		r.claims[claims.Items[i].Name] = &claims.Items[i]
	}
	return r, nil
}

// Pool reads a pool's StatefulSet (nil before it is created) and builds the node of every
// ordinal it currently runs.
func (r *Reader) Pool(ctx context.Context, statefulSet string) (*appsv1.StatefulSet, []*Node, error) {
	var sts appsv1.StatefulSet
	err := r.c.Get(ctx, client.ObjectKey{Namespace: r.namespace, Name: statefulSet}, &sts)
	if client.IgnoreNotFound(err) != nil {
		return nil, nil, fmt.Errorf("reading StatefulSet %s: %w", statefulSet, err)
	}
	if err != nil {
		return nil, nil, nil
	}
	var out []*Node
	for o := range ptrOr(sts.Spec.Replicas, 0) {
		name := fmt.Sprintf("%s-%d", statefulSet, o)
		out = append(out, New(name, o, r.pods[name], r.pilots[name], &sts, r.now, r.staleAfter))
	}
	return &sts, out, nil
}

// Departure is a node a scale in removed from its StatefulSet that has not finished leaving.
type Departure struct {
	Node string
	// Waiting says what is left to go: the node's pod, or its data claim.
	Waiting string
}

// Departing lists the nodes beyond a StatefulSet's replicas that a scale in removed and that
// have not finished leaving: their pod has not stopped yet (a graceful stop drains or flushes
// first), or, under whenScaled: Delete, the garbage collector has not yet deleted their data
// claim. Until they have left, the pool does not match its spec, the cluster must not look
// settled, and the StatefulSet must not grow back over them: the StatefulSet controller skips
// the ordinal of a claim still owned by the pod it removed ("stale", PodClaimIsStale in
// pkg/controller/statefulset) and, watching no claims, is not woken when it goes, so a pool
// grown back at that moment would wait for its missing pod until the next full resync, hours
// later (seen on Kubernetes 1.36).
func (r *Reader) Departing(sts *appsv1.StatefulSet) []Departure {
	if sts == nil {
		return nil
	}
	replicas := ptrOr(sts.Spec.Replicas, 0)
	beyond := func(node, prefix string) bool {
		o, err := strconv.Atoi(strings.TrimPrefix(node, prefix))
		return strings.HasPrefix(node, prefix) && err == nil && o >= 0 && int32(o) >= replicas
	}
	seen := map[string]bool{}
	var out []Departure
	for name, pod := range r.pods {
		if metav1.IsControlledBy(pod, sts) && beyond(name, sts.Name+"-") {
			seen[name] = true
			out = append(out, Departure{Node: name, Waiting: "its pod to stop"})
		}
	}
	for _, t := range sts.Spec.VolumeClaimTemplates {
		for name, claim := range r.claims {
			node := strings.TrimPrefix(name, t.Name+"-")
			if !strings.HasPrefix(name, t.Name+"-") || !beyond(node, sts.Name+"-") || seen[node] || !condemned(claim) {
				continue
			}
			seen[node] = true
			out = append(out, Departure{Node: node, Waiting: "the garbage collector to delete its claim " + name})
		}
	}
	slices.SortFunc(out, func(a, b Departure) int { return strings.Compare(a.Node, b.Node) })
	return out
}

// condemned reports whether a claim is on its way out: being deleted, or owned by a pod, which
// the StatefulSet controller makes its owner under whenScaled: Delete just before deleting it.
func condemned(claim *metav1.PartialObjectMetadata) bool {
	return claim.DeletionTimestamp != nil || slices.ContainsFunc(claim.OwnerReferences, func(o metav1.OwnerReference) bool {
		return o.Kind == "Pod" && o.APIVersion == "v1"
	})
}

func ptrOr(p *int32, def int32) int32 {
	if p == nil {
		return def
	}
	return *p
}
