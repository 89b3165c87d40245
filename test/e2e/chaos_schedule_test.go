//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/apache/cassandra-gocql-driver/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	cassres "github.com/navigator-dbaas/navigator/internal/cassandra/resources"
	searchres "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// The schedule's settings, from the environment (make chaos sets them):
//
//	E2E_CHAOS_DURATION  how long to run the schedule (a Go duration); unset: a short
//	                    fixed-seed run of chaosCISteps steps (make chaos CHAOS_DURATION=).
//	E2E_CHAOS_SEED      the seed; unset: 1 for the short run, the clock for a timed one. A
//	                    failure names its seed, and the same seed runs the same schedule.
//
// A timed run runs alone once make chaos's other tests are done, so its schedule also stops the
// API server and takes cluster DNS down; the short run is part of make test's end-to-end tier,
// beside the other tests, and leaves those two faults to make chaos.
const chaosCISteps = 3

// chaosConfig is one run's schedule settings.
type chaosConfig struct {
	seed     uint64
	duration time.Duration // zero: chaosCISteps steps
	alone    bool          // the schedule may stop cluster-wide services
}

func chaosConfigFromEnv(t *testing.T) chaosConfig {
	t.Helper()
	c := chaosConfig{seed: 1}
	if v := os.Getenv("E2E_CHAOS_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > 2*time.Hour {
			t.Fatalf("E2E_CHAOS_DURATION=%q: want a Go duration such as 10m, at most 2h (make chaos gives the test 3h)", v)
		}
		c.duration, c.alone, c.seed = d, true, uint64(time.Now().UnixNano())
	}
	if v := os.Getenv("E2E_CHAOS_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("E2E_CHAOS_SEED=%q: want an unsigned integer", v)
		}
		c.seed = seed
	}
	return c
}

// more says whether the schedule takes another step.
func (c chaosConfig) more(step int, start time.Time) bool {
	if c.duration == 0 {
		return step < chaosCISteps
	}
	return time.Since(start) < c.duration
}

// TestChaosSchedule runs a seeded random schedule of operations on a Cassandra ring and an
// Elasticsearch cluster, under client traffic, with a fault injected in the middle of each: the
// node the operation works on killed, or its pilot killed in its pod, at the moment the
// operation reaches it; in a timed run also the API server stopped or cluster DNS down. After
// each step the cluster must be Ready, Cassandra must have served every QUORUM request,
// Elasticsearch must never have been red, and every row and document must read back. Faults
// take down only the node the operation has taken down already, so that nothing beyond what
// one node's loss permits may fail.
func TestChaosSchedule(t *testing.T) {
	cfg := chaosConfigFromEnv(t)
	if !cfg.alone {
		t.Parallel()
	}
	faults := &faultLog{start: time.Now()}
	t.Logf("chaos schedule: seed %d (E2E_CHAOS_SEED=%d runs it again)", cfg.seed, cfg.seed)
	t.Cleanup(func() { t.Log(faults.report()) })
	rng := rand.New(rand.NewPCG(cfg.seed, 0))

	targets := []chaosTarget{newChaosRing(t), newChaosSearch(t)}
	start := time.Now()
	for step := 0; cfg.more(step, start); step++ {
		target := targets[rng.IntN(len(targets))]
		op := target.ops()[rng.IntN(len(target.ops()))]
		choices := append(append([]chaosFault(nil), op.faults...), globalFaults(cfg)...)
		fault := choices[rng.IntN(len(choices))]
		t.Logf("step %d (+%s): %s: %s, fault: %s", step+1, time.Since(start).Round(time.Second), target.name(), op.name, fault.name)
		target.step(t, op, fault, faults)
	}
}

// chaosTarget is one cluster of the schedule.
type chaosTarget interface {
	name() string
	// ops are the operations its present size allows.
	ops() []chaosOp
	// step runs op with fault, then checks the cluster and its data.
	step(t *testing.T, op chaosOp, fault chaosFault, faults *faultLog)
}

