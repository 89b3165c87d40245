//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
)

// TestClusterServices checks what Navigator's database pods rely on, on the cluster under test:
// pod networking, headless-Service DNS names per pod, ClusterIP Services, volumes a non-root
// user can write that outlive their pod, and (on the local cluster) DNS that answers for the
// cluster only.
func TestClusterServices(t *testing.T) {
	ns := restrictedNamespace(t, "e2e-cluster")
	image := os.Getenv("E2E_IMAGE_REPO") + "/netcheck:" + os.Getenv("E2E_IMAGE_TAG")
	labels := map[string]string{"app": "netcheck"}
	objects := []client.Object{
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "netcheck"},
			Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone, PublishNotReadyAddresses: true, Selector: labels,
				Ports: []corev1.ServicePort{{Port: 8080}}},
		},
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "netcheck-client"},
			Spec:       corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080)}}},
		},
		netcheckStatefulSet(ns, image, labels),
	}
	for _, o := range objects {
		if err := k8s.Create(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
	waitReady(t, ns, "netcheck", 2)

	peer := "netcheck-1.netcheck." + ns + ".svc.cluster.local"
	if got := proxy(t, ns, "netcheck-0", "/resolve?name="+peer); got == "" {
		t.Errorf("%s resolves to nothing", peer)
	}
	if got := proxy(t, ns, "netcheck-0", "/fetch?url=http://netcheck-1.netcheck:8080/hostname"); got != "netcheck-1" {
		t.Errorf("pod to pod by short headless name: got %q, want netcheck-1", got)
	}
	// kube-proxy programs a Service's endpoints within its sync period of them becoming ready.
	var got string
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, 30*time.Second, true, func(context.Context) (bool, error) {
		got, _ = proxyErr(t, ns, "netcheck-0", "/fetch?url=http://netcheck-client/hostname")
		return strings.HasPrefix(got, "netcheck-"), nil
	})
	if err != nil {
		t.Errorf("pod to ClusterIP Service: got %q", got)
	}
	if got := proxy(t, ns, "netcheck-1", "/resolve?name=kubernetes.default"); got == "" {
		t.Error("kubernetes.default resolves to nothing")
	}

	// A volume survives its pod: write, delete the pod, read back from its successor.
	want := fmt.Sprintf("written at %s", time.Now().UTC().Format(time.RFC3339Nano))
	proxyPost(t, ns, "netcheck-0", "/file?path=/data/probe", want)
	recreatePod(t, ns, "netcheck-0")
	waitReady(t, ns, "netcheck", 2)
	if got := proxy(t, ns, "netcheck-0", "/file?path=/data/probe"); got != want {
		t.Errorf("data after the pod was recreated: got %q, want %q", got, want)
	}

	if os.Getenv("E2E_KUBECONFIG") == "" {
		// The local cluster is hermetic: its DNS has no upstream, so outside names fail there,
		// without a query leaving the machine.
		if _, err := proxyErr(t, ns, "netcheck-0", "/resolve?name=example.com"); err == nil {
			t.Error("example.com resolved on the local cluster: DNS is not hermetic")
		}
	}
}

func netcheckStatefulSet(ns, image string, labels map[string]string) *appsv1.StatefulSet {
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "netcheck"},
		Spec: appsv1.StatefulSetSpec{
			ServiceName: "netcheck",
			Replicas:    ptr.To[int32](2),
			Selector:    &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					SecurityContext: restrictedPodSecurity(),
					Containers: []corev1.Container{{
						Name: "netcheck", Image: image, ImagePullPolicy: corev1.PullIfNotPresent,
						ReadinessProbe: &corev1.Probe{PeriodSeconds: 1, ProbeHandler: corev1.ProbeHandler{
							HTTPGet: &corev1.HTTPGetAction{Path: "/hostname", Port: intstr.FromInt32(8080)}}},
						VolumeMounts:    []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
						SecurityContext: restrictedContainerSecurity(),
					}},
				},
			},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{dataClaim()},
		},
	}
}

// dataClaim is the volume claim template of a test StatefulSet: a small volume named data.
func dataClaim() corev1.PersistentVolumeClaim {
	return corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "data"},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Mi")}},
		},
	}
}

func restrictedPodSecurity() *corev1.PodSecurityContext {
	return &corev1.PodSecurityContext{
		RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To[int64](65532),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

func restrictedContainerSecurity() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr.To(false),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
}

// restrictedNamespace creates a namespace enforcing Pod Security "restricted", deleted with
// the test (after artifacts are saved if it failed).
func restrictedNamespace(t testing.TB, prefix string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		GenerateName: prefix + "-",
		Labels:       map[string]string{"pod-security.kubernetes.io/enforce": "restricted"},
	}}
	if err := k8s.Create(t.Context(), ns); err != nil {
		t.Fatal(err)
	}
	deleteAtCleanup(t, ns)
	return ns.Name
}

