//go:build e2e && failpoints

package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	cassctl "github.com/navigator-dbaas/navigator/internal/cassandra/controller"
	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
	cassres "github.com/navigator-dbaas/navigator/internal/cassandra/resources"
	"github.com/navigator-dbaas/navigator/internal/controller/manager"
	esctl "github.com/navigator-dbaas/navigator/internal/elasticsearch/controller"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
	osctl "github.com/navigator-dbaas/navigator/internal/opensearch/controller"
	searchres "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// The failpoints each scenario of the sweep must reach: every one of the controller's.
var (
	cassandraSweep = []failpoint.Name{
		failpoint.CassandraStatefulSetWritten, failpoint.CassandraSeedLabelled, failpoint.CassandraSeedsGiven,
		failpoint.CassandraGateOpened, failpoint.CassandraGrown, failpoint.CassandraCleanupAsked,
		failpoint.CassandraCleanupCleared, failpoint.CassandraLeaveAsked, failpoint.CassandraLeaveWithdrawn,
		failpoint.CassandraClaimMarked, failpoint.CassandraShrunk, failpoint.CassandraRestartPrepared,
		failpoint.CassandraPodDeleted, failpoint.CassandraFailedJoinerDeleted,
	}
	elasticsearchSweep = []failpoint.Name{
		failpoint.ElasticsearchStatefulSetWritten, failpoint.ElasticsearchUUIDRecorded, failpoint.ElasticsearchGateOpened,
		failpoint.ElasticsearchGrown, failpoint.ElasticsearchLeaveAsked, failpoint.ElasticsearchLeaveWithdrawn,
		failpoint.ElasticsearchShrunk, failpoint.ElasticsearchRestartPrepared, failpoint.ElasticsearchPodDeleted,
	}
	openSearchSweep = []failpoint.Name{
		failpoint.OpenSearchStatefulSetWritten, failpoint.OpenSearchUUIDRecorded, failpoint.OpenSearchGateOpened,
		failpoint.OpenSearchGrown, failpoint.OpenSearchLeaveAsked, failpoint.OpenSearchLeaveWithdrawn,
		failpoint.OpenSearchShrunk, failpoint.OpenSearchRestartPrepared, failpoint.OpenSearchPodDeleted,
	}
)

// TestFailpointSweep crashes the controller once at every failpoint an operation reaches, while
// a Cassandra ring, an Elasticsearch cluster and an OpenSearch cluster go through bootstrap, scale out, scale in and a
// rolling restart under client traffic, and checks that each operation completes, the cluster
// ends Ready, and every row and document written before and during it reads back.
//
// The controller runs in this process (the chart's Deployment leaves the sweep's namespaces
// alone, see install), so that a crash costs a restart of a second, not of a pod in
// CrashLoopBackOff: the failpoint blocks the step that reached it and stops the manager, which
// loses everything it held in memory, and a new manager starts from what the API server holds,
// as a restarted process would. Every failpoint is armed at once and fires once, the first time
// a step reaches it; see docs/design/0007-failpoints.md.
//
// Each engine's cluster has a namespace and a controller of its own. With one controller for
// both, a crash for one engine's failpoint cut the other engine's write in flight: the write
// could land on the API server while its caller saw only the cancelled request, so the next
// controller found the step done and the failpoint after it was never reached (a CI run lost
// elasticsearch/scale-out/grown to a Cassandra crash). One cluster per controller reconciles
// one step at a time, so every crash happens exactly at its failpoint.
func TestFailpointSweep(t *testing.T) {
	t.Parallel()
	sw := startSweep(t)
	t.Run("cassandra", func(t *testing.T) {
		t.Parallel()
		sweepCassandra(t, sw.namespace(t, engineCassandra))
		sw.expect(t, cassandraSweep)
	})
	t.Run("elasticsearch", func(t *testing.T) {
		t.Parallel()
		sweepElasticsearch(t, sw.namespace(t, engineElasticsearch))
		sw.expect(t, elasticsearchSweep)
	})
	t.Run("opensearch", func(t *testing.T) {
		t.Parallel()
		sweepOpenSearch(t, sw.namespace(t, engineOpenSearch))
		sw.expect(t, openSearchSweep)
	})
}

