//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
	"github.com/navigator-dbaas/navigator/test/cqllog"
)

// cassSimVersion is one of the Makefile's CASS_SIM_VERSIONS.
const cassSimVersion = "4.1.10"

// cassSimConfig is what a user would write for a three-node, one-rack datacenter: the first pod
// as the seed, by its stable DNS name (which the pod itself resolves from the /etc/hosts the
// kubelet writes, so the seed knows it is one before its DNS record exists). listen_address and
// rpc_address are left out: Cassandra then takes the address the host name resolves to, the
// pod's IP.
const cassSimConfig = `cluster_name: e2e
num_tokens: 16
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "cass-0.cass-peers.%s.svc.cluster.local"
endpoint_snitch: GossipingPropertyFileSnitch
data_file_directories:
  - /var/lib/cassandra/data
commitlog_directory: /var/lib/cassandra/commitlog
saved_caches_directory: /var/lib/cassandra/saved_caches
hints_directory: /var/lib/cassandra/hints
`

const cassSimRackDC = `dc=dc1
rack=rack1
`

// cassSimJVMOptions shorten the simulated nodes' waits as the real tier's do: the ring delay
// (-Dcassandra.ring_delay_ms: how long a new node listens to gossip before it joins, and a
// bootstrapping node waits for pending ranges, 30 s by default; the simulated nodes exchange
// their whole state with every peer every second, so three rounds are enough), and no wait for
// gossip to settle before serving (at least 8 s). Three nodes joining one after the other, then
// a restart, fit in well under a minute.
var cassSimJVMOptions = []string{"-Dcassandra.ring_delay_ms=3000", "-Dcassandra.skip_wait_for_gossip_to_settle=0"}

// TestCassandraSimulatorFormsCluster runs the Cassandra simulator image as a plain three-pod
// StatefulSet, one node joining at a time: a client outside the cluster reaches it through its
// ClusterIP Service with the real driver, writes and reads at QUORUM with RF 3, nodetool in a pod
// sees three nodes UN, and a pod deleted and recreated with its volume (and a new IP) rejoins
// with its data.
func TestCassandraSimulatorFormsCluster(t *testing.T) {
	ns := restrictedNamespace(t, "e2e-cass-sim")
	image := os.Getenv("E2E_IMAGE_REPO") + "/cassandra-sim:" + cassSimVersion
	labels := map[string]string{"app": "cass-sim"}
	objects := cassSimObjects(ns, image, labels)
	for _, o := range objects {
		if err := k8s.Create(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
	waitReady(t, ns, "cass", 3)
	waitRing(t, ns, "cass-0", 3)

	var svc corev1.Service
	if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "cass"}, &svc); err != nil {
		t.Fatal(err)
	}
	contact := net.JoinHostPort(svc.Spec.ClusterIP, "9042")
	const rows = 200
	s := cqlSession(t, contact)
	writeRows(t, s, rows)
	s.Close()

	// A pod deleted and recreated keeps its volume: it rejoins with its saved tokens at its new
	// address, and nothing is lost.
	recreatePod(t, ns, "cass-1")
	waitReady(t, ns, "cass", 3)
	waitRing(t, ns, "cass-0", 3)
	waitRing(t, ns, "cass-1", 3)
	// A new client, as after a restart of the application: the first one's view of cass-1's old
	// address is the driver's business, not the database's.
	checkRows(t, cqlSession(t, contact), rows)
}

// cassSimObjects are a plain three-node simulator cluster: its configuration, the seeds' and the
// clients' Services, and an OrderedReady StatefulSet.
func cassSimObjects(ns, image string, labels map[string]string) []client.Object {
	return []client.Object{
		&corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "cass-config"},
			Data: map[string]string{
				"cassandra.yaml":              fmt.Sprintf(cassSimConfig, ns),
				"cassandra-rackdc.properties": cassSimRackDC,
			},
		},
		// The seeds' Service: per-pod DNS names, published before the pods are ready, since a
		// node gossips long before it serves clients.
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "cass-peers"},
			Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone, PublishNotReadyAddresses: true, Selector: labels,
				Ports: []corev1.ServicePort{{Name: "storage", Port: 7000}}},
		},
		// The clients' Service: only the nodes that serve CQL, that is, have joined.
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "cass"},
			Spec: corev1.ServiceSpec{Selector: labels,
				Ports: []corev1.ServicePort{{Name: "cql", Port: 9042, TargetPort: intstr.FromInt32(9042)}}},
		},
		cassSimStatefulSet(ns, image, labels),
	}
}

func cassSimStatefulSet(ns, image string, labels map[string]string) *appsv1.StatefulSet {
	pod := restrictedPodSecurity()
	pod.RunAsUser = ptr.To[int64](999) // the upstream image's cassandra user
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "cass"},
		Spec: appsv1.StatefulSetSpec{
			ServiceName: "cass-peers",
			Replicas:    ptr.To[int32](3),
			// One node at a time: Cassandra refuses to bootstrap while another node joins. A node
			// is ready once it serves CQL, which it does only after joining the ring.
			PodManagementPolicy: appsv1.OrderedReadyPodManagement,
			Selector:            &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					SecurityContext: pod,
					Containers: []corev1.Container{{
						Name: "cassandra", Image: image, ImagePullPolicy: corev1.PullIfNotPresent,
						Env: []corev1.EnvVar{{Name: "JVM_EXTRA_OPTS", Value: strings.Join(cassSimJVMOptions, " ")}},
						Ports: []corev1.ContainerPort{
							{Name: "cql", ContainerPort: 9042}, {Name: "storage", ContainerPort: 7000}, {Name: "jmx", ContainerPort: 7199},
						},
						ReadinessProbe: &corev1.Probe{PeriodSeconds: 1, ProbeHandler: corev1.ProbeHandler{
							TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(9042)}}},
						Resources: corev1.ResourceRequirements{
							Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("32Mi")},
							Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("128Mi")},
						},
						VolumeMounts: []corev1.VolumeMount{
							{Name: "data", MountPath: "/var/lib/cassandra"},
							{Name: "config", MountPath: "/etc/cassandra"},
						},
						SecurityContext: restrictedContainerSecurity(),
					}},
					Volumes: []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{
						ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cass-config"}}}}},
				},
			},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{dataClaim()},
		},
	}
}

