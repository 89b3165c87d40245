//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
)

// benchReady measures, once per b.N in a fresh namespace, the engine's floor and then the time
// from creating the cluster newCluster returns to its Ready condition, and reports the medians
// and the writes of the last, settled cluster (clusters lists its kind). The clusters of earlier
// rounds are deleted once measured, so that they do not slow the next round down.
func benchReady(b *testing.B, engine, prefix string, nodes int, floor func(*testing.B, string) time.Duration, newCluster func(ns string) client.Object, clusters client.ObjectList) {
	var ready, floors []time.Duration
	var lastNS string
	for i := range b.N {
		ns := restrictedNamespace(b, prefix)
		floors = append(floors, floor(b, ns))
		cluster := newCluster(ns)
		ready = append(ready, toReady(b, cluster))
		lastNS = ns
		if i < b.N-1 {
			if err := k8s.Delete(b.Context(), cluster); err != nil {
				b.Fatal(err)
			}
		}
	}
	report(b, engine, nodes, ready, floors, lastNS, clusters)
}

// toReady creates cluster and returns the time until its Ready condition is True.
func toReady(b *testing.B, cluster client.Object) time.Duration {
	b.Helper()
	start := time.Now()
	if err := k8s.Create(b.Context(), cluster); err != nil {
		b.Fatal(err)
	}
	err := wait.PollUntilContextTimeout(b.Context(), 200*time.Millisecond, 5*time.Minute, true, func(ctx context.Context) (bool, error) {
		got := cluster.DeepCopyObject().(client.Object)
		if k8s.Get(ctx, client.ObjectKeyFromObject(cluster), got) != nil {
			return false, nil
		}
		u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(got)
		if err != nil {
			return false, err
		}
		conditions, _, _ := unstructured.NestedSlice(u, "status", "conditions")
		return slices.ContainsFunc(conditions, func(c any) bool {
			m, _ := c.(map[string]any)
			return m["type"] == navv1alpha1.ConditionReady && m["status"] == string(metav1.ConditionTrue)
		}), nil
	})
	took := time.Since(start)
	podTimeline(b, cluster.GetNamespace(), map[string]string{pilot.LabelCluster: cluster.GetName()}, start)
	if err != nil {
		b.Fatal("the cluster never became Ready")
	}
	return took
}

// report prints the medians of apply→Ready and of the floor, and the writes and memory of the
// settled cluster in ns over a minute, as benchmark metrics and as plain lines.
func report(b *testing.B, engine string, nodes int, ready, floor []time.Duration, ns string, clusters client.ObjectList) {
	r, f := median(ready), median(floor)
	b.ReportMetric(r.Seconds(), "ready-s")
	b.ReportMetric(f.Seconds(), "floor-s")
	b.ReportMetric(r.Seconds()/f.Seconds(), "ready/floor")
	fmt.Fprintf(os.Stdout, "%s %d nodes: apply→Ready median %s, floor median %s, ratio %.2f (runs: ready %v, floor %v)\n",
		engine, nodes, r.Round(100*time.Millisecond), f.Round(100*time.Millisecond), r.Seconds()/f.Seconds(), ready, floor)

	controller, pilots := settledWrites(b, ns, clusters, time.Minute)
	b.ReportMetric(float64(controller), "controller-writes/min")
	b.ReportMetric(float64(pilots), "pilot-writes/min")
	fmt.Fprintf(os.Stdout, "%s: settled %d-node cluster over one minute: controller writes %d, pilot status writes %d (%.2f per pod)\n",
		engine, nodes, controller, pilots, float64(pilots)/float64(nodes))
	reportMemory(b, engine, ns)
}

