package pilot

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/navigator-dbaas/navigator/internal/search/rest"
)

// drain is the progress of moving a node's shard copies away while it is excluded from
// allocation: what OpenSearch's missing node shutdown API would have reported.
type drain struct {
	remaining, relocating int32
	// done: the node may go. Nothing remains, or every copy left cannot move and its shard keeps
	// a started copy on a node that stays: Elasticsearch's shutdown API says COMPLETE then too
	// (TransportGetShutdownStatusAction.hasShardCopyOnAnotherNode), as when a data pool of two
	// shrinks to one with a replica per shard. The cluster is yellow once the node is gone, never
	// red, and waiting for such copies to move would wait for good.
	done bool
	// stalled: copies remain, none moves, and OpenSearch says at least one of them cannot move
	// while its shard has no started copy on a node that stays; explanation says why.
	stalled     bool
	explanation string
	message     string
}

// drainProgress judges the drain of the node self from where the cluster manager says the copies
// are. leaving are the names excluded from allocation, self's included: a copy on a node that
// leaves too keeps no shard.
func (e *Engine) drainProgress(ctx context.Context, self rest.LocalNode, leaving []string) (drain, error) {
	copies, err := e.api.shardCopies(ctx)
	if err != nil {
		return drain{}, fmt.Errorf("reading where the shard copies are: %w", err)
	}
	var d drain
	var mine []rest.ShardCopy
	moving := false
	for _, c := range copies {
		if c.NodeID != self.ID {
			continue
		}
		mine = append(mine, c)
		d.remaining++
		switch c.State {
		case "RELOCATING":
			d.relocating++
			moving = true
		case "INITIALIZING":
			moving = true // a recovery onto the node that began before it was excluded
		}
	}
	switch {
	case d.remaining == 0:
		d.done, d.message = true, "every shard copy has moved away: the node can be removed"
		return d, nil
	case moving:
		d.message = fmt.Sprintf("%d shard copies remaining, %d moving away", d.remaining, d.relocating)
		return d, nil
	}
	// Nothing moves: either OpenSearch is about to move copies (the exclusion was just written,
	// or its recoveries are throttled) or it cannot. Only its allocation deciders can tell, one
	// copy per call: a bounded number of calls per judgement, the copies already found unable
	// to move but kept elsewhere skipped while the node's copies stay as they are, so that a
	// node with hundreds of them is judged over a few steps instead of asking about each on
	// every step.
	fingerprint := copiesFingerprint(mine)
	settled := e.settledFor(fingerprint)
	budget := e.ExplainBudget
	if budget <= 0 {
		budget = maxExplains
	}
	for _, c := range mine {
		key := c.Name() + " " + c.Role()
		if settled[key] && keptElsewhere(c, copies, leaving) {
			continue
		}
		if budget == 0 {
			d.message = fmt.Sprintf("%d shard copies remaining, none moving; %d of them cannot move but keep a started copy on a node that stays, the others are still to be asked about",
				d.remaining, len(settled))
			return d, nil
		}
		budget--
		decision, err := e.api.explain(ctx, c)
		if err != nil {
			return drain{}, fmt.Errorf("asking why %s stays on the node: %w", c.Name(), err)
		}
		if !strings.EqualFold(decision.CanMove, "no") {
			d.message = fmt.Sprintf("%d shard copies remaining; OpenSearch is about to move %s (can_move_to_other_node: %s)", d.remaining, c.Name(), strings.ToLower(decision.CanMove))
			return d, nil
		}
		if !keptElsewhere(c, copies, leaving) {
			d.stalled = true
			d.explanation = explanation(c, decision)
			d.message = fmt.Sprintf("drain STALLED with %d shard copies remaining: %s", d.remaining, d.explanation)
			return d, nil
		}
		settled[key] = true
		e.settle(fingerprint, key)
	}
	d.done = true
	d.message = fmt.Sprintf("%d shard copies cannot move, and each shard keeps a started copy on a node that stays: the node can be removed", d.remaining)
	return d, nil
}

// maxExplains is the default bound of the allocation explain calls one judgement makes.
const maxExplains = 16

// settledCopies are the node's copies found unable to move while each keeps a started copy on a
// node that stays, valid while the node's copies are those of fingerprint. A verdict can age: a
// node that joins meanwhile could take such a copy. The drain may then end with the copy still
// here, which costs no data (the started copy elsewhere is checked afresh every time, as
// keptElsewhere) and only a rebuild after the node goes.
type settledCopies struct {
	fingerprint string
	keys        map[string]bool
}

// settledFor returns a copy of the settled copies of the node's copies as fingerprint says they
// are, forgetting those of any other.
func (e *Engine) settledFor(fingerprint string) map[string]bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.settled.fingerprint != fingerprint {
		e.settled = settledCopies{fingerprint: fingerprint, keys: map[string]bool{}}
	}
	return maps.Clone(e.settled.keys)
}

// settle records key as settled, unless the node's copies have changed meanwhile.
func (e *Engine) settle(fingerprint, key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.settled.fingerprint == fingerprint {
		e.settled.keys[key] = true
	}
}

// copiesFingerprint names the copies and their states: it changes when any of them moves.
func copiesFingerprint(copies []rest.ShardCopy) string {
	var parts []string
	for _, c := range copies {
		parts = append(parts, c.Name()+" "+c.Role()+" "+c.State)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// keptElsewhere reports whether the shard of c has a started copy on another node that does not
// leave.
func keptElsewhere(c rest.ShardCopy, copies []rest.ShardCopy, leaving []string) bool {
	return slices.ContainsFunc(copies, func(o rest.ShardCopy) bool {
		return o.SameShard(c) && o.NodeID != c.NodeID && o.State == "STARTED" && !slices.Contains(leaving, o.NodeName)
	})
}

// explanation is OpenSearch's move explanation for the copy and why each other node refuses it.
func explanation(c rest.ShardCopy, d *moveDecision) string {
	return rest.Explain(c.Name()+" "+c.Role()+": "+d.Explanation, d.Nodes)
}