// waitRing waits until nodetool status, run in the pod, shows the given number of nodes, all UN.
func waitRing(t testing.TB, ns, pod string, nodes int) {
	t.Helper()
	var last string
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, time.Minute, true, func(context.Context) (bool, error) {
		stdout, stderr, err := podExec(t.Context(), ns, pod, "cassandra", "/opt/cassandra/bin/nodetool", "status")
		if err != nil {
			last = fmt.Sprintf("%v: %s%s", err, stdout, stderr)
			return false, nil
		}
		last = stdout
		status, err := nodetool.ParseStatus(stdout)
		if err != nil {
			last = fmt.Sprintf("%v: %s", err, stdout)
			return false, nil
		}
		got := status.Nodes()
		if len(got) != nodes {
			return false, nil
		}
		for _, n := range got {
			if n.Code() != "UN" {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		t.Fatalf("nodetool status on %s did not show %d nodes UN; last:\n%s", pod, nodes, last)
	}
}

// cqlSession connects the driver with the given contact points, as an application in the
// cluster would (the local cluster's pod and Service networks also reach this machine). The
// driver then finds the nodes at their pod IPs in system.peers.
func cqlSession(t *testing.T, contacts ...string) *gocql.Session {
	t.Helper()
	// kube-proxy programs a Service's endpoints within its sync period of them becoming ready.
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		c, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", contacts[0])
		if err != nil {
			return false, nil
		}
		_ = c.Close()
		return true, nil
	})
	if err != nil {
		t.Fatalf("%s is not reachable from the test: it needs a cluster whose Service and pod "+
			"networks this machine reaches, as the local cluster's are", contacts[0])
	}
	cfg := gocql.NewCluster(contacts...)
	cfg.ProtoVersion = 4
	cfg.Timeout = 5 * time.Second
	cfg.ConnectTimeout = 5 * time.Second
	cfg.MaxWaitSchemaAgreement = 10 * time.Second
	// Idempotent statements are retried on another node: a node drained for a restart
	// refuses requests, as real applications are set up to expect.
	cfg.RetryPolicy = &gocql.SimpleRetryPolicy{NumRetries: 3}
	log := &cqllog.Lines{}
	cfg.Logger = log
	s, err := cfg.CreateSession()
	if err != nil {
		t.Fatalf("connecting the driver through %s: %v\ndriver log:\n%s", contacts, err, log)
	}
	t.Cleanup(func() {
		s.Close()
		if t.Failed() {
			t.Logf("driver log:\n%s", log)
		}
	})
	return s
}

// checkRows reads every row back at QUORUM, then counts them at QUORUM.
func checkRows(t *testing.T, s *gocql.Session, n int) {
	t.Helper()
	checkRowsAt(t, s, n, gocql.Quorum)
}

// checkRowsAt reads every row back at consistency cl, then counts them at cl.
func checkRowsAt(t *testing.T, s *gocql.Session, n int, cl gocql.Consistency) {
	t.Helper()
	for i := range n {
		var v string
		if err := s.Query("SELECT v FROM e2e.kv WHERE k = ?", i).Consistency(cl).ScanContext(t.Context(), &v); err != nil {
			t.Fatalf("read %d at %s: %v", i, cl, err)
		}
		if want := fmt.Sprint("value-", i); v != want {
			t.Fatalf("row %d at %s: %q, want %q", i, cl, v, want)
		}
	}
	var count int64
	if err := s.Query("SELECT COUNT(*) FROM e2e.kv").Consistency(cl).ScanContext(t.Context(), &count); err != nil {
		t.Fatalf("count at %s: %v", cl, err)
	}
	if count != int64(n) {
		t.Fatalf("COUNT(*) at %s = %d, want %d", cl, count, n)
	}
}

// podExec runs a command in a pod's container through the exec subresource, as kubectl exec
// does, and returns its output; a non-zero exit status is an error. It speaks the WebSocket
// form of the streaming protocol (v5.channel.k8s.io, or v4) with golang.org/x/net/websocket:
// client-go's remotecommand would bring SPDY and WebSocket modules the project does not
// otherwise need. Each message is a channel byte (1 stdout, 2 stderr, 3 the exit status as a
// metav1.Status) and data; the server closes the connection when the command ends.
func podExec(ctx context.Context, ns, pod, container string, command ...string) (string, string, error) {
	u := kube.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").Name(pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{Container: container, Command: command, Stdout: true, Stderr: true},
			scheme.ParameterCodec).URL()
	exec, err := remotecommand.NewWebSocketExecutor(restConfig, "GET", u.String())
	if err != nil {
		return "", "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err = exec.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		return stdout.String(), stderr.String(), fmt.Errorf("exec %v in %s/%s: %w", command, ns, pod, err)
	}
	return stdout.String(), stderr.String(), nil
}