// deleteAtCleanup deletes the namespace when the test ends, after saving its artifacts if the
// test failed, unless the run keeps what it made.
func deleteAtCleanup(t testing.TB, ns *corev1.Namespace) {
	t.Cleanup(func() {
		if t.Failed() {
			saveNamespaceArtifacts(t.Name(), ns.Name)
		}
		if !keep() {
			_ = k8s.Delete(context.Background(), ns)
		}
	})
}

func waitReady(t *testing.T, ns, sts string, replicas int32) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		var s appsv1.StatefulSet
		err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: sts}, &s)
		return err == nil && s.Status.ReadyReplicas == replicas && s.Status.ObservedGeneration == s.Generation, nil
	})
	if err != nil {
		t.Fatalf("StatefulSet %s/%s did not reach %d ready replicas", ns, sts, replicas)
	}
}

// recreatePod deletes pod and waits until its StatefulSet has created a successor. The old
// UID is read before the delete: with a grace period of 0 the successor can exist by the time
// the delete returns.
func recreatePod(t *testing.T, ns, pod string, opts ...client.DeleteOption) {
	t.Helper()
	var old corev1.Pod
	if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: pod}, &old); err != nil {
		t.Fatal(err)
	}
	if err := k8s.Delete(t.Context(), &old, opts...); err != nil {
		t.Fatal(err)
	}
	err := wait.PollUntilContextTimeout(t.Context(), 500*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		var p corev1.Pod
		err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: pod}, &p)
		return err == nil && p.UID != old.UID && p.DeletionTimestamp == nil, nil
	})
	if err != nil {
		t.Fatalf("pod %s/%s was not recreated", ns, pod)
	}
}

// podUIDs maps the pods of a cluster resource to their UIDs.
func podUIDs(t *testing.T, ns, cluster string) map[string]types.UID {
	t.Helper()
	uids, err := listPodUIDs(t.Context(), ns, cluster)
	if err != nil {
		t.Fatal(err)
	}
	return uids
}

// listPodUIDs maps the names of the cluster's pods that are not being deleted to their UIDs.
func listPodUIDs(ctx context.Context, ns, cluster string) (map[string]types.UID, error) {
	var pods corev1.PodList
	if err := k8s.List(ctx, &pods, client.InNamespace(ns), client.MatchingLabels{pilot.LabelCluster: cluster}); err != nil {
		return nil, err
	}
	uids := map[string]types.UID{}
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil {
			uids[p.Name] = p.UID
		}
	}
	return uids, nil
}

// waitAllRecreated waits until every pod in before has been replaced by a new one (a rolling
// restart goes one pod, or one rack, at a time: this can take minutes).
func waitAllRecreated(t *testing.T, ns, cluster string, before map[string]types.UID) {
	t.Helper()
	var left []string
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, 6*time.Minute, true, func(ctx context.Context) (bool, error) {
		now, err := listPodUIDs(ctx, ns, cluster)
		if err != nil {
			return false, nil // transient: poll again
		}
		left = left[:0]
		for name, uid := range before {
			if now[name] == "" || now[name] == uid {
				left = append(left, name)
			}
		}
		return len(left) == 0, nil
	})
	if err != nil {
		t.Fatalf("pods not restarted: %v", left)
	}
}

// proxy GETs a path of a netcheck pod through the API server's pod proxy.
func proxy(t *testing.T, ns, pod, path string) string {
	t.Helper()
	body, err := proxyErr(t, ns, pod, path)
	if err != nil {
		t.Fatalf("GET %s on %s: %v", path, pod, err)
	}
	return body
}

func proxyErr(t *testing.T, ns, pod, path string) (string, error) {
	t.Helper()
	raw, err := podProxy(ns, pod, 8080, "GET", path).DoRaw(t.Context())
	return string(raw), err
}

// podProxy builds a request to a pod's port through the API server's pod proxy; path may
// carry a query string.
func podProxy(ns, pod string, port int, method, path string) *rest.Request {
	p, query, _ := strings.Cut(path, "?")
	req := kube.CoreV1().RESTClient().Verb(method).Namespace(ns).Resource("pods").Name(fmt.Sprintf("%s:%d", pod, port)).SubResource("proxy").Suffix(p)
	for _, kv := range strings.Split(query, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			req = req.Param(k, v)
		}
	}
	return req
}

func proxyPost(t *testing.T, ns, pod, path, body string) {
	t.Helper()
	if _, err := podProxy(ns, pod, 8080, "POST", path).Body([]byte(body)).DoRaw(t.Context()); err != nil {
		t.Fatalf("POST %s on %s: %v", path, pod, err)
	}
}

// waitPilotMetric waits until the pilot of pod serves line on /metrics: the engine's gauges
// reach Prometheus from the release binary. The engine sets them at each observation.
func waitPilotMetric(t *testing.T, ns, pod, line string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		raw, err := podProxy(ns, pod, pilotpod.Port, "GET", "/metrics").DoRaw(ctx)
		return err == nil && slices.Contains(strings.Split(string(raw), "\n"), line), nil
	})
	if err != nil {
		t.Fatalf("the pilot of %s never served %q on /metrics", pod, line)
	}
}