// settledWrites counts, over window, the writes Navigator makes to a settled cluster (clusters
// lists its kind of cluster resource): watch
// events of the objects it writes (a Pilot event with an unchanged generation is its pilot's
// status write; any other event in the namespace is the controller's), and the pilots' own
// count of status writes from their metrics.
func settledWrites(b *testing.B, ns string, clusters client.ObjectList, window time.Duration) (controller, pilots int) {
	b.Helper()
	// Start counting once the pilots have gone five seconds without a status write: the
	// writes of a cluster that has just become Ready are not those of a settled one.
	before := pilotWrites(b, ns)
	err := wait.PollUntilContextTimeout(b.Context(), 5*time.Second, 2*time.Minute, false, func(context.Context) (bool, error) {
		now := pilotWrites(b, ns)
		settled := now == before
		before = now
		return settled, nil
	})
	if err != nil {
		b.Fatal("the pilots never went five seconds without a status write")
	}
	ctx, cancel := context.WithTimeout(b.Context(), window)
	defer cancel()
	lists := []client.ObjectList{clusters, &appsv1.StatefulSetList{}, &corev1.ServiceList{}, &navv1alpha1.PilotList{}}
	events := make(chan watch.Event, 1024)
	for _, l := range lists {
		w, err := kubeWatch(ctx, ns, l)
		if err != nil {
			b.Fatal(err)
		}
		go func() {
			for e := range w.ResultChan() {
				events <- e
			}
		}()
	}
	generations := map[string]int64{}
	statusWrites := 0
	for {
		select {
		case e := <-events:
			if e.Type != watch.Modified {
				continue
			}
			o, ok := e.Object.(client.Object)
			if !ok {
				continue
			}
			key := fmt.Sprintf("%T/%s", o, o.GetName())
			if _, isPilot := o.(*navv1alpha1.Pilot); isPilot {
				if g, seen := generations[key]; !seen || g == o.GetGeneration() {
					generations[key] = o.GetGeneration()
					statusWrites++
					continue
				}
				generations[key] = o.GetGeneration()
			}
			if _, isSTS := o.(*appsv1.StatefulSet); isSTS {
				// StatefulSet status is the kube-controller-manager's, not Navigator's.
				if g, seen := generations[key]; !seen || g == o.GetGeneration() {
					generations[key] = o.GetGeneration()
					continue
				}
			}
			controller++
		case <-ctx.Done():
			after := pilotWrites(b, ns)
			pilots = after - before
			if pilots != statusWrites {
				fmt.Fprintf(os.Stdout, "note: pilots counted %d status writes, the watch saw %d Pilot updates\n", pilots, statusWrites)
			}
			return controller, pilots
		}
	}
}

func kubeWatch(ctx context.Context, ns string, list client.ObjectList) (watch.Interface, error) {
	w, err := client.NewWithWatch(restConfig, client.Options{Scheme: k8s.Scheme()})
	if err != nil {
		return nil, err
	}
	return w.Watch(ctx, list, client.InNamespace(ns))
}

// pilotWrites sums navigator_pilot_status_writes_total{result="ok"} over the namespace's pilots.
func pilotWrites(b *testing.B, ns string) int {
	b.Helper()
	var pods corev1.PodList
	if err := k8s.List(b.Context(), &pods, client.InNamespace(ns), client.HasLabels{"navigator.dev/cluster"}); err != nil {
		b.Fatal(err)
	}
	total := 0
	for _, p := range pods.Items {
		raw, err := podProxy(ns, p.Name, pilotpod.Port, "GET", "/metrics").DoRaw(b.Context())
		if err != nil {
			b.Fatalf("metrics of %s: %v", p.Name, err)
		}
		sc := bufio.NewScanner(strings.NewReader(string(raw)))
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, `navigator_pilot_status_writes_total{result="ok"}`) {
				v, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
				total += int(v)
			}
		}
	}
	return total
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// podTimeline logs when each pod matching labels in ns was created and became Ready, in
// seconds after start, and the pods' unusual warnings: where a run that stands out from the
// others spent its time (a kubelet that could not mount a claim yet, for one). Times have the
// API's one-second resolution.
func podTimeline(b *testing.B, ns string, labels map[string]string, start time.Time) {
	b.Helper()
	var pods corev1.PodList
	var events corev1.EventList
	if err := k8s.List(b.Context(), &pods, client.InNamespace(ns), client.MatchingLabels(labels)); err != nil {
		b.Logf("timeline: %v", err)
		return
	}
	if err := k8s.List(b.Context(), &events, client.InNamespace(ns)); err != nil {
		b.Logf("timeline: %v", err)
		return
	}
	slices.SortFunc(pods.Items, func(x, y corev1.Pod) int { return strings.Compare(x.Name, y.Name) })
	since := func(t time.Time) string { return fmt.Sprintf("%.1fs", t.Sub(start).Seconds()) }
	var lines []string
	listed := map[string]bool{}
	for _, p := range pods.Items {
		listed[p.Name] = true
		ready := "not ready"
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				ready = "ready " + since(c.LastTransitionTime.Time)
			}
		}
		lines = append(lines, fmt.Sprintf("%s created %s, %s", p.Name, since(p.CreationTimestamp.Time), ready))
	}
	b.Logf("pods of %v: %s", labels, strings.Join(lines, "; "))
	for _, e := range events.Items {
		// Every run has these: a pod waits for its claim to be provisioned, and a database
		// is not ready until it has started.
		if e.Type != corev1.EventTypeWarning || !listed[e.InvolvedObject.Name] || e.Reason == "FailedScheduling" || e.Reason == "Unhealthy" {
			continue
		}
		at := e.LastTimestamp.Time
		if at.IsZero() {
			at = e.EventTime.Time
		}
		b.Logf("  %s %s %s: %s", since(at), e.InvolvedObject.Name, e.Reason, e.Message)
	}
}
