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
	"logger.", "cluster.auto_shrink_voting_configuration", "cluster.routing.allocation.total_shards_per_node",
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
	case "cluster.routing.allocation.total_shards_per_node":
		if n, err := strconv.Atoi(v); err != nil {
			return errType(400, "illegal_argument_exception", "Failed to parse value [%s] for setting [%s]", v, key)
		} else if n < -1 {
			return errType(400, "illegal_argument_exception", "Failed to parse value [%s] for setting [%s] must be >= -1", v, key)
		}
	case "indices.recovery.max_bytes_per_sec":
		if _, err := parseBytes(v); err != nil {
			return errType(400, "illegal_argument_exception", "failed to parse setting [%s] with value [%s] as a size in bytes: %v", key, v, err)
		}
	}
	return nil
}

// effective merges the master's elasticsearch.yml, persistent and transient settings; transient
// wins over persistent, and both over the file (ClusterSettings applies the cluster state's
// settings over the node's own, as ClusterApplierService does on every state).
func effective(s *ClusterState) map[string]string {
	out := maps.Clone(s.MasterSettings)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, s.Persistent)
	maps.Copy(out, s.Transient)
	return out
}

// dynamicOf keeps the dynamic cluster settings of a node's elasticsearch.yml.
func dynamicOf(settings map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range settings {
		if known(k) {
			out[k] = v
		}
	}
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
	set.Filters = map[string]cluster.NodeFilters{}
	for _, group := range []string{cluster.FilterRequire, cluster.FilterInclude, cluster.FilterExclude} {
		prefix := "cluster.routing.allocation." + group + "."
		for key, v := range eff {
			attr, ok := strings.CutPrefix(key, prefix)
			if values := splitList(v); ok && len(values) > 0 {
				if set.Filters[group] == nil {
					set.Filters[group] = cluster.NodeFilters{}
				}
				set.Filters[group][attr] = values
			}
		}
	}
	set.Awareness = splitList(eff["cluster.routing.allocation.awareness.attributes"])
	set.ForcedAwareness = map[string][]string{}
	for key, v := range eff {
		rest, ok := strings.CutPrefix(key, "cluster.routing.allocation.awareness.force.")
		if attr, ok2 := strings.CutSuffix(rest, ".values"); ok && ok2 {
			if values := splitList(v); len(values) > 0 {
				set.ForcedAwareness[attr] = values
			}
		}
	}
	set.TotalShardsPerNode = -1
	if v, ok := eff["cluster.routing.allocation.total_shards_per_node"]; ok {
		set.TotalShardsPerNode, _ = strconv.Atoi(v)
	}
	// A setting reset to null falls back to the default, as any Elasticsearch setting does.
	set.RecoveryBytesPerSecond = set.DefaultRecoveryBytesPerSecond
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
			// The nodes the exclusions kept out vote again: Elasticsearch's master reconfigures
			// after every publication (CoordinatorPublication's completion calls
			// Coordinator.scheduleReconfigurationIfNeeded), so the configuration grows back
			// once the cleared state is out.
			s.Coordination.ClearExclusions()
			s.Coordination.Reconfigure(s.members(), true)
			return nil
		}
		if err := s.Coordination.AddExclusions(req.NodeNames, req.NodeIDs, s.members()); err != nil {
			return errType(400, "illegal_argument_exception", "%v", err)
		}
		s.Coordination.Reconfigure(s.members(), true)
		return nil
	})
	return &struct{}{}, err
}