// sweepCassandra: three nodes in two racks bootstrap, a fourth joins (and the others clean
// up), is asked to leave while its pilot is stopped and wanted again before it could begin, then
// leaves, and every node restarts; QUORUM traffic runs from the first write to there. Last, a
// new rack's node bootstraps from a source that dies mid-stream, and bootstraps again. Two racks
// make two seeds, so that a seed's restart changes the others' seed list.
func sweepCassandra(t *testing.T, ns string) {
	r1, r2 := cassPool("r1", 2), cassPool("r2", 1)
	// The bootstrap that fails must still stream when its source dies: the sources send at
	// Cassandra 4.0's lowest cap, 1 megabit per second.
	for _, p := range []*navv1alpha1.CassandraNodePool{&r1, &r2} {
		p.Config = map[string]string{"stream_throughput_outbound_megabits_per_sec": "1"}
	}
	cc := newRing(ns, "cassandra-sim", cassFirstVersion, r1, r2)
	session := startRing(t, cc, 3)
	traffic := quorumTraffic(t, session)

	setCassReplicas(t, cc, map[string]int32{"r1": 3})
	waitCassReady(t, cc, cassFirstVersion, 4)
	checkRows(t, session, cassRows)
	withdrawUnbegunLeave(t, cc, ns, cassres.StatefulSetName(cc.Name, "r1")+"-2")
	checkRows(t, session, cassRows)
	setCassReplicas(t, cc, map[string]int32{"r1": 2})
	waitCassCondition(t, cc, "a scale-in operation", func(c *navv1alpha1.CassandraCluster) bool {
		return hasOperation(c, navv1alpha1.OperationScaleIn, "")
	})
	waitCassReady(t, cc, cassFirstVersion, 3)
	waitRing(t, ns, "ring-r1-0", 3)
	checkRows(t, session, cassRows)
	before := podUIDs(t, ns, cc.Name)
	updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) {
		metav1.SetMetaDataAnnotation(&c.ObjectMeta, cassres.AnnotationRestart, "sweep-1")
	})
	waitAllRecreated(t, ns, cc.Name, before)
	waitCassReady(t, cc, cassFirstVersion, 3)

	requireServed(t, traffic, "through the sweep")
	checkRows(t, session, cassRows)
	bootstrapAfterASourceDied(t, cc, ns, session)
}

// withdrawUnbegunLeave stops pod's pilot, shrinks its pool past it, and once the controller has
// asked the stopped pilot to leave, wants the node again: a decommission not begun is withdrawn
// (cassandra/scale-in/leave-withdrawn), and the ring is Ready with four nodes once the pilot
// continues.
func withdrawUnbegunLeave(t *testing.T, cc *navv1alpha1.CassandraCluster, ns, pod string) {
	t.Helper()
	resume := stopPilot(t, ns, pod)
	setCassReplicas(t, cc, map[string]int32{"r1": 2})
	waitPilot(t, ns, pod, "asked to leave", func(p *navv1alpha1.Pilot) bool { return p.Spec.Action == navv1alpha1.ActionLeave })
	setCassReplicas(t, cc, map[string]int32{"r1": 3})
	waitPilot(t, ns, pod, "its leave withdrawn", func(p *navv1alpha1.Pilot) bool { return p.Spec.Action != navv1alpha1.ActionLeave })
	resume()
	waitCassReady(t, cc, cassFirstVersion, 4)
	waitRing(t, ns, "ring-r1-0", 4)
}

// bootstrapAfterASourceDied adds a rack, r3, whose one node takes a replica of every range from
// the nodes of r1, and kills the node it receives from while the session runs. The joiner's
// bootstrap fails (4.0 stays JOINING; its log says so), the controller deletes its pod
// (cassandra/joins/failed-joiner-deleted), and the new pod bootstraps afresh: every row reads
// back at QUORUM, and at ONE through the joiner, a replica of everything with three racks.
func bootstrapAfterASourceDied(t *testing.T, cc *navv1alpha1.CassandraCluster, ns string, session *gocql.Session) {
	t.Helper()
	// About 2.4 MB to stream: seconds at the sources' cap.
	writeBulk(t, session, 300, 8<<10)
	r3 := cassPool("r3", 1)
	r3.Config = map[string]string{"stream_throughput_outbound_megabits_per_sec": "1"}
	updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) { c.Spec.NodePools = append(c.Spec.NodePools, r3) })
	joiner := cassres.StatefulSetName(cc.Name, "r3") + "-0"
	source := streamingFrom(t, ns, joiner, 512<<10)
	t.Logf("%s streams from %s: killing it", joiner, source)
	killNode(t, ns, source)
	waitCassReady(t, cc, cassFirstVersion, 4)
	waitRing(t, ns, "ring-r1-0", 4)
	checkRows(t, session, cassRows)
	checkBulk(t, session, 300, 8<<10)
	checkRowsAt(t, nodeSession(t, ns, joiner), cassRows, gocql.One)
}

