package controller

import (
	"context"
	"fmt"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
)

// modeJoiningFailed is the operation mode of a node whose bootstrap or replacement failed to
// stream its data (Cassandra 5.0, CASSANDRA-18555).
const modeJoiningFailed = "JOINING_FAILED"

// recoverFailedJoins restarts the nodes whose bootstrap or replacement failed. Such a node does
// not stop: it stays up, joining (UJ) in everyone's view, refusing clients ("Node is not yet
// bootstrapped completely", StorageService.bootstrap returned false), and while it does the ring
// is never settled, so every later join, decommission, cleanup and restart would wait for good.
// Its pod is deleted; the new pod holds what the failed attempt streamed, waits at its start gate
// for its turn like any joining node, and starts with its bootstrap progress reset
// (ResetBootstrapProgress), so that it streams every range afresh.
func (r *Reconciler) recoverFailedJoins(ctx context.Context, s *clusterState, prog *progress.Progress) error {
	for _, n := range s.nodes() {
		f := n.facts()
		if f == nil || f.Mode != modeJoiningFailed || n.Pod == nil || n.Pod.DeletionTimestamp != nil {
			continue
		}
		msg := fmt.Sprintf("%s failed to stream its data (%s); restarting it to stream every range afresh", n.Name, modeJoiningFailed)
		prog.Set(navv1alpha1.ReasonBootstrapping, msg)
		prog.Op(n.Name, n.pool.spec.Name, joinType(s, n), navv1alpha1.OperationInProgress, "", msg)
		if err := objects.DeletePod(ctx, r.Client, n.Pod, failpoint.CassandraFailedJoinerDeleted); err != nil {
			return err
		}
	}
	return nil
}
