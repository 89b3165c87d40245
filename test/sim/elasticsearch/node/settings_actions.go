package node

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/coordination"
)

// dynamicSettings are the cluster settings PUT _cluster/settings accepts. Those the model
// honours are applied by applySettings; the others are stored, as Elasticsearch stores them,
// and listed in the README as not modelled.
var dynamicSettings = []string{
	"cluster.routing.allocation.enable", "cluster.routing.allocation.exclude.",
	"cluster.routing.allocation.include.", "cluster.routing.allocation.require.",
	"cluster.routing.rebalance.enable", "cluster.routing.allocation.allow_rebalance",
	"cluster.routing.allocation.cluster_concurrent_rebalance", "cluster.routing.allocation.node_concurrent_recoveries",
	"cluster.routing.allocation.node_concurrent_incoming_recoveries", "cluster.routing.allocation.node_concurrent_outgoing_recoveries",
	"cluster.routing.allocation.disk.", "cluster.routing.allocation.awareness.",
	"indices.recovery.max_bytes_per_sec", "cluster.max_voting_config_exclusions", "cluster.max_shards_per_node",
	"action.destructive_requires_name", "action.auto_create_index", "cluster.info.update.interval",
	"logger.", "cluster.auto_shrink_voting_configuration",
}

// settingsRequest is PUT _cluster/settings, flattened; a nil value resets a setting.
type settingsRequest struct {
	Persistent map[string]*string `json:"persistent"`
	Transient  map[string]*string `json:"transient"`
}

func (n *Node) onClusterSettings(ctx context.Context, req *settingsRequest) (*settingsRequest, error) {
	_, err := n.change(ctx, func(s *ClusterState) error {
		for scope, updates := range map[string]map[string]*string{"persistent": req.Persistent, "transient": req.Transient} {
			target := s.Persistent
			if scope == "transient" {
				target = s.Transient
			}
			for key, v := range updates {
				if !known(key) {
					return errType(400, "illegal_argument_exception", "%s setting [%s], not recognized", scope, key)
				}
				if v == nil {
					delete(target, key)
					continue
				}
				if err := validateSetting(key, *v); err != nil {
					return err
				}
				target[key] = *v
			}
		}
		applySettings(s)
		s.Allocation.Reroute(time.Now())
		return nil
	})
	return req, err
}

func known(key string) bool {
	return slices.ContainsFunc(dynamicSettings, func(k string) bool {
		return key == k || strings.HasSuffix(k, ".") && strings.HasPrefix(key, k)
	})
}

func validateSetting(key, v string) error {
	switch key {
	case "cluster.routing.allocation.enable":
		if !slices.Contains([]string{"all", "primaries", "new_primaries", "none"}, strings.ToLower(v)) {
			return errType(400, "illegal_argument_exception", "Illegal allocation.enable value [%s]", strings.ToUpper(v))
		}
	case "indices.recovery.max_bytes_per_sec":
		if _, err := parseBytes(v); err != nil {
			return errType(400, "illegal_argument_exception", "failed to parse setting [%s] with value [%s] as a size in bytes: %v", key, v, err)
		}
	}
	return nil
}

// effective merges persistent and transient settings; transient wins, as in Elasticsearch.
func effective(s *ClusterState) map[string]string {
	out := maps.Clone(s.Persistent)
	maps.Copy(out, s.Transient)
	return out
}

