//go:build e2e

package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	pilotctl "github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
)

const testCluster = "e2e-test"

// TestPilotInjection runs the pilot as Navigator runs it: injected by pilotpod into pods of a
// StatefulSet whose database image (testdb) knows nothing of it, in a restricted namespace. The
// test plays the engine controller, which opens each Pilot's start gate.
func TestPilotInjection(t *testing.T) {
	ns := restrictedNamespace(t, "e2e-pilot")
	sa, role, binding := pilotpod.RBAC(ns, testCluster, navv1alpha1.EngineElasticsearch, nil)
	for _, o := range []client.Object{sa, role, binding, pilotStatefulSet(t, ns)} {
		if err := k8s.Create(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
	pod0, pod1 := testCluster+"-0", testCluster+"-1"

	// The controller creates each pod's Pilot; the pilots announce their nodes behind the gate.
	for _, name := range []string{pod0, pod1} {
		p := waitPilotStatus(t, ns, name, "announced", func(p *navv1alpha1.Pilot) bool { return p.Status.Phase == navv1alpha1.PilotWaiting })
		if ref := metav1.GetControllerOf(p); ref == nil || ref.Kind != "Pod" || ref.Name != name {
			t.Errorf("Pilot %s is not owned by its pod: %+v", name, ref)
		}
	}
	if podReady(t, ns, pod0) {
		t.Error("a pod behind the closed start gate is Ready")
	}

	for _, name := range []string{pod0, pod1} {
		openGate(t, ns, name)
	}
	for _, name := range []string{pod0, pod1} {
		p := waitPilotStatus(t, ns, name, "running", func(p *navv1alpha1.Pilot) bool {
			return p.Status.Phase == navv1alpha1.PilotRunning && p.Status.ObservedGeneration == p.Generation
		})
		var pod corev1.Pod
		if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: name}, &pod); err != nil {
			t.Fatal(err)
		}
		if p.Status.Version != "1.0.0" || p.Status.Node.Address != pod.Status.PodIP || p.Status.Node.ID == "" {
			t.Errorf("Pilot %s reports version %q address %q (pod IP %q) id %q", name, p.Status.Version, p.Status.Node.Address, pod.Status.PodIP, p.Status.Node.ID)
		}
	}
	waitReady(t, ns, testCluster, 2)

	t.Run("a pilot cannot write another Pilot's status", func(t *testing.T) {
		as := pilotClient(t, ns, pod0)
		patch := func(name string) error {
			var p navv1alpha1.Pilot
			if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: name}, &p); err != nil {
				t.Fatal(err)
			}
			before := p.DeepCopy()
			p.Status.Phase = navv1alpha1.PilotFailed
			return as.Status().Patch(t.Context(), &p, client.MergeFrom(before))
		}
		err := patch(pod1)
		if err == nil || !strings.Contains(err.Error(), "only the status of the Pilot named after its own pod") {
			t.Errorf("pod %s's pilot wrote %s's status: %v", pod0, pod1, err)
		}
		var untouched navv1alpha1.Pilot
		if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: pod1}, &untouched); err == nil && untouched.Status.Phase == navv1alpha1.PilotFailed {
			t.Error("the refused write changed the other Pilot")
		}
		if err := patch(pod0); err != nil {
			t.Errorf("a pilot may write its own Pilot's status: %v", err)
		}
	})

	t.Run("a removed pod takes its Pilot with it", func(t *testing.T) {
		var sts appsv1.StatefulSet
		if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: testCluster}, &sts); err != nil {
			t.Fatal(err)
		}
		sts.Spec.Replicas = ptr.To[int32](1)
		if err := k8s.Update(t.Context(), &sts); err != nil {
			t.Fatal(err)
		}
		err := wait.PollUntilContextTimeout(t.Context(), time.Second, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
			err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: pod1}, &navv1alpha1.Pilot{})
			return apierrors.IsNotFound(err), nil
		})
		if err != nil {
			t.Errorf("the Pilot of removed pod %s was not garbage-collected", pod1)
		}
	})
}

func pilotStatefulSet(t *testing.T, ns string) *appsv1.StatefulSet {
	t.Helper()
	repo, tag := os.Getenv("E2E_IMAGE_REPO"), os.Getenv("E2E_IMAGE_TAG")
	labels := map[string]string{
		pilotctl.LabelCluster: testCluster, pilotctl.LabelEngine: string(navv1alpha1.EngineElasticsearch), pilotctl.LabelNodePool: "data",
	}
	spec := corev1.PodSpec{
		SecurityContext: restrictedPodSecurity(),
		Containers: []corev1.Container{{
			Name: "db", Image: repo + "/testdb:" + tag, ImagePullPolicy: corev1.PullIfNotPresent,
			Command:         []string{"/testdb"},
			VolumeMounts:    []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
			SecurityContext: restrictedContainerSecurity(),
		}},
		Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
	}
	err := pilotpod.Inject(&spec, "db", pilotpod.Injection{
		Engine: "test", Image: repo + "/testpilot:" + tag, PullPolicy: corev1.PullIfNotPresent,
		Cluster: testCluster, ServiceAccount: pilotpod.ServiceAccountName(testCluster), StopTimeout: 20 * time.Second,
		Args: []string{"--data-dir=/data", "--config-dir=/data/conf", "--log-level=debug"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: testCluster},
		Spec: appsv1.StatefulSetSpec{
			Replicas:            ptr.To[int32](2),
			ServiceName:         testCluster,
			PodManagementPolicy: appsv1.ParallelPodManagement,
			Selector:            &metav1.LabelSelector{MatchLabels: labels},
			Template:            corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec},
		},
	}
}

func openGate(t *testing.T, ns, name string) {
	t.Helper()
	var p navv1alpha1.Pilot
	if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: name}, &p); err != nil {
		t.Fatal(err)
	}
	before := p.DeepCopy()
	p.Spec.Start = true
	if err := k8s.Patch(t.Context(), &p, client.MergeFrom(before)); err != nil {
		t.Fatal(err)
	}
}

func waitPilotStatus(t *testing.T, ns, name, what string, cond func(*navv1alpha1.Pilot) bool) *navv1alpha1.Pilot {
	t.Helper()
	var p navv1alpha1.Pilot
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		return k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &p) == nil && cond(&p), nil
	})
	if err != nil {
		t.Fatalf("Pilot %s/%s never %s; status %+v", ns, name, what, p.Status)
	}
	return &p
}

func podReady(t *testing.T, ns, name string) bool {
	t.Helper()
	var pod corev1.Pod
	if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: name}, &pod); err != nil {
		t.Fatal(err)
	}
	return isPodReady(&pod)
}

// isPodReady: the pod's Ready condition is true.
func isPodReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// pilotClient acts as the pilot of pod: a token of the pilots' ServiceAccount bound to that pod,
// as the kubelet mounts it.
func pilotClient(t *testing.T, ns, pod string) client.Client {
	t.Helper()
	var p corev1.Pod
	if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: pod}, &p); err != nil {
		t.Fatal(err)
	}
	tr, err := kube.CoreV1().ServiceAccounts(ns).CreateToken(t.Context(), pilotpod.ServiceAccountName(testCluster), &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{
			ExpirationSeconds: ptr.To[int64](600),
			BoundObjectRef:    &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: p.Name, UID: p.UID},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := rest.AnonymousClientConfig(restConfig)
	cfg.BearerToken = tr.Status.Token
	c, err := client.New(cfg, client.Options{Scheme: k8s.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
