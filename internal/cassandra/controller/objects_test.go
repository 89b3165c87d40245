package controller

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	res "github.com/navigator-dbaas/navigator/internal/cassandra/resources"
)

// TestTheClientServiceIsMadeHeadlessAgain: a client Service with a cluster IP, as an earlier
// release made it, is deleted (a cluster IP cannot be changed), and the next pass makes it
// headless; a headless one is left alone.
func TestTheClientServiceIsMadeHeadlessAgain(t *testing.T) {
	s := fixture()
	r := reconciler(t, s)
	old := res.ClientService(s.cc)
	old.Spec.ClusterIP = "10.96.0.17"
	if err := controllerutil.SetControllerReference(s.cc, old, r.Client.Scheme()); err != nil {
		t.Fatal(err)
	}
	if err := r.Client.Create(t.Context(), old); err != nil {
		t.Fatal(err)
	}
	replaced, err := r.deleteVirtualIPClientService(t.Context(), s.cc)
	if err != nil || !replaced {
		t.Fatalf("a client Service with a cluster IP: replaced %v, %v", replaced, err)
	}
	if err := r.Client.Get(t.Context(), client.ObjectKeyFromObject(old), &corev1.Service{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the client Service with a cluster IP is still there: %v", err)
	}
	headless := res.ClientService(s.cc)
	if headless.Spec.ClusterIP != corev1.ClusterIPNone || headless.Spec.PublishNotReadyAddresses {
		t.Fatalf("the client Service is %q, publishing nodes not ready %v; want headless, ready nodes only",
			headless.Spec.ClusterIP, headless.Spec.PublishNotReadyAddresses)
	}
	if err := controllerutil.SetControllerReference(s.cc, headless, r.Client.Scheme()); err != nil {
		t.Fatal(err)
	}
	if err := r.Client.Create(t.Context(), headless); err != nil {
		t.Fatal(err)
	}
	if replaced, err := r.deleteVirtualIPClientService(t.Context(), s.cc); err != nil || replaced {
		t.Fatalf("a headless client Service: replaced %v, %v", replaced, err)
	}
}