// applySettings gives the allocation model the settings it honours.
func applySettings(s *ClusterState) {
	eff := effective(s)
	set := &s.Allocation.Settings
	set.Enable = cluster.EnableAll
	if v, ok := eff["cluster.routing.allocation.enable"]; ok {
		set.Enable = cluster.Enable(strings.ToLower(v))
	}
	set.ExcludeNames, set.ExcludeIDs = map[string]bool{}, map[string]bool{}
	for _, name := range splitList(eff["cluster.routing.allocation.exclude._name"]) {
		set.ExcludeNames[name] = true
	}
	for _, id := range splitList(eff["cluster.routing.allocation.exclude._id"]) {
		set.ExcludeIDs[id] = true
	}
	for _, key := range []string{"cluster.routing.allocation.exclude._ip", "cluster.routing.allocation.exclude._host"} {
		for _, addr := range splitList(eff[key]) {
			for _, node := range s.Nodes {
				if node.Host == addr {
					set.ExcludeIDs[node.ID] = true
				}
			}
		}
	}
	if v, ok := eff["indices.recovery.max_bytes_per_sec"]; ok {
		set.RecoveryBytesPerSecond, _ = parseBytes(v)
	}
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseBytes reads an Elasticsearch byte size ("40mb", "1gb", "512b").
func parseBytes(v string) (int64, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	units := []struct {
		suffix string
		mult   int64
	}{{"tb", 1 << 40}, {"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}, {"b", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			f, err := strconv.ParseFloat(num, 64)
			if err != nil || f < 0 {
				return 0, fmt.Errorf("not a byte size")
			}
			return int64(f * float64(u.mult)), nil
		}
	}
	return 0, fmt.Errorf("missing unit (b, kb, mb, gb, tb)")
}

// shutdownRequest is PUT _nodes/<id>/shutdown.
type shutdownRequest struct {
	NodeID          string        `json:"node_id"`
	Type            string        `json:"type"`
	Reason          string        `json:"reason"`
	AllocationDelay time.Duration `json:"allocation_delay"`
	Delete          bool          `json:"delete,omitempty"`
}

func (n *Node) onShutdown(ctx context.Context, req *shutdownRequest) (*struct{}, error) {
	_, err := n.change(ctx, func(s *ClusterState) error {
		if req.Delete {
			if _, ok := s.Allocation.Shutdowns[req.NodeID]; !ok {
				return errType(404, "resource_not_found_exception", "node [%s] is not currently shutting down", req.NodeID)
			}
			s.Allocation.DeleteShutdown(req.NodeID)
		} else {
			started := time.Now()
			if old, ok := s.Allocation.Shutdowns[req.NodeID]; ok {
				started = old.Started
			}
			s.Allocation.PutShutdown(cluster.Shutdown{NodeID: req.NodeID, Type: cluster.ShutdownType(req.Type), Reason: req.Reason,
				Started: started, AllocationDelay: req.AllocationDelay})
			n.log.info("o.e.x.s.TransportPutShutdownNodeAction", "creating shutdown record {nodeId=[%s], type=[%s], reason=[%s]}", req.NodeID, req.Type, req.Reason)
		}
		s.Allocation.Reroute(time.Now())
		return nil
	})
	return &struct{}{}, err
}

// exclusionsRequest adds (or, with Clear, removes) voting configuration exclusions.
type exclusionsRequest struct {
	NodeNames []string `json:"node_names,omitempty"`
	NodeIDs   []string `json:"node_ids,omitempty"`
	Clear     bool     `json:"clear,omitempty"`
}

func (n *Node) onExclusions(ctx context.Context, req *exclusionsRequest) (*struct{}, error) {
	_, err := n.change(ctx, func(s *ClusterState) error {
		if req.Clear {
			s.Coordination.ClearExclusions()
			return nil
		}
		names := slices.Clone(req.NodeNames)
		members := s.members()
		for _, id := range req.NodeIDs {
			if node, ok := s.Nodes[id]; ok {
				names = append(names, node.Name)
			} else {
				// An absent node may be excluded by ID; it counts toward the limit.
				members = append(members, coordination.Member{ID: id, Name: id, MasterEligible: true})
				names = append(names, id)
			}
		}
		if err := s.Coordination.AddExclusions(names, members); err != nil {
			return errType(400, "illegal_argument_exception", "%v", err)
		}
		s.Coordination.Reconfigure(s.members(), true)
		return nil
	})
	return &struct{}{}, err
}
