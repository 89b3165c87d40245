// Package node is what the pilots of Elasticsearch and OpenSearch do alike with their node: the
// flags that place it, the probes, the facts both report, a voting configuration exclusion, and
// the members read before the cleanups. Each engine's client implements Client with its own
// project's Go client; the steps here only read the answers, in the types of package rest.
package node

import (
	"context"
	"errors"
	"fmt"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/search/rest"
)

// Client is what the shared steps ask of the local node.
type Client interface {
	// Answers reports whether the node's HTTP layer answers GET /, whatever the status.
	Answers(ctx context.Context) error
	// Info is GET /.
	Info(ctx context.Context) (*rest.Root, error)
	// Local is GET _nodes/_local/stats/indices.
	Local(ctx context.Context) (rest.LocalNode, error)
	// Health is GET _cluster/health?local=true.
	Health(ctx context.Context) (navv1alpha1.SearchHealth, error)
	// LocalState is GET _cluster/state/<metrics>?local=true, filtered.
	LocalState(ctx context.Context, metrics string, filter ...string) (*rest.StateView, error)
	// ExcludeFromVoting is POST _cluster/voting_config_exclusions?node_names=<name>, bounded.
	ExcludeFromVoting(ctx context.Context, name string) error
}

// Live checks that the node's HTTP layer answers GET /, whatever the status: a node without an
// elected master answers 503 and is alive all the same. Only a node that does not answer at all
// is wedged, and the kubelet then restarts it.
func Live(ctx context.Context, c Client) error {
	if err := c.Answers(ctx); err != nil {
		return fmt.Errorf("the node does not answer on HTTP: %w", err)
	}
	return nil
}

// ErrNotJoined is Ready's answer while the node serves HTTP but has not joined an elected
// master's (OpenSearch: cluster manager's) cluster.
var ErrNotJoined = errors.New("the node answers but knows no elected master (cluster manager): it has not joined its cluster")

// Ready checks that the node answers and has joined its cluster: its own cluster state
// (local=true, answered without a master) names an elected master. Serving HTTP alone is not
// enough: a node that looks for a master answers too.
func Ready(ctx context.Context, c Client) error {
	st, err := c.LocalState(ctx, "master_node")
	if err != nil {
		return fmt.Errorf("reading the node's cluster state: %w", err)
	}
	if st.MasterNode == "" {
		return ErrNotJoined
	}
	return nil
}

// Facts are what both engines report of their node.
type Facts struct {
	Version, ClusterUUID string
	// Self is the node as its stats describe it; nil when they could not be read this time.
	Self *rest.LocalNode
	// Health is the cluster health the node sees, unknown while it knows no elected master.
	Health navv1alpha1.SearchHealth
	// Master is the elected master's (cluster manager's) id; empty when the node knows none.
	Master string
}

// Observe reads the facts. last holds the values last reported, kept for the facts that cannot be
// read now (health becomes unknown, as on a node that knows no master). answered is false when
// the node does not answer GET /: then it answers nothing else, and nothing more is asked.
func Observe(ctx context.Context, c Client, last Facts) (f Facts, answered bool, err error) {
	f = last
	f.Self = nil
	root, err := c.Info(ctx)
	if err != nil {
		f.Health, f.Master = navv1alpha1.HealthUnknown, ""
		return f, false, fmt.Errorf("GET /: %w", err)
	}
	f.Version, f.ClusterUUID = root.Version.Number, root.FormedUUID()
	var errs []error
	if self, err := c.Local(ctx); err != nil {
		errs = append(errs, fmt.Errorf("reading the node's stats: %w", err))
	} else {
		f.Self = &self
	}
	// The master before and after the health: a node without an elected master answers red
	// (ClusterStateHealth under the no-master block, also while it starts), which says nothing
	// of the cluster's shards. Its health is unknown then, as a node's that does not answer.
	before, errBefore := c.LocalState(ctx, "master_node")
	if f.Health, err = c.Health(ctx); err != nil {
		errs = append(errs, fmt.Errorf("reading the cluster health: %w", err))
	}
	after, err := c.LocalState(ctx, "master_node")
	if err = errors.Join(errBefore, err); err != nil {
		errs = append(errs, fmt.Errorf("reading the node's cluster state: %w", err))
		f.Master = ""
	} else {
		f.Master = after.MasterNode
	}
	if f.Master == "" || before == nil || before.MasterNode == "" {
		f.Health = navv1alpha1.HealthUnknown
	}
	return f, true, errors.Join(errs...)
}

// ExcludeSelf adds the node's voting configuration exclusion unless the cluster state has it.
// waiting is true while the engine has not yet taken the node out of the voting configuration
// (a timeout_exception); the next call asks again, which adds nothing twice. added, when not
// nil, runs once the exclusion is written (the Elasticsearch engine's failpoint).
func ExcludeSelf(ctx context.Context, c Client, self rest.LocalNode, added func(context.Context) error) (waiting bool, err error) {
	st, err := c.LocalState(ctx, "metadata", "metadata.cluster_coordination.voting_config_exclusions")
	if err != nil {
		return false, fmt.Errorf("reading the voting configuration exclusions: %w", err)
	}
	if st.Excluded(self.ID) {
		return false, nil
	}
	err = c.ExcludeFromVoting(ctx, self.Name)
	if (err == nil || rest.IsTimeout(err)) && added != nil {
		// Added, or added and not yet in effect: the write has happened either way.
		if err := added(ctx); err != nil {
			return false, err
		}
	}
	switch {
	case rest.IsTimeout(err):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("excluding the node from the voting configuration: %w", err)
	}
	return false, nil
}

// Members is the elected master's view of the cluster's nodes and voting configuration
// exclusions, for the cleanups only it runs.
func Members(ctx context.Context, c Client) (*rest.StateView, error) {
	st, err := c.LocalState(ctx, "nodes,metadata",
		"cluster_uuid", "nodes.*.name", "metadata.cluster_coordination.voting_config_exclusions")
	if err != nil {
		return nil, err
	}
	if len(st.Nodes) == 0 {
		// The master is always in its own state: an empty list is a misread, and taken at its
		// word it would make every node look departed.
		return nil, errors.New("the cluster state lists no nodes")
	}
	return st, nil
}

// Act runs the step of Leave or PrepareRestart; engine names the engine in the refusal of any
// other action.
func Act(ctx context.Context, engine string, action navv1alpha1.PilotAction, leave, prepareRestart func(context.Context) (navv1alpha1.ActionPhase, string, error)) (navv1alpha1.PilotActionStatus, error) {
	st := navv1alpha1.PilotActionStatus{Action: action, Phase: navv1alpha1.ActionInProgress}
	var err error
	switch action {
	case navv1alpha1.ActionLeave:
		st.Phase, st.Message, err = leave(ctx)
	case navv1alpha1.ActionPrepareRestart:
		st.Phase, st.Message, err = prepareRestart(ctx)
	default:
		return st, fmt.Errorf("the %s engine does not carry out %s (Cleanup is a Cassandra action)", engine, action)
	}
	return st, err
}
