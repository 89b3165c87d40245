package cluster

import (
	"strings"
	"testing"
	"time"
)

const gb = int64(1) << 30

// setDisk gives node id a disk of 100gb with free gigabytes free, as the master's cluster info
// would.
func (w *world) setDisk(id string, free int64) {
	w.Nodes[id].Disk = &DiskUsage{Total: 100 * gb, Free: free * gb}
}

// decisions lists every other node's refusing deciders of a stalled removal, "decider: why".
func decisions(st ShutdownStatus) string {
	var got []string
	if st.Move != nil {
		for _, d := range st.Move.NodeDecisions {
			for _, r := range d.Deciders {
				got = append(got, r.Decider+": "+r.Explanation)
			}
		}
	}
	return strings.Join(got, "\n")
}

// TestLowWatermarkTakesNoReplicaButANewPrimary follows DiskThresholdDecider.canAllocate: above
// the low watermark (85% used by default) a node takes no replica, a new index's empty primary
// still, until it is above the high one too (90%).
func TestLowWatermarkTakesNoReplicaButANewPrimary(t *testing.T) {
	w := newWorld(t, 2, "8.15.3")
	w.setDisk("id-0", 50)
	w.setDisk("id-1", 12) // 88% used: between the watermarks
	w.index(t, "logs", 2, 1, 10)
	for _, c := range w.Copies {
		if !c.Primary && c.Node == "id-1" {
			t.Errorf("replica %s/%d on the node above the low watermark", c.Index, c.Shard)
		}
	}
	onFull := 0
	for _, c := range w.Copies {
		if c.Primary && c.Node == "id-1" {
			onFull++
		}
	}
	if onFull == 0 {
		t.Error("no new primary went to the node between the watermarks: a new index's empty primary may")
	}
	ok, why := diskThreshold(w.State, &Copy{Index: "logs", Shard: 0}, w.Nodes["id-1"])
	want := "the node is above the low watermark cluster setting [cluster.routing.allocation.disk.watermark.low=85%], having less than the minimum required [15gb] free space, actual free: [12gb], actual used: [88%]"
	if ok || why != want {
		t.Errorf("a replica onto the node: %v %q, want %q", ok, why, want)
	}
	w.setDisk("id-1", 5) // 95% used: above the high watermark
	ok, why = diskThreshold(w.State, &Copy{Index: "fresh", Shard: 0, Primary: true, Fresh: true, State: Unassigned}, w.Nodes["id-1"])
	if ok || !strings.HasPrefix(why, "the node is above the high watermark cluster setting [cluster.routing.allocation.disk.watermark.high=90%]") {
		t.Errorf("a new primary above the high watermark: %v %q", ok, why)
	}
}

// TestHighWatermarkMovesCopiesAway follows DiskThresholdDecider.canRemain: a node above the high
// watermark keeps no copy, and its copies go where there is room.
func TestHighWatermarkMovesCopiesAway(t *testing.T) {
	w := newWorld(t, 3, "8.15.3")
	w.index(t, "logs", 3, 1, 10)
	for id := range w.Nodes {
		w.setDisk(id, 50)
	}
	w.setDisk("id-2", 8)
	w.settle(t, time.Hour)
	for _, c := range w.Copies {
		if c.Node == "id-2" {
			t.Fatalf("copy %s/%d stays on a node above the high watermark", c.Index, c.Shard)
		}
	}
	if h, _ := w.Health(w.now); h != Green {
		t.Errorf("health %s: the two nodes with room hold both copies of each shard", h)
	}
}

