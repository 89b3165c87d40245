package cluster

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The disk-based shard allocation of Elasticsearch (DiskThresholdDecider, DiskThresholdSettings,
// RelativeByteSizeValue): each data node's disk usage, as the elected master last collected it
// from the nodes' stats (InternalClusterInfoService), against three watermarks. Above the low
// one a node takes no copy but a new index's primary; above the high one it takes none, and
// copies may not stay; a copy may not go where it would bring the node above the high one.

// DiskUsage is a node's data path as its file system reports it (FsInfo: total and available
// bytes).
type DiskUsage struct {
	Total int64 `json:"total"`
	Free  int64 `json:"free"`
}

// Watermark is one of cluster.routing.allocation.disk.watermark.{low,high,flood_stage}: a share
// of the disk used ("85%", "0.85") or, absolute, the free space a node must keep ("500mb").
type Watermark struct {
	Raw      string  `json:"raw"`
	Absolute bool    `json:"absolute"`
	Used     float64 `json:"used"` // relative: the used share, 0–1
	Free     int64   `json:"free"` // absolute: free bytes
}

// ParseWatermark reads a watermark as RelativeByteSizeValue.parseRelativeByteSizeValue does: a
// percentage or a ratio, else a byte size.
func ParseWatermark(key, raw string) (Watermark, error) {
	v := strings.TrimSpace(raw)
	if p, ok := strings.CutSuffix(v, "%"); ok {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || f < 0 || f > 100 {
			return Watermark{}, fmt.Errorf("failed to parse [%s] as a percentage for setting [%s]", raw, key)
		}
		return Watermark{Raw: raw, Used: f / 100}, nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if f < 0 || f > 1 {
			return Watermark{}, fmt.Errorf("failed to parse [%s] as a ratio for setting [%s]: ratios must be between 0.0 and 1.0", raw, key)
		}
		return Watermark{Raw: raw, Used: f}, nil
	}
	b, err := ParseBytes(v)
	if err != nil {
		return Watermark{}, fmt.Errorf("failed to parse setting [%s] with value [%s] as a size in bytes: unit is missing or unrecognized", key, raw)
	}
	return Watermark{Raw: raw, Absolute: true, Free: b}, nil
}

// DiskSettings are the disk-based allocation settings the model honours.
type DiskSettings struct {
	// Enabled is cluster.routing.allocation.disk.threshold_enabled (true unless set false).
	Enabled bool `json:"enabled"`
	// Low, High, Flood are the watermarks (85%, 90%, 95% by default).
	Low, High, Flood Watermark
	// Headroom caps, for relative watermarks, the free space each asks for: 200GB, 150GB and
	// 100GB while no watermark is set explicitly (the max_headroom settings' defaults), none
	// (-1) once one is.
	LowHeadroom, HighHeadroom, FloodHeadroom int64
}

// Watermark setting keys.
const (
	WatermarkLow   = "cluster.routing.allocation.disk.watermark.low"
	WatermarkHigh  = "cluster.routing.allocation.disk.watermark.high"
	WatermarkFlood = "cluster.routing.allocation.disk.watermark.flood_stage"
)

// DefaultDiskSettings are Elasticsearch's defaults.
func DefaultDiskSettings() DiskSettings {
	low, _ := ParseWatermark(WatermarkLow, "85%")
	high, _ := ParseWatermark(WatermarkHigh, "90%")
	flood, _ := ParseWatermark(WatermarkFlood, "95%")
	return DiskSettings{Enabled: true, Low: low, High: high, Flood: flood,
		LowHeadroom: 200 << 30, HighHeadroom: 150 << 30, FloodHeadroom: 100 << 30}
}

// ValidateWatermarks is DiskThresholdSettings.WatermarkValidator: all three relative with
// low ≤ high ≤ flood, or all three absolute with low ≥ high ≥ flood free bytes.
func ValidateWatermarks(low, high, flood Watermark) error {
	switch {
	case !low.Absolute && !high.Absolute && !flood.Absolute:
		if low.Used > high.Used {
			return fmt.Errorf("low disk watermark [%s] more than high disk watermark [%s]", low.Raw, high.Raw)
		}
		if high.Used > flood.Used {
			return fmt.Errorf("high disk watermark [%s] more than flood stage disk watermark [%s]", high.Raw, flood.Raw)
		}
	case low.Absolute && high.Absolute && flood.Absolute:
		if low.Free < high.Free {
			return fmt.Errorf("low disk watermark [%s] less than high disk watermark [%s]", low.Raw, high.Raw)
		}
		if high.Free < flood.Free {
			return fmt.Errorf("high disk watermark [%s] less than flood stage disk watermark [%s]", high.Raw, flood.Raw)
		}
	default:
		return fmt.Errorf("unable to consistently parse [%s=%s], [%s=%s], and [%s=%s] as percentage or bytes",
			WatermarkLow, low.Raw, WatermarkHigh, high.Raw, WatermarkFlood, flood.Raw)
	}
	return nil
}

// freeThreshold is the free space a watermark asks of a disk of total bytes
// (getFreeBytesThreshold*Stage): an absolute one its bytes; a relative one the unused share,
// capped by the headroom when there is one.
func freeThreshold(w Watermark, headroom, total int64) int64 {
	if w.Absolute {
		return w.Free
	}
	free := int64(math.Ceil(float64(total) * (1 - w.Used)))
	if headroom >= 0 && free > headroom {
		return headroom
	}
	return free
}

// describe is DiskThresholdSettings.describeThreshold with the setting key: the watermark, or
// the headroom when it is what decides.
func describe(key string, w Watermark, headroom, total int64) string {
	if !w.Absolute && headroom >= 0 && freeThreshold(w, headroom, total) != freeThreshold(w, -1, total) {
		return key + ".max_headroom=" + FormatBytes(headroom)
	}
	return key + "=" + w.Raw
}

// diskUsage is the node's usage as the decider sees it (getDiskUsage): its free bytes less the
// copies recovering onto it (relocations, which sizeOfUnaccountedShards counts, and replica
// recoveries, for which the node reserves space that ClusterInfo.getReservedSpace reports), and,
// when the copy is to stay, plus those relocating away. ok is false when the master knows no
// usage of the node.
func (s *State) diskUsage(n *Node, subtractLeaving bool) (total, free int64, ok bool) {
	if n.Disk == nil {
		return 0, 0, false
	}
	free = n.Disk.Free
	for _, c := range s.Copies {
		switch {
		case c.State == Initializing && c.Node == n.ID, c.State == Relocating && c.RelocatingTo == n.ID:
			free -= s.shardBytes(c)
		case subtractLeaving && c.State == Relocating && c.Node == n.ID:
			free += s.shardBytes(c)
		}
	}
	return n.Disk.Total, free, true
}

// usedPercent is Strings.format1Decimals of the used share: one decimal, none when it is 0.
func usedPercent(total, free int64) string {
	if total == 0 {
		return "0%"
	}
	return format1Decimals(100-100*float64(free)/float64(total)) + "%"
}

// knowsDisk reports whether the master has collected any node's disk usage: without any, the
// decider allows everything (YES_USAGES_UNAVAILABLE).
func (s *State) knowsDisk() bool {
	for _, n := range s.Nodes {
		if n.Disk != nil {
			return true
		}
	}
	return false
}

// diskThreshold is DiskThresholdDecider.canAllocate.
func diskThreshold(s *State, c *Copy, n *Node) (bool, string) {
	d := s.Settings.Disk
	if !d.Enabled || !s.knowsDisk() {
		return true, ""
	}
	total, free, ok := s.diskUsage(n, false)
	if !ok {
		return true, "" // the average of the others, in Elasticsearch; not modelled
	}
	if free < 0 {
		return false, fmt.Sprintf("the node has fewer free bytes remaining than the total size of all incoming shards: free space [%dB], relocating shards [%dB]",
			n.Disk.Free, n.Disk.Free-free)
	}
	low, high := freeThreshold(d.Low, d.LowHeadroom, total), freeThreshold(d.High, d.HighHeadroom, total)
	if free < low {
		// A new index's empty primary may go above the low watermark, not above the high one.
		if !c.Primary || !c.Fresh || active(c) {
			return false, fmt.Sprintf("the node is above the low watermark cluster setting [%s], having less than the minimum required [%s] free space, actual free: [%s], actual used: [%s]",
				describe(WatermarkLow, d.Low, d.LowHeadroom, total), FormatBytes(low), FormatBytes(free), usedPercent(total, free))
		}
		if free <= high {
			return false, fmt.Sprintf("the node is above the high watermark cluster setting [%s], having less than the minimum required [%s] free space, actual free: [%s], actual used: [%s]",
				describe(WatermarkHigh, d.High, d.HighHeadroom, total), FormatBytes(high), FormatBytes(free), usedPercent(total, free))
		}
		return true, ""
	}
	size := s.shardBytes(c)
	if free-size < high {
		return false, fmt.Sprintf("allocating the shard to this node will bring the node above the high watermark cluster setting [%s] and cause it to have less than the minimum required [%s] of free space (free: [%s], used: [%s], estimated shard size: [%s])",
			describe(WatermarkHigh, d.High, d.HighHeadroom, total), FormatBytes(high), FormatBytes(free), usedPercent(total, free), FormatBytes(size))
	}
	return true, ""
}

// diskRemain is DiskThresholdDecider.canRemain: a node above the high watermark, counting the
// copies leaving it as gone, keeps none.
func (s *State) diskRemain(n *Node) (bool, string) {
	d := s.Settings.Disk
	if !d.Enabled || !s.knowsDisk() {
		return true, ""
	}
	total, free, ok := s.diskUsage(n, true)
	if !ok {
		return true, ""
	}
	if high := freeThreshold(d.High, d.HighHeadroom, total); free < high {
		return false, fmt.Sprintf("the shard cannot remain on this node because it is above the high watermark cluster setting [%s] and there is less than the required [%s] free space on node, actual free: [%s], actual used: [%s]",
			describe(WatermarkHigh, d.High, d.HighHeadroom, total), FormatBytes(high), FormatBytes(free), usedPercent(total, free))
	}
	return true, ""
}

// ParseBytes reads an Elasticsearch byte size ("40mb", "1gb", "512b", "1pb").
func ParseBytes(v string) (int64, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	units := []struct {
		suffix string
		mult   float64
	}{{"pb", 1 << 50}, {"tb", 1 << 40}, {"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}, {"b", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			f, err := strconv.ParseFloat(num, 64)
			if err != nil || f < 0 {
				return 0, fmt.Errorf("not a byte size")
			}
			return int64(f * u.mult), nil
		}
	}
	return 0, fmt.Errorf("missing unit (b, kb, mb, gb, tb, pb)")
}

// FormatBytes prints a size as ByteSizeValue.toString does: the largest unit it reaches, one
// decimal at most ("1.5gb", "500mb", "0b").
func FormatBytes(b int64) string {
	units := []struct {
		suffix string
		size   float64
	}{{"pb", 1 << 50}, {"tb", 1 << 40}, {"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}}
	for _, u := range units {
		if float64(b) >= u.size {
			return format1Decimals(float64(b)/u.size) + u.suffix
		}
	}
	return strconv.FormatInt(b, 10) + "b"
}

// format1Decimals is Strings.format1Decimals: the value cut (not rounded) to one decimal, and
// no decimal when that one is 0.
func format1Decimals(v float64) string {
	cut := math.Trunc(v*10) / 10
	if cut == math.Trunc(cut) {
		return strconv.FormatFloat(cut, 'f', 0, 64)
	}
	return strconv.FormatFloat(cut, 'f', 1, 64)
}
