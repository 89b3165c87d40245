package rest

import "strings"

// NodeDecisions are the allocation deciders' refusals per node, as the allocation explain API
// prints them (node_allocation_decisions), and the shutdown API of Elasticsearch inside a
// stalled shard migration.
type NodeDecisions []struct {
	NodeName string `json:"node_name"`
	Deciders []struct {
		Explanation string `json:"explanation"`
	} `json:"deciders"`
}

// MaxExplanation bounds an explanation a Pilot's status carries: with many nodes, each one's
// refusal would otherwise make every report long.
const MaxExplanation = 1024

// Explain appends to out why each node refuses the copy (the first refusing decider's words):
// the reason a person needs (an allocation filter, a full disk) without asking the allocation
// explain API, bounded by MaxExplanation.
func Explain(out string, nodes NodeDecisions) string {
	var why []string
	for _, n := range nodes {
		if len(n.Deciders) > 0 {
			why = append(why, n.NodeName+": "+n.Deciders[0].Explanation)
		}
	}
	if len(why) > 0 {
		out += "; " + strings.Join(why, "; ")
	}
	if len(out) > MaxExplanation {
		out = out[:MaxExplanation-3] + "..."
	}
	return out
}
