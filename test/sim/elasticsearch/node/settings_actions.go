package node

import (
	"context"
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
		if _, err := diskSettings(effective(s)); err != nil {
			return errType(400, "illegal_argument_exception", "%s", err.Error())
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
	case cluster.WatermarkLow, cluster.WatermarkHigh, cluster.WatermarkFlood:
		if _, err := cluster.ParseWatermark(key, v); err != nil {
			return errType(400, "illegal_argument_exception", "%s", err.Error())
		}
	case "indices.recovery.max_bytes_per_sec":
		if _, err := cluster.ParseBytes(v); err != nil {
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
	set.Disk, _ = diskSettings(eff) // validated when written
	// A setting reset to null falls back to the default, as any Elasticsearch setting does.
	set.RecoveryBytesPerSecond = set.DefaultRecoveryBytesPerSecond
	if v, ok := eff["indices.recovery.max_bytes_per_sec"]; ok {
		set.RecoveryBytesPerSecond, _ = cluster.ParseBytes(v)
	}
}

// diskSettings reads the disk-based allocation settings (DiskThresholdSettings): the watermarks,
// which must agree with each other, and their headrooms, which default to none once any
// watermark is set.
func diskSettings(eff map[string]string) (cluster.DiskSettings, error) {
	d := cluster.DefaultDiskSettings()
	if v, ok := eff["cluster.routing.allocation.disk.threshold_enabled"]; ok {
		d.Enabled = !strings.EqualFold(v, "false")
	}
	explicit := false
	for key, w := range map[string]*cluster.Watermark{cluster.WatermarkLow: &d.Low, cluster.WatermarkHigh: &d.High, cluster.WatermarkFlood: &d.Flood} {
		if v, ok := eff[key]; ok {
			parsed, err := cluster.ParseWatermark(key, v)
			if err != nil {
				return d, err
			}
			*w, explicit = parsed, true
		}
	}
	if err := cluster.ValidateWatermarks(d.Low, d.High, d.Flood); err != nil {
		return d, err
	}
	for key, h := range map[string]*int64{cluster.WatermarkLow: &d.LowHeadroom, cluster.WatermarkHigh: &d.HighHeadroom, cluster.WatermarkFlood: &d.FloodHeadroom} {
		if explicit {
			*h = -1
		}
		if v, ok := eff[key+".max_headroom"]; ok && v != "-1" {
			b, err := cluster.ParseBytes(v)
			if err != nil {
				return d, err
			}
			*h = b
		} else if ok {
			*h = -1
		}
	}
	return d, nil
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
