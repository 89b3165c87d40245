package progress

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// EmitEvents records, once, each operation that starts or changes phase, and each change of
// the Progressing reason, comparing the status before and after a reconcile.
func EmitEvents(rec events.EventRecorder, obj runtime.Object, old, cur *navv1alpha1.ClusterCommonStatus) {
	if rec == nil {
		return
	}
	for _, o := range cur.Operations {
		j := slices.IndexFunc(old.Operations, func(p navv1alpha1.NodeOperation) bool { return p.Node == o.Node })
		if j >= 0 && old.Operations[j].Type == o.Type && old.Operations[j].Phase == o.Phase && old.Operations[j].BlockedBy == o.BlockedBy {
			continue
		}
		typ, reason := corev1.EventTypeNormal, string(o.Type)
		note := fmt.Sprintf("%s %s: %s", o.Node, strings.ToLower(string(o.Phase)), o.Message)
		if o.Phase == navv1alpha1.OperationBlocked {
			typ, reason = corev1.EventTypeWarning, string(o.Type)+"Blocked"
			note = fmt.Sprintf("%s held by %s: %s", o.Node, o.BlockedBy, o.Message)
		}
		rec.Eventf(obj, nil, typ, reason, string(o.Type), "%s", note)
	}
	oldP, curP := meta.FindStatusCondition(old.Conditions, navv1alpha1.ConditionProgressing), meta.FindStatusCondition(cur.Conditions, navv1alpha1.ConditionProgressing)
	if curP != nil && (oldP == nil || oldP.Reason != curP.Reason) {
		rec.Eventf(obj, nil, corev1.EventTypeNormal, curP.Reason, "Reconcile", "%s", curP.Message)
	}
}

// Publish writes a cluster's new status as a merge patch and records the events of its changes.
// obj holds the status before; setStatus puts the new one in place.
func Publish(ctx context.Context, c client.Client, rec events.EventRecorder, obj client.Object, old, cur *navv1alpha1.ClusterCommonStatus, setStatus func()) error {
	EmitEvents(rec, obj, old, cur)
	before := obj.DeepCopyObject().(client.Object)
	setStatus()
	if err := c.Status().Patch(ctx, obj, client.MergeFrom(before), client.FieldOwner(pilot.FieldOwner)); err != nil {
		return fmt.Errorf("writing the status: %w", err)
	}
	return nil
}
