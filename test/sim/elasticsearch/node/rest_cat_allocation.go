package node

import (
	"net"
	"strconv"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
)

// restCatAllocation is GET _cat/allocation (RestAllocationAction): per data node, the copies it
// holds and its disk as the elected master's cluster info last saw it; the disk columns are
// empty (null in JSON) until the master has collected the node's usage.
func (n *Node) restCatAllocation(w *response, req *request) {
	st, ok := n.stateFor(w, req)
	if !ok {
		return
	}
	cols := []string{"shards", "disk.indices", "disk.used", "disk.avail", "disk.total", "disk.percent", "host", "ip", "node"}
	t := &table{columns: cols, defaults: cols, aliases: map[string]string{"s": "shards", "di": "disk.indices", "du": "disk.used",
		"da": "disk.avail", "dt": "disk.total", "dp": "disk.percent", "h": "host", "i": "ip", "n": "node"}}
	for _, m := range st.sortedNodes() {
		node, data := st.Allocation.Nodes[m.ID]
		if !data {
			continue
		}
		shards, bytes := 0, int64(0)
		for _, c := range st.Allocation.Copies {
			if c.Node == m.ID && c.State != cluster.Unassigned {
				shards++
				bytes += st.Allocation.Indices[c.Index].Docs[c.Shard] * st.Allocation.Settings.DocBytes
			}
		}
		host, _, _ := net.SplitHostPort(m.Transport)
		row := map[string]string{"shards": strconv.Itoa(shards), "disk.indices": cluster.FormatBytes(bytes), "host": host, "ip": host, "node": m.Name}
		if d := node.Disk; d != nil {
			used := d.Total - d.Free
			row["disk.used"], row["disk.avail"], row["disk.total"] = cluster.FormatBytes(used), cluster.FormatBytes(d.Free), cluster.FormatBytes(d.Total)
			row["disk.percent"] = strconv.FormatInt(100*used/d.Total, 10)
		}
		t.rows = append(t.rows, row)
	}
	t.write(w, req)
}
