package nodes

import (
	"fmt"
	"slices"
	"strings"
	"time"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// Joining names the nodes that exist but have not joined yet (silent ones excepted: they are
// reported as stale, not as joining).
func Joining(all []*Node) []string {
	var out []string
	for _, n := range all {
		if !n.Ready() && (n.Pilot == nil || n.State != pilot.NodeUnknown) {
			out = append(out, n.Name)
		}
	}
	return out
}

// NextStaleness is when the freshest-looking Pilot report goes stale: a silent pilot sends no
// event, so the controller wakes itself to report the node unknown. Zero when none will.
func NextStaleness(all []*Node, now time.Time, staleAfter time.Duration) time.Duration {
	var next time.Duration
	for _, n := range all {
		if n.Pilot == nil || n.Pilot.Status.LastHeartbeatTime == nil || n.State == pilot.NodeUnknown {
			continue
		}
		d := n.Pilot.Status.LastHeartbeatTime.Add(staleAfter).Sub(now) + time.Second
		if d > 0 && (next == 0 || d < next) {
			next = d
		}
	}
	return next
}

// CommonVersion is the version every node's fresh report gives, or empty when they differ or
// some node has not reported.
func CommonVersion(all []*Node) string {
	v := ""
	for _, n := range all {
		if n.State == pilot.NodeUnknown || n.Pilot.Status.Version == "" {
			return ""
		}
		if v != "" && v != n.Pilot.Status.Version {
			return ""
		}
		v = n.Pilot.Status.Version
	}
	return v
}

// Silent names the nodes with a pod whose pilot has not reported recently, candidate excepted:
// a restart is how a wedged node recovers, so its own silence does not hold it.
func Silent(all []*Node, candidate *Node) []string {
	var out []string
	for _, n := range all {
		if n != candidate && n.State == pilot.NodeUnknown && n.Pod != nil {
			out = append(out, n.Name)
		}
	}
	return out
}

// OverBudget says why candidate may not go down now, or is empty: at most maxUnavailable
// (at least one) nodes down at once, besides candidate.
func OverBudget(maxUnavailable int32, candidate *Node, inFlight []*Node) string {
	budget := max(maxUnavailable, 1)
	down := int32(0)
	for _, n := range inFlight {
		if n != candidate {
			down++
		}
	}
	if down >= budget {
		return fmt.Sprintf("%d node(s) already restarting; maxUnavailable is %d", down, budget)
	}
	return ""
}

// Tally counts a pool's nodes into its status, and names the nodes not ready, silent ones
// apart.
func Tally(name string, pool []*Node) (ps navv1alpha1.NodePoolStatus, notReady, stale []string) {
	ps = navv1alpha1.NodePoolStatus{Name: name, Version: CommonVersion(pool)}
	for _, n := range pool {
		if n.Pod != nil {
			ps.Replicas++
		}
		if n.Updated {
			ps.UpdatedReplicas++
		}
		switch {
		case n.Ready():
			ps.ReadyReplicas++
		case n.Stale():
			stale = append(stale, n.Name)
		default:
			notReady = append(notReady, n.Name)
		}
	}
	return ps, notReady, stale
}

// Rolling sorts the nodes of a rolling restart: outdated ones run an older revision than their
// StatefulSet's; in flight are those down or on their way down (no pod, asked to prepare for a
// restart, or unready whatever the cause: maxUnavailable bounds nodes down, not only nodes
// Navigator took down).
func Rolling[N Candidate](all []N) (outdated, inFlight []N) {
	for _, c := range all {
		n := c.Base()
		switch {
		case n.Pod == nil:
			inFlight = append(inFlight, c)
		case !n.Updated:
			outdated = append(outdated, c)
			if n.Pilot != nil && n.Pilot.Spec.Action == navv1alpha1.ActionPrepareRestart {
				inFlight = append(inFlight, c)
			}
		case !n.Ready():
			inFlight = append(inFlight, c)
		}
	}
	return outdated, inFlight
}

// Exited describes the nodes whose database ended without being asked to and does not serve
// since: "<node>: exited with status <code>: <what it said last>". A node that cannot start (a
// setting its engine refuses, a disk it cannot use) says so here, in its engine's own words,
// rather than as one more node not ready. A node whose last report was such an exit and that
// has not reported since (its pod waits out a crash loop's back-off) is still described, as
// that report is the last word on it; names lists the nodes described.
func Exited(all []*Node) (names, messages []string) {
	for _, n := range all {
		if n.Pilot == nil || n.Ready() || n.Pilot.Status.LastExit == nil {
			continue
		}
		e := n.Pilot.Status.LastExit
		msg := fmt.Sprintf("%s: exited with status %d", n.Name, e.Code)
		if e.Message != "" {
			msg += ": " + e.Message
		}
		if n.Stale() {
			msg += " (no report since)"
		}
		names, messages = append(names, n.Name), append(messages, msg)
	}
	return names, messages
}

// Unheard is the part of a cluster's Degraded verdict both engines share: the nodes whose
// database exited unasked (reason DatabaseExited, in the engine's words), then the nodes whose
// pilots have not reported recently (stale, by name; reason PilotsStale). Empty when neither.
func Unheard(all []*Node, stale []string) (reason, message string) {
	exitedNodes, exited := Exited(all)
	stale = slices.DeleteFunc(slices.Clone(stale), func(n string) bool { return slices.Contains(exitedNodes, n) })
	unknown := ""
	if len(stale) > 0 {
		unknown = "state unknown: no recent report from " + strings.Join(stale, ", ")
	}
	switch {
	case len(exited) > 0 && unknown != "":
		return navv1alpha1.ReasonDatabaseExited, strings.Join(exited, "; ") + "; " + unknown
	case len(exited) > 0:
		return navv1alpha1.ReasonDatabaseExited, strings.Join(exited, "; ")
	case unknown != "":
		return navv1alpha1.ReasonPilotsStale, unknown
	}
	return "", ""
}