// streamingFrom waits until pod's nodetool netstats shows it receiving, from one peer, at least
// left bytes still to come, and names that peer's pod.
func streamingFrom(t *testing.T, ns, pod string, left int64) string {
	t.Helper()
	var peer string
	err := wait.PollUntilContextTimeout(t.Context(), 500*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		out, _, err := podExec(ctx, ns, pod, "cassandra", "/opt/cassandra/bin/nodetool", "netstats")
		if err != nil {
			return false, nil // not started yet, or not answering yet
		}
		st, err := nodetool.ParseNetstats(out)
		if err != nil || len(st.Streams) == 0 {
			return false, nil
		}
		for _, s := range st.Streams[0].Sessions {
			if r := s.Receiving; r != nil && r.Bytes-r.BytesDone >= left {
				peer = s.Peer
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("%s never received %d bytes or more in one session: %v", pod, left, err)
	}
	var pods corev1.PodList
	if err := k8s.List(t.Context(), &pods, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.Status.PodIP == peer {
			return p.Name
		}
	}
	t.Fatalf("no pod of %s has the address %s that %s streams from", ns, peer, pod)
	return ""
}

// sweepElasticsearch: three master-eligible data nodes form a cluster, a fourth joins, is asked
// to leave while an index pinned to it keeps it from finishing, is wanted again (its leave
// withdrawn), then leaves for good (with its voting exclusion), and every node restarts;
// health is never red.
func sweepElasticsearch(t *testing.T, ns string) {
	esc := startSearch(t, ns, escPool("data", 3, navv1alpha1.ESRoleMaster, navv1alpha1.ESRoleData))
	watch := watchHealth(t, ns)

	setDataReplicas(t, esc, 4)
	waitESCReady(t, esc, escFirstVersion)
	readDocs(t, ns)
	withdrawStalledLeave(t, esc, ns)
	setDataReplicas(t, esc, 3)
	waitESCReady(t, esc, escFirstVersion)
	if n := poolStatus(t, esc, "data").ReadyReplicas; n != 3 {
		t.Fatalf("data pool ready replicas %d after the scale in, want 3", n)
	}
	readDocs(t, ns)
	restartESC(t, esc, "sweep-1", escFirstVersion)
	requireNeverRed(t, watch(), "through the sweep")
	readDocs(t, ns)
}

// sweepOpenSearch is sweepElasticsearch for OpenSearch, whose controller is the same reconciler
// in OpenSearch's words and whose pilot drains by allocation exclusion: three
// cluster-manager-eligible data nodes form a cluster, a fourth joins, is asked to leave while an
// index pinned to it keeps it from finishing, is wanted again, then leaves for good, and every
// node restarts; health is never red.
func sweepOpenSearch(t *testing.T, ns string) {
	osc := newOSC(ns, oscPool("data", 3, navv1alpha1.OSRoleClusterManager, navv1alpha1.OSRoleData))
	if err := k8s.Create(t.Context(), osc); err != nil {
		t.Fatal(err)
	}
	waitOSCReady(t, osc, oscFirstVersion)
	writeDocs(t, ns)
	watch := watchHealth(t, ns)

	setOSCReplicas(t, osc, "data", 4)
	waitOSCReady(t, osc, oscFirstVersion)
	readDocs(t, ns)
	fourth := searchres.StatefulSetName(osc.Name, "data") + "-3"
	pinTo(t, ns, fourth)
	setOSCReplicas(t, osc, "data", 3)
	waitOSCCondition(t, osc, "the scale in blocked by the pinned index", func(c *navv1alpha1.OpenSearchCluster) bool {
		for _, o := range c.Status.Operations {
			if o.Type == navv1alpha1.OperationScaleIn && o.Phase == navv1alpha1.OperationBlocked {
				return true
			}
		}
		return false
	})
	setOSCReplicas(t, osc, "data", 4)
	waitOSCReady(t, osc, oscFirstVersion)
	var now navv1alpha1.OpenSearchCluster
	if err := k8s.Get(t.Context(), client.ObjectKeyFromObject(osc), &now); err != nil {
		t.Fatal(err)
	}
	if n := oscPoolStatus(&now, "data").ReadyReplicas; n != 4 {
		t.Fatalf("data pool ready replicas %d once the leave was withdrawn, want 4", n)
	}
	dropPinned(t, ns)
	setOSCReplicas(t, osc, "data", 3)
	waitOSCReady(t, osc, oscFirstVersion)
	readDocs(t, ns)
	restartOSC(t, osc, "sweep-1", oscFirstVersion)
	requireNeverRed(t, watch(), "through the sweep")
	readDocs(t, ns)
}

// pinTo creates the index "pinned", without replicas, kept on node by its own require filter,
// with one document: a leave of that node cannot finish while it is there.
func pinTo(t *testing.T, ns, node string) {
	t.Helper()
	escRequest(t, ns, "PUT", "/pinned", `{"settings":{"number_of_shards":1,"number_of_replicas":0,"index.routing.allocation.require._name":"`+node+`"}}`, nil)
	escRequest(t, ns, "PUT", "/pinned/_doc/1?refresh=true", `{"n":1}`, nil)
}

// withdrawStalledLeave asks the fourth node to leave while an index without replicas is pinned
// to it by its own require filter, so that the leave cannot finish, then wants the node again:
// the controller withdraws the leave (elasticsearch/scale-in/leave-withdrawn), the cluster is
// Ready with four nodes, and the pinned document reads back.
func withdrawStalledLeave(t *testing.T, esc *navv1alpha1.ElasticsearchCluster, ns string) {
	t.Helper()
	pinTo(t, ns, searchres.StatefulSetName(esc.Name, "data")+"-3")
	setDataReplicas(t, esc, 3)
	waitESCCondition(t, esc, "the scale in blocked by the pinned index", func(e *navv1alpha1.ElasticsearchCluster) bool {
		for _, o := range e.Status.Operations {
			if o.Type == navv1alpha1.OperationScaleIn && o.Phase == navv1alpha1.OperationBlocked && o.BlockedBy == "ShardsCanMove" {
				return true
			}
		}
		return false
	})
	setDataReplicas(t, esc, 4)
	waitESCReady(t, esc, escFirstVersion)
	if n := poolStatus(t, esc, "data").ReadyReplicas; n != 4 {
		t.Fatalf("data pool ready replicas %d once the leave was withdrawn, want 4", n)
	}
	// Without a replica, the index would make the fourth node's leave and restart red.
	dropPinned(t, ns)
}

// The engines the sweep runs a controller for: the first segment of their failpoints' names.
const (
	engineCassandra     = "cassandra"
	engineElasticsearch = "elasticsearch"
	engineOpenSearch    = "opensearch"
)

// sweep runs one controller per engine in this process, each in its engine's namespace, and
// restarts it each time one of its engine's failpoints crashes it.
type sweep struct {
	start time.Time
	mu    sync.Mutex
	fired map[failpoint.Name]time.Duration
	// stop ends the manager running now for each engine; a crash at one of the engine's
	// failpoints calls it.
	stop map[string]context.CancelFunc
	// namespaces are the engines' namespaces, made before any manager starts.
	namespaces map[string]string
}

// startSweep arms every failpoint, makes each engine's namespace and runs managers for it, one
// after the other, until the test ends; then it reports what fired.
func startSweep(t *testing.T) *sweep {
	sw := &sweep{start: time.Now(), fired: map[failpoint.Name]time.Duration{}, stop: map[string]context.CancelFunc{}, namespaces: map[string]string{}}
	for _, engine := range []string{engineCassandra, engineElasticsearch, engineOpenSearch} {
		sw.namespaces[engine] = sweepNamespace(t, failpointNamespaces[engine])
	}
	for _, n := range failpoint.All {
		if err := failpoint.Arm(n, sw.crash); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	runErrs := make([]error, 0, len(sw.namespaces))
	var errMu sync.Mutex
	for engine, ns := range sw.namespaces {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := sw.run(ctx, engine, ns); err != nil {
				errMu.Lock()
				runErrs = append(runErrs, fmt.Errorf("%s: %w", engine, err))
				errMu.Unlock()
			}
		}()
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		t.Log(sw.report()) // before Disarm, which forgets the hits
		failpoint.Disarm()
		for _, err := range runErrs {
			t.Errorf("running the controller: %v", err)
		}
	})
	return sw
}

// namespace is the engine's namespace.
func (sw *sweep) namespace(t *testing.T, engine string) string {
	t.Helper()
	ns, ok := sw.namespaces[engine]
	if !ok {
		t.Fatalf("the sweep runs no controller for %s", engine)
	}
	return ns
}

// sweepEngines are the controllers of the sweep's engines, by the names of failpointNamespaces.
var sweepEngines = map[string]manager.Engine{"cassandra": cassctl.Engine, "elasticsearch": esctl.Engine, "opensearch": osctl.Engine}

// run starts a manager of engine's controller for ns, waits for it to stop (a crash, or the end
// of the test), and starts the next, as the kubelet restarts a crashed container.
func (sw *sweep) run(ctx context.Context, engine, ns string) error {
	e, ok := sweepEngines[engine]
	if !ok {
		return fmt.Errorf("no controller for engine %q", engine)
	}
	opts := manager.Options{
		Engines:     []manager.Engine{e},
		MetricsAddr: "0", ProbeAddr: "0", SkipNameValidation: true, WatchNamespaces: []string{ns},
		GracefulShutdownTimeout: 5 * time.Second,
		PilotImage:              os.Getenv("E2E_IMAGE_REPO") + "/navigator-pilot:" + os.Getenv("E2E_IMAGE_TAG"),
		PilotPullPolicy:         corev1.PullNever,
	}
	for ctx.Err() == nil {
		mgr, err := manager.New(restConfig, opts)
		if err != nil {
			return err
		}
		mctx, stop := context.WithCancel(ctx)
		sw.mu.Lock()
		sw.stop[engine] = stop
		sw.mu.Unlock()
		err = mgr.Start(mctx)
		stop()
		if err != nil && ctx.Err() == nil {
			return err
		}
	}
	return nil
}

// crash is every failpoint's action: it records the failpoint and stops the manager whose step
// reached it, and the step goes no further (its context ends with the manager).
func (sw *sweep) crash(ctx context.Context, n failpoint.Name) error {
	if ctx.Err() != nil {
		// A step of a manager already stopped: a dead process reaches nothing, so the failpoint
		// waits for a live one.
		_ = failpoint.Arm(n, sw.crash)
		return ctx.Err()
	}
	engine, _, _ := strings.Cut(string(n), "/")
	sw.mu.Lock()
	stop, ok := sw.stop[engine]
	if ok {
		sw.fired[n] = time.Since(sw.start)
	}
	sw.mu.Unlock()
	if !ok {
		// No manager of this process runs the engine's controller: nothing to crash.
		return nil
	}
	stop()
	<-ctx.Done()
	return ctx.Err()
}

// expect fails the test for each of want that no step reached.
func (sw *sweep) expect(t *testing.T, want []failpoint.Name) {
	t.Helper()
	sw.mu.Lock()
	defer sw.mu.Unlock()
	for _, n := range want {
		if _, ok := sw.fired[n]; !ok {
			t.Errorf("failpoint %s was never reached (%d passes): the scenario does not sweep it", n, failpoint.Hits(n))
		}
	}
}

// report lists every failpoint: when it crashed the controller, or that nothing reached it.
func (sw *sweep) report() string {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "failpoint sweep: %d of %d failpoints crashed the controller once\n", len(sw.fired), len(failpoint.All))
	for _, n := range failpoint.All {
		if at, ok := sw.fired[n]; ok {
			fmt.Fprintf(&b, "  %-45s crashed at +%s, passed %d times in all\n", n, at.Round(time.Second), failpoint.Hits(n))
		} else {
			fmt.Fprintf(&b, "  %-45s not reached\n", n)
		}
	}
	return b.String()
}

// sweepNamespace makes a namespace the chart's controller excludes, anew: one left by an
// interrupted run is deleted first.
func sweepNamespace(t *testing.T, name string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name:   name,
		Labels: map[string]string{"pod-security.kubernetes.io/enforce": "restricted"},
	}}
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		err := k8s.Create(ctx, ns)
		if apierrors.IsAlreadyExists(err) {
			return false, client.IgnoreNotFound(k8s.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns.Name}}))
		}
		return err == nil, err
	})
	if err != nil {
		t.Fatalf("creating namespace %s: %v", ns.Name, err)
	}
	deleteAtCleanup(t, ns)
	return ns.Name
}
