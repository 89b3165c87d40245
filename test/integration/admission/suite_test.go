//go:build integration

// Package admission checks, on a real kube-apiserver, that Navigator's CRD schemas accept valid
// objects, apply their defaults, and reject invalid objects and transitions with an error naming
// the field, leaving the stored object unchanged.
package admission

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/navigator-dbaas/navigator/test/apiserver"
)

const namespace = "default"

var (
	server  *apiserver.Server
	k8s     client.Client
	counter atomic.Int64
)

func TestMain(m *testing.M) {
	s, err := apiserver.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	server, k8s = s, s.Client
	code := m.Run()
	if err := s.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping the API server:", err)
	}
	os.Exit(code)
}

// name returns a fresh object name, so cases never collide.
func name(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, counter.Add(1))
}

// rejection is what a case expects of the API server: empty means accepted.
type rejection struct {
	field   string // the field path the error must name, e.g. spec.nodePools[0].rack
	message string // a substring of the message for that field
}

func accepted() rejection { return rejection{} }

// rootField stands for the field of a rule on the whole object: CRD validation rules cannot name
// a path into metadata.
const rootField = "(the object)"

func rejected(field, message string) rejection { return rejection{field: field, message: message} }

// check compares an API error with the expectation.
func (want rejection) check(t *testing.T, err error) {
	t.Helper()
	if want.field == "" {
		if err != nil {
			t.Fatalf("want accepted, got: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("want rejected at %s (%q), got accepted", want.field, want.message)
	}
	if !apierrors.IsInvalid(err) {
		t.Fatalf("want an Invalid error at %s, got: %v", want.field, err)
	}
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil {
		t.Fatalf("error carries no field details: %v", err)
	}
	for _, cause := range status.Status().Details.Causes {
		field := cause.Field
		if field == "" || field == "<nil>" {
			field = rootField // a rule on the whole object, about its metadata
		}
		if field == want.field && strings.Contains(cause.Message, want.message) {
			t.Logf("rejected as expected: %v", err)
			return
		}
	}
	t.Fatalf("want a cause at %s containing %q, got: %v", want.field, want.message, err)
}

// updateCase runs one update: create `old`, apply `mutate` to the stored copy, update, and
// check the outcome. On a rejection the stored object must be exactly as before.
func updateCase[T client.Object](t *testing.T, old T, mutate func(T), want rejection) {
	t.Helper()
	ctx := t.Context()
	if err := k8s.Create(ctx, old); err != nil {
		t.Fatalf("creating the object to update: %v", err)
	}
	before := old.DeepCopyObject().(T)
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(old), before); err != nil {
		t.Fatalf("reading it back: %v", err)
	}
	changed := before.DeepCopyObject().(T)
	mutate(changed)
	err := k8s.Update(ctx, changed)
	want.check(t, err)
	if want.field != "" {
		assertUnchanged(ctx, t, before)
	}
}

func assertUnchanged[T client.Object](ctx context.Context, t *testing.T, before T) {
	t.Helper()
	after := before.DeepCopyObject().(T)
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(before), after); err != nil {
		t.Fatalf("reading the object after the rejected update: %v", err)
	}
	if after.GetResourceVersion() != before.GetResourceVersion() || after.GetGeneration() != before.GetGeneration() {
		t.Fatalf("a rejected update changed the object: resourceVersion %s→%s, generation %d→%d",
			before.GetResourceVersion(), after.GetResourceVersion(), before.GetGeneration(), after.GetGeneration())
	}
}
