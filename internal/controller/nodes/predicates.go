package nodes

import (
	"fmt"
	"strings"
	"time"
)

// Names of the predicates every engine runs before it disrupts a node, as
// status.operations[].blockedBy reports them.
const (
	PredicatePilotsReporting = "PilotsReporting"
	PredicateNodesSettled    = "NodesSettled"
	PredicateWithinBudget    = "WithinBudget"
)

// Verdict is one predicate's answer about disrupting a node now: OK, or held by Predicate for
// Reason.
type Verdict struct {
	Predicate string
	OK        bool
	Reason    string
	// Wait, on a no, is how long until the clock alone turns it into a yes: the operation
	// waits its turn rather than being blocked, and the controller looks again then.
	Wait time.Duration
}

// Candidate is an engine's view of a node, built on this package's Node.
type Candidate interface {
	Base() *Node
}

// Base is the node itself; an engine's node type that embeds *Node has it too.
func (n *Node) Base() *Node { return n }

// Bases is the engine-neutral part of each of an engine's nodes, for the judgements of this
// package.
func Bases[N Candidate](ns []N) []*Node {
	out := make([]*Node, len(ns))
	for i, n := range ns {
		out[i] = n.Base()
	}
	return out
}

// Predicate decides whether candidate may go down while the inFlight nodes are down, from an
// engine's state S.
type Predicate[S any, N Candidate] func(s S, candidate N, inFlight []N) Verdict

// FirstNo runs predicates in order and returns the first that says no, which then names
// itself in the status, or an OK verdict.
func FirstNo[S any, N Candidate](predicates []Predicate[S, N], s S, candidate N, inFlight []N) Verdict {
	for _, p := range predicates {
		if v := p(s, candidate, inFlight); !v.OK {
			return v
		}
	}
	return Verdict{OK: true}
}

// PilotsReporting holds while another node's pilot is silent: that node may be down already,
// and nothing is disrupted on a guess. The candidate's own silence does not hold it: a restart is how a wedged node
// recovers.
func PilotsReporting(all []*Node, candidate *Node) Verdict {
	if silent := Silent(all, candidate); len(silent) > 0 {
		return Hold(PredicatePilotsReporting, "no recent report from "+strings.Join(silent, ", "))
	}
	return Pass(PredicatePilotsReporting)
}

// Settled holds while a node other than the candidate and those already down has been
// ready for less than minReady (spec.updateStrategy.minReadySeconds), by its pod's Ready
// condition: a node that fails right after it came back is not counted as back, and clients
// have time to learn a restarted node's new address before the next node goes down.
func Settled[N Candidate](all []N, candidate N, inFlight []N, minReady time.Duration, now time.Time) Verdict {
	var latest *Node
	var since time.Time
	for _, c := range all {
		n := c.Base()
		if n == candidate.Base() || containsBase(inFlight, n) || !n.Ready() {
			continue
		}
		if t, ok := readySince(n.Pod); ok && t.After(since) {
			latest, since = n, t
		}
	}
	if latest == nil || now.Sub(since) >= minReady {
		return Pass(PredicateNodesSettled)
	}
	v := Hold(PredicateNodesSettled, fmt.Sprintf("%s has been ready for %s of the %s (spec.updateStrategy.minReadySeconds) a node serves before the next goes down",
		latest.Name, max(now.Sub(since), 0).Round(time.Second), minReady))
	v.Wait = minReady - now.Sub(since)
	return v
}

func containsBase[N Candidate](ns []N, n *Node) bool {
	for _, c := range ns {
		if c.Base() == n {
			return true
		}
	}
	return false
}

// WithinBudget holds while maxUnavailable (spec.updateStrategy.maxUnavailable) nodes other than
// candidate are down.
func WithinBudget[N Candidate](maxUnavailable int32, candidate N, inFlight []N) Verdict {
	if why := OverBudget(maxUnavailable, candidate.Base(), Bases(inFlight)); why != "" {
		return Hold(PredicateWithinBudget, why)
	}
	return Pass(PredicateWithinBudget)
}

// Pass is predicate's yes.
func Pass(predicate string) Verdict { return Verdict{Predicate: predicate, OK: true} }

// Hold is predicate's no, saying why.
func Hold(predicate, reason string) Verdict {
	return Verdict{Predicate: predicate, Reason: reason}
}
