// Package pass is what one reconcile of a cluster resource does the same way for every engine:
// what the controller watches, when there is nothing to do, and the order of a pass (read, step
// unless paused, report). The engines' packages supply the steps and the status.
package pass
