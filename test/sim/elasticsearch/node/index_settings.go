package node

import (
	"strconv"
	"strings"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
)

// The dynamic index settings the simulator applies, by their names without "index.": the
// allocation filters (FilterAllocationDecider), the per-index shard cap
// (ShardsLimitAllocationDecider), and the delay before a departed node's copies are rebuilt
// elsewhere (UnassignedInfo).
const (
	routingPrefix      = "routing.allocation."
	totalShardsSetting = "routing.allocation.total_shards_per_node"
	delayedSetting     = "unassigned.node_left.delayed_timeout"
)

// indexSettingKey is the name of an index setting without its "index." prefix (and without the
// "settings." of a body that nests its settings so).
func indexSettingKey(key string) string {
	return strings.TrimPrefix(strings.TrimPrefix(key, "settings."), "index.")
}

// dynamicIndexSetting reports whether the simulator takes key (without "index.") as a dynamic
// index setting: number_of_replicas, refresh_interval and any routing.* or unassigned.*
// setting. All are stored and printed back; those named above are applied.
func dynamicIndexSetting(key string) bool {
	return key == "number_of_replicas" || key == "refresh_interval" ||
		strings.HasPrefix(key, "routing.") || strings.HasPrefix(key, "unassigned.")
}

// checkIndexSetting refuses a value Elasticsearch would refuse, naming the setting.
func checkIndexSetting(key string, v *string) error {
	if v == nil {
		return nil
	}
	switch key {
	case totalShardsSetting:
		if i, err := strconv.Atoi(*v); err != nil || i < -1 {
			return errType(400, "illegal_argument_exception", "Failed to parse value [%s] for setting [index.%s] must be >= -1", *v, key)
		}
	case delayedSetting:
		if _, err := parseTime(*v); err != nil {
			return errType(400, "illegal_argument_exception", "failed to parse setting [index.%s] with value [%s] as a time value: unit is missing or unrecognized", key, *v)
		}
	}
	return nil
}

// allocationOf is what the allocation model takes of an index's settings.
func allocationOf(settings map[string]string) cluster.IndexSettings {
	var out cluster.IndexSettings
	for key, v := range settings {
		switch {
		case key == totalShardsSetting:
			out.TotalShardsPerNode, _ = strconv.Atoi(v)
		case key == delayedSetting:
			if d, err := parseTime(v); err == nil {
				out.DelayedTimeout = &d
			}
		case strings.HasPrefix(key, routingPrefix):
			group, attr, ok := strings.Cut(strings.TrimPrefix(key, routingPrefix), ".")
			values := splitList(v)
			if !ok || len(values) == 0 || group != cluster.FilterRequire && group != cluster.FilterInclude && group != cluster.FilterExclude {
				continue
			}
			if out.Filters == nil {
				out.Filters = map[string]cluster.NodeFilters{}
			}
			if out.Filters[group] == nil {
				out.Filters[group] = cluster.NodeFilters{}
			}
			out.Filters[group][attr] = values
		}
	}
	return out
}

// mergeIndexSettings applies an update to an index's settings: a null value removes one, as a
// reset to its default.
func mergeIndexSettings(current map[string]string, update map[string]*string) map[string]string {
	out := make(map[string]string, len(current)+len(update))
	for k, v := range current {
		out[k] = v
	}
	for k, v := range update {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = *v
		}
	}
	return out
}
