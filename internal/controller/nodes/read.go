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

// Reader holds one cluster's pods and Pilots, read once per reconcile, and builds the nodes of
// each of its pools from them.
type Reader struct {
	c          client.Client
	namespace  string
	now        time.Time
	staleAfter time.Duration
	pods       map[string]*corev1.Pod
	pilots     map[string]*navv1alpha1.Pilot
}

// Read lists the pods and Pilots of one cluster (by the cluster and engine labels).
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
	r := &Reader{c: c, namespace: namespace, now: now, staleAfter: staleAfter,
		pods: map[string]*corev1.Pod{}, pilots: map[string]*navv1alpha1.Pilot{}}
	for i := range pods.Items {
		r.pods[pods.Items[i].Name] = &pods.Items[i]
	}
	for i := range pilots.Items {
		r.pilots[pilots.Items[i].Name] = &pilots.Items[i]
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

// Departing names the pods of a StatefulSet beyond its replicas: nodes a scale in has removed
// whose pods have not stopped yet (a graceful stop drains or flushes first). Until they have,
// the pool does not match its spec, and the cluster must not look settled.
func (r *Reader) Departing(sts *appsv1.StatefulSet) []string {
	if sts == nil {
		return nil
	}
	var out []string
	for name, pod := range r.pods {
		if !metav1.IsControlledBy(pod, sts) {
			continue
		}
		o, err := strconv.Atoi(name[strings.LastIndex(name, "-")+1:])
		if err == nil && int32(o) >= ptrOr(sts.Spec.Replicas, 0) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func ptrOr(p *int32, def int32) int32 {
	if p == nil {
		return def
	}
	return *p
}
