package node

import (
	"fmt"
	"net/http"
	"strings"
)

// explainRequest is the body of GET _cluster/allocation/explain (ClusterAllocationExplainRequest).
type explainRequest struct {
	Index       *string `json:"index"`
	Shard       *int    `json:"shard"`
	Primary     *bool   `json:"primary"`
	CurrentNode string  `json:"current_node"`
}

// restExplain is GET (or POST) _cluster/allocation/explain about a copy assigned to a node: the
// form Navigator's OpenSearch engine uses to learn why a copy stays on a node it drains. The
// form without current_node, and the one without a body (the first unassigned shard), are
// refused as not simulated rather than answered wrongly.
func (n *Node) restExplain(w *response, req *request) {
	var body explainRequest
	if err := req.body(&body); err != nil {
		w.error(err)
		return
	}
	if body.Index == nil || body.Shard == nil || body.Primary == nil {
		if body.Index == nil && body.Shard == nil && body.Primary == nil && body.CurrentNode == "" {
			w.error(errType(400, "illegal_argument_exception", "the simulator explains only a copy named by index, shard, primary and current_node"))
			return
		}
		// ClusterAllocationExplainRequest.validate: each missing field, numbered.
		var missing []string
		if body.Index == nil {
			missing = append(missing, "index")
		}
		if body.Shard == nil {
			missing = append(missing, "shard")
		}
		if body.Primary == nil {
			missing = append(missing, "primary")
		}
		msg := "Validation Failed: "
		for i, field := range missing {
			msg += fmt.Sprintf("%d: %s must be specified;", i+1, field)
		}
		w.error(errType(400, "action_request_validation_exception", "%s", msg))
		return
	}
	if body.CurrentNode == "" {
		w.error(errType(400, "illegal_argument_exception", "the simulator explains only a copy named by index, shard, primary and current_node"))
		return
	}
	st, ok := n.stateFor(w, req)
	if !ok {
		return
	}
	if _, ok := st.Indices[*body.Index]; !ok {
		w.error(errIndexNotFound(*body.Index))
		return
	}
	current, ok := st.nodeNamed(body.CurrentNode)
	if !ok {
		w.error(errType(400, "illegal_argument_exception", "unable to find node with id or name [%s]", body.CurrentNode))
		return
	}
	e, err := st.Allocation.ExplainAssigned(*body.Index, *body.Shard, *body.Primary, current.ID)
	if err != nil {
		w.error(errType(400, "illegal_argument_exception", "%s", err.Error()))
		return
	}
	out := map[string]any{
		"index": *body.Index, "shard": *body.Shard, "primary": *body.Primary,
		"current_state": strings.ToLower(string(e.Copy.State)),
		"current_node":  map[string]any{"id": current.ID, "name": current.Name, "transport_address": current.Transport},
	}
	if e.CanRemain {
		// MoveDecision.toXContent for a copy that may stay: the rebalance part, which the
		// simulator does not model beyond "it stays".
		out["can_remain_on_current_node"] = "yes"
		out["can_rebalance_cluster"] = "yes"
		out["can_rebalance_to_other_node"] = "no"
		out["rebalance_explanation"] = "cannot rebalance as no target node exists that can both allocate this shard and improve the cluster balance"
		w.json(http.StatusOK, out)
		return
	}
	for k, v := range moveDecisionBody(st, e.Move) {
		out[k] = v
	}
	out["can_move_to_other_node"] = e.CanMove
	w.json(http.StatusOK, out)
}

// nodeNamed finds a member by ID or name, as DiscoveryNodes.resolveNode does for current_node.
func (st *ClusterState) nodeNamed(idOrName string) (Member, bool) {
	if m, ok := st.Nodes[idOrName]; ok {
		return m, true
	}
	for _, m := range st.Nodes {
		if m.Name == idOrName {
			return m, true
		}
	}
	return Member{}, false
}
