//go:build failpoints

package failpoint

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestArmedFailpointFiresOnce: an armed failpoint runs its action the first time a step reaches
// it and never again, and every pass through it counts.
func TestArmedFailpointFiresOnce(t *testing.T) {
	t.Cleanup(Disarm)
	if err := Inject(t.Context(), CassandraShrunk); err != nil {
		t.Fatalf("unarmed failpoint: %v", err)
	}
	if err := Arm(CassandraShrunk, Fail); err != nil {
		t.Fatal(err)
	}
	err := Inject(t.Context(), CassandraShrunk)
	if err == nil || !strings.Contains(err.Error(), string(CassandraShrunk)) {
		t.Fatalf("armed failpoint: %v, want an error naming it", err)
	}
	if err := Inject(t.Context(), CassandraShrunk); err != nil {
		t.Fatalf("failpoint fired twice: %v", err)
	}
	if got := Hits(CassandraShrunk); got != 3 {
		t.Errorf("hits %d, want 3", got)
	}
	if err := Inject(t.Context(), CassandraGrown); err != nil {
		t.Errorf("a failpoint armed elsewhere fired: %v", err)
	}
}

// TestActionSeesTheStepsContext: an action that stands for a crash in a process that cannot
// exit (a manager run in a test) blocks until the manager stops, then fails the step.
func TestActionSeesTheStepsContext(t *testing.T) {
	t.Cleanup(Disarm)
	reached := make(chan Name, 1)
	if err := Arm(ElasticsearchShrunk, func(ctx context.Context, n Name) error {
		reached <- n
		<-ctx.Done()
		return ctx.Err()
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- Inject(ctx, ElasticsearchShrunk) }()
	if n := <-reached; n != ElasticsearchShrunk {
		t.Fatalf("action got %s", n)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("step went on with %v after its manager stopped", err)
	}
}

// TestArmingRefusesWhatItDoesNotKnow: a misspelt failpoint or action would make a sweep pass
// without injecting anything, so arming it is an error that names it.
func TestArmingRefusesWhatItDoesNotKnow(t *testing.T) {
	t.Cleanup(Disarm)
	for v, want := range map[string]string{
		"cassandra/scale-in/shrunk=explode": `"cassandra/scale-in/shrunk=explode": the action must be crash or error`,
		"cassandra/scale-in/shrank=crash":   `no failpoint "cassandra/scale-in/shrank"`,
	} {
		if err := ArmFromEnv(v); err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", v, err, want)
		}
	}
	if err := ArmFromEnv(" cassandra/scale-in/shrunk=error , elasticsearch/scale-in/shrunk=crash"); err != nil {
		t.Fatal(err)
	}
	if err := Inject(t.Context(), CassandraShrunk); err == nil {
		t.Error("failpoint armed from the environment did not fire")
	}
}
