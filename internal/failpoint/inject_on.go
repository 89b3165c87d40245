//go:build failpoints

package failpoint

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
)

// An Action is what an armed failpoint does when a step reaches it. An error it returns is
// returned by Inject, so the operation stops there as if the step after it had failed.
type Action func(ctx context.Context, name Name) error

// CrashExitCode is the exit code of a process a failpoint crashed.
const CrashExitCode = 86

// Crash ends the process at once, as a kill would: nothing after the failpoint runs, no
// deferred function, no graceful shutdown.
func Crash(_ context.Context, name Name) error {
	fmt.Fprintf(os.Stderr, "failpoint %s: crashing\n", name)
	os.Exit(CrashExitCode)
	return nil
}

// Fail returns an error, as a failed API call would.
func Fail(_ context.Context, name Name) error {
	return fmt.Errorf("failpoint %s: injected error", name)
}

var (
	mu    sync.Mutex
	armed = map[Name]Action{}
	hits  = map[Name]int{}
)

// EnvVar arms failpoints for a whole process: name=crash or name=error, comma-separated.
const EnvVar = "NAVIGATOR_FAILPOINTS"

func init() {
	if err := ArmFromEnv(os.Getenv(EnvVar)); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", EnvVar, err)
		os.Exit(2)
	}
}

// ArmFromEnv arms the failpoints a value of NAVIGATOR_FAILPOINTS names.
func ArmFromEnv(v string) error {
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		name, action, _ := strings.Cut(item, "=")
		var a Action
		switch action {
		case "crash":
			a = Crash
		case "error":
			a = Fail
		default:
			return fmt.Errorf("%q: the action must be crash or error", item)
		}
		if err := Arm(Name(name), a); err != nil {
			return err
		}
	}
	return nil
}

// Arm makes the named failpoint run action the next time a step reaches it, and only then.
func Arm(name Name, action Action) error {
	if !slices.Contains(All, name) {
		return fmt.Errorf("no failpoint %q", name)
	}
	mu.Lock()
	defer mu.Unlock()
	armed[name] = action
	return nil
}

// Disarm withdraws every armed failpoint and forgets the hits.
func Disarm() {
	mu.Lock()
	defer mu.Unlock()
	clear(armed)
	clear(hits)
}

// Hits says how many times steps reached the named failpoint, armed or not.
func Hits(name Name) int {
	mu.Lock()
	defer mu.Unlock()
	return hits[name]
}

// Inject runs the named failpoint's action if it is armed, once.
func Inject(ctx context.Context, name Name) error {
	mu.Lock()
	hits[name]++
	action := armed[name]
	delete(armed, name)
	mu.Unlock()
	if action == nil {
		return nil
	}
	return action(ctx, name)
}