// chaosOp is an operation: start changes the spec, nodes is the node count it leads to, faults
// the faults that fit it.
type chaosOp struct {
	name   string
	start  func(t *testing.T)
	nodes  int
	faults []chaosFault
}

// chaosFault waits for its moment in the operation and injects itself.
type chaosFault struct {
	name   string
	inject func(t *testing.T, ns string) fault
}

// Faults on the node an operation works on.
var (
	killLeaving = func(leaving string) chaosFault {
		return chaosFault{"its leaving node killed once asked to leave", func(t *testing.T, ns string) fault {
			return killWhenAsked(t, ns, leaving, navv1alpha1.ActionLeave, leaving)
		}}
	}
	killLeavingPilot = func(leaving string) chaosFault {
		return chaosFault{"its leaving node's pilot killed once asked to leave", func(t *testing.T, ns string) fault {
			return killPilotWhenAsked(t, ns, leaving, navv1alpha1.ActionLeave)
		}}
	}
	killRestartingPilot = chaosFault{"the pilot of the first node asked to prepare its restart killed", func(t *testing.T, ns string) fault {
		return killPilotWhenAsked(t, ns, waitAnyAsked(t, ns, navv1alpha1.ActionPrepareRestart), navv1alpha1.ActionPrepareRestart)
	}}
	killJoining = func(joining string) chaosFault {
		return chaosFault{"the new node killed as soon as it runs", func(t *testing.T, ns string) fault {
			waitPodRunning(t, ns, joining)
			recreatePod(t, ns, joining, client.GracePeriodSeconds(0))
			return fault{pod: joining, action: "joining, just started"}
		}}
	}
)

// restartOp is a rolling restart of cluster, asked through its restart annotation, with the
// faults that fit it; count numbers the cluster's restarts, so that each asks anew.
func restartOp(cluster client.Object, annotation string, nodes int, count *int) chaosOp {
	before := map[string]types.UID{}
	return chaosOp{name: "rolling restart", nodes: nodes, start: func(t *testing.T) {
		maps.Copy(before, podUIDs(t, cluster.GetNamespace(), cluster.GetName()))
		*count++
		updateObject(t, cluster, func(o client.Object) {
			ann := o.GetAnnotations()
			if ann == nil {
				ann = map[string]string{}
			}
			ann[annotation] = fmt.Sprint("chaos-", *count)
			o.SetAnnotations(ann)
		})
	}, faults: []chaosFault{killRestartingPilot, killRestarted(cluster.GetName(), before)}}
}

// killRestarted kills again the first node a rolling restart recreates; before holds the pods'
// UIDs from before the restart, recorded when the operation starts.
func killRestarted(cluster string, before map[string]types.UID) chaosFault {
	return chaosFault{"the first restarted node killed again as it comes back", func(t *testing.T, ns string) fault {
		return killFirstRecreated(t, ns, cluster, before)
	}}
}

// waitPodRunning waits until pod runs.
func waitPodRunning(t *testing.T, ns, pod string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), 200*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		var p corev1.Pod
		return k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: pod}, &p) == nil && p.Status.Phase == corev1.PodRunning, nil
	})
	if err != nil {
		t.Fatalf("pod %s never ran", pod)
	}
}

// globalFaults are the faults on services every cluster shares, in a run that is alone.
func globalFaults(cfg chaosConfig) []chaosFault {
	script := os.Getenv("E2E_CLUSTER_SCRIPT")
	if !cfg.alone || script == "" {
		return nil
	}
	return []chaosFault{
		{"the API server stopped for a minute", func(t *testing.T, _ string) fault {
			stopAPIServer(t, script, apiServerOutage)
			return fault{pod: "kube-apiserver", action: fmt.Sprintf("stopped for %s", apiServerOutage)}
		}},
		{"cluster DNS down for 30 s", func(t *testing.T, _ string) fault {
			takeDNSDown(t, dnsOutage)
			return fault{pod: "coredns", action: fmt.Sprintf("scaled to none for %s", dnsOutage)}
		}},
	}
}