// TestARemovalStalledByDiskSaysSo: a node leaves while the others are above the low watermark;
// its copies can go nowhere, and the removal stalls with Elasticsearch's explanation. With room
// again (the watermark raised), the removal completes.
func TestARemovalStalledByDiskSaysSo(t *testing.T) {
	w := newWorld(t, 3, "8.15.3")
	w.index(t, "solo", 3, 0, 10)
	for id := range w.Nodes {
		w.setDisk(id, 10)
	}
	w.PutShutdown(Shutdown{NodeID: "id-0", Type: ShutdownRemove, Started: w.now})
	w.settle(t, time.Minute)
	st, _ := w.Shutdown("id-0")
	if st.Status != "STALLED" || !strings.Contains(decisions(st), "disk_threshold: the node is above the low watermark cluster setting") {
		t.Fatalf("removal onto full nodes: %+v, decisions %q", st, decisions(st))
	}
	low, _ := ParseWatermark(WatermarkLow, "95%")
	high, _ := ParseWatermark(WatermarkHigh, "97%")
	flood, _ := ParseWatermark(WatermarkFlood, "99%")
	w.Settings.Disk.Low, w.Settings.Disk.High, w.Settings.Disk.Flood = low, high, flood
	w.settle(t, time.Hour)
	w.settle(t, time.Hour)
	if st, _ := w.Shutdown("id-0"); st.Status != "COMPLETE" {
		t.Errorf("removal with room again: %+v", st)
	}
}

// TestDiskWatermarksAreOff: with threshold_enabled false, or before the master knows any
// node's usage, the decider allows everything.
func TestDiskWatermarksAreOff(t *testing.T) {
	w := newWorld(t, 2, "8.15.3")
	if ok, _ := diskThreshold(w.State, &Copy{Index: "x"}, w.Nodes["id-0"]); !ok {
		t.Error("no usage known: the decider refused")
	}
	w.setDisk("id-0", 1)
	w.Settings.Disk.Enabled = false
	if ok, _ := diskThreshold(w.State, &Copy{Index: "x"}, w.Nodes["id-0"]); !ok {
		t.Error("threshold_enabled false: the decider refused")
	}
}

// TestWatermarksParseAndAgree follows RelativeByteSizeValue and the WatermarkValidator: a
// percentage, a ratio or a byte size; all three relative in increasing order, or all three
// absolute in decreasing order; and the headroom that caps a relative watermark on a big disk.
func TestWatermarksParseAndAgree(t *testing.T) {
	parse := func(key, v string) Watermark {
		t.Helper()
		w, err := ParseWatermark(key, v)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	for _, tc := range []struct{ low, high, flood, err string }{
		{"85%", "90%", "95%", ""},
		{"0.5", "0.6", "0.7", ""},
		{"10gb", "5gb", "1gb", ""},
		{"90%", "85%", "95%", "low disk watermark [90%] more than high disk watermark [85%]"},
		{"1gb", "5gb", "0b", "low disk watermark [1gb] less than high disk watermark [5gb]"},
		{"85%", "5gb", "1gb", "unable to consistently parse [cluster.routing.allocation.disk.watermark.low=85%], [cluster.routing.allocation.disk.watermark.high=5gb], and [cluster.routing.allocation.disk.watermark.flood_stage=1gb] as percentage or bytes"},
	} {
		err := ValidateWatermarks(parse(WatermarkLow, tc.low), parse(WatermarkHigh, tc.high), parse(WatermarkFlood, tc.flood))
		if (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
			t.Errorf("%s %s %s: %v, want %q", tc.low, tc.high, tc.flood, err, tc.err)
		}
	}
	if _, err := ParseWatermark(WatermarkLow, "lots"); err == nil {
		t.Error("a watermark of lots was read")
	}
	d := DefaultDiskSettings()
	if got := freeThreshold(d.Low, d.LowHeadroom, 10<<40); got != 200*gb {
		t.Errorf("free space the default low watermark asks of 10tb: %s, want the 200gb headroom", FormatBytes(got))
	}
	if got := describe(WatermarkLow, d.Low, d.LowHeadroom, 10<<40); got != "cluster.routing.allocation.disk.watermark.low.max_headroom=200gb" {
		t.Errorf("described as %q", got)
	}
	for b, want := range map[int64]string{0: "0b", 1023: "1023b", 1536: "1.5kb", 15 * gb: "15gb", 1<<50 + 1<<49: "1.5pb", 12*gb + gb/4: "12.2gb"} {
		if got := FormatBytes(b); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", b, got, want)
		}
	}
}