// chaosRing is the schedule's Cassandra ring: one rack of 3 or 4 nodes, RF 3.
type chaosRing struct {
	cc      *navv1alpha1.CassandraCluster
	session *gocql.Session
	nodes   int
	restart int
}

func newChaosRing(t *testing.T) *chaosRing {
	ns := restrictedNamespace(t, "e2e-chaos-schedule-cass")
	cc := newRing(ns, "cassandra-sim", cassFirstVersion, cassPool("r1", 3))
	return &chaosRing{cc: cc, session: startRing(t, cc, 3), nodes: 3}
}

func (r *chaosRing) name() string { return "Cassandra" }

func (r *chaosRing) ops() []chaosOp {
	restart := restartOp(r.cc, cassres.AnnotationRestart, r.nodes, &r.restart)
	if r.nodes == 3 {
		joining := fmt.Sprintf("%s-r1-3", r.cc.Name)
		return []chaosOp{restart, {name: "scale out 3 to 4", nodes: 4, faults: []chaosFault{killJoining(joining)},
			start: func(t *testing.T) { setCassReplicas(t, r.cc, map[string]int32{"r1": 4}) }}}
	}
	leaving := fmt.Sprintf("%s-r1-3", r.cc.Name)
	return []chaosOp{restart, {name: "scale in 4 to 3", nodes: 3, faults: []chaosFault{killLeaving(leaving), killLeavingPilot(leaving)},
		start: func(t *testing.T) { setCassReplicas(t, r.cc, map[string]int32{"r1": 3}) }}}
}

func (r *chaosRing) step(t *testing.T, op chaosOp, fault chaosFault, faults *faultLog) {
	t.Helper()
	traffic := quorumTraffic(t, r.session)
	op.start(t)
	faults.add(fault.inject(t, r.cc.Namespace))
	waitCassReady(t, r.cc, cassFirstVersion, op.nodes)
	r.nodes = op.nodes
	requireServed(t, traffic, op.name+" with "+fault.name)
	checkRows(t, r.session, cassRows)
}

// chaosSearch is the schedule's Elasticsearch cluster: 3 or 4 master-eligible data nodes.
type chaosSearch struct {
	esc     *navv1alpha1.ElasticsearchCluster
	nodes   int
	restart int
}

func newChaosSearch(t *testing.T) *chaosSearch {
	ns := restrictedNamespace(t, "e2e-chaos-schedule-es")
	esc := startSearch(t, ns, escPool("data", 3, navv1alpha1.ESRoleMaster, navv1alpha1.ESRoleData))
	return &chaosSearch{esc: esc, nodes: 3}
}

func (s *chaosSearch) name() string { return "Elasticsearch" }

func (s *chaosSearch) ops() []chaosOp {
	restart := restartOp(s.esc, searchres.AnnotationRestart, s.nodes, &s.restart)
	last := fmt.Sprintf("%s-data-3", s.esc.Name)
	if s.nodes == 3 {
		return []chaosOp{restart, {name: "scale out 3 to 4", nodes: 4, faults: []chaosFault{killJoining(last)},
			start: func(t *testing.T) { setDataReplicas(t, s.esc, 4) }}}
	}
	return []chaosOp{restart, {name: "scale in 4 to 3", nodes: 3, faults: []chaosFault{killLeaving(last), killLeavingPilot(last)},
		start: func(t *testing.T) { setDataReplicas(t, s.esc, 3) }}}
}

func (s *chaosSearch) step(t *testing.T, op chaosOp, fault chaosFault, faults *faultLog) {
	t.Helper()
	ns := s.esc.Namespace
	watch := watchHealth(t, ns)
	op.start(t)
	faults.add(fault.inject(t, ns))
	waitESCReady(t, s.esc, escFirstVersion)
	if n := poolStatus(t, s.esc, "data").ReadyReplicas; int(n) != op.nodes {
		t.Fatalf("data pool ready replicas %d after %s, want %d", n, op.name, op.nodes)
	}
	s.nodes = op.nodes
	requireNeverRed(t, watch(), op.name+" with "+fault.name)
	readDocs(t, ns)
}
