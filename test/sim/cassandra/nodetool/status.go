package nodetool

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// statusView is what nodetool status shows, before Status.java lays it out.
type statusView struct {
	// effective is "Owns (effective)"; otherwise the column is "Owns" and every value "?".
	effective bool
	// tokenPerNode is the layout with each node's token instead of a token count.
	tokenPerNode bool
	datacenters  []statusDatacenter
	// note follows "Note: " at the end, when effective ownership could not be computed.
	note string
}

type statusDatacenter struct {
	name  string
	nodes []statusRow
}

type statusRow struct {
	code, address string
	load          int64
	loadKnown     bool
	tokens        int
	token         string
	owns          float64
	ownsKnown     bool
	hostID, rack  string
}

// Status is nodetool status [keyspace] run on a node.
func Status(c *ring.Cluster, on *ring.Node, o Options) (Result, error) {
	series, refused, err := connect(on)
	if err != nil || refused != nil {
		return deref(refused), err
	}
	v, failed := gatherStatus(c, series, o)
	if failed != nil {
		return *failed, nil
	}
	return Result{Stdout: v.render()}, nil
}

// gatherStatus collects the view as Status.java does: effective ownership (or the reason there is
// none), the token map's nodes (normal, leaving, joining) by datacenter in name order, and within
// a datacenter the order of the ArrayListMultimap that groups tokens by node.
func gatherStatus(c *ring.Cluster, series config.Version, o Options) (statusView, *Result) {
	v := statusView{effective: true}
	own, err := c.EffectiveOwnership(o.Keyspace)
	var illegalArgument *ring.IllegalArgumentError
	var illegalState *ring.IllegalStateError
	switch {
	case errors.As(err, &illegalArgument):
		return v, &Result{Stdout: "\nError: " + illegalArgument.Message + "\n", ExitCode: 1}
	case errors.As(err, &illegalState):
		v.effective, v.note = false, illegalState.Message
	case err != nil:
		return v, &Result{Stdout: "\nError: " + err.Error() + "\n", ExitCode: 1}
	}
	members := c.Members()
	tokens := 0
	byDC := map[string][]*ring.Node{}
	var dcs []string
	for _, n := range members {
		tokens += len(n.Tokens)
		if _, ok := byDC[n.DC]; !ok {
			dcs = append(dcs, n.DC)
		}
		byDC[n.DC] = append(byDC[n.DC], n)
	}
	// Status.java's test for vnodes compares the token count with the number of datacenters, not
	// of nodes: a single-token cluster with more nodes than datacenters prints the vnode layout.
	v.tokenPerNode = len(dcs) >= tokens
	for _, dc := range dcs {
		v.datacenters = append(v.datacenters, statusDatacenter{name: dc, nodes: statusRows(byDC[dc], own, series, o)})
	}
	return v, nil
}

// statusRows lists a datacenter's nodes, which Members gives in the token map's order, in the
// order nodetool prints them: that of a HashMap keyed by the printed address in 4.0, by
// "address:port" since 4.1.
func statusRows(nodes []*ring.Node, own map[string]float64, series config.Version, o Options) []statusRow {
	keys := make([]string, len(nodes))
	byKey := map[string]*ring.Node{}
	for i, n := range nodes {
		keys[i] = address(n, o.PrintPort || series.AtLeast(config.V41))
		byKey[keys[i]] = n
	}
	var rows []statusRow
	for _, k := range javaHashOrder(keys, multimapDefault) {
		n := byKey[k]
		owns, known := own[n.HostID]
		rows = append(rows, statusRow{
			code: n.StatusCode(), address: address(n, o.PrintPort),
			load: n.Load(), loadKnown: true,
			tokens: len(n.Tokens), token: lowestToken(n),
			owns: owns, ownsKnown: known,
			hostID: n.HostID, rack: n.Rack,
		})
	}
	return rows
}

func lowestToken(n *ring.Node) string {
	low := n.Tokens[0]
	for _, t := range n.Tokens {
		low = min(low, t)
	}
	return strconv.FormatInt(int64(low), 10)
}

// render lays the view out as Status.java prints it.
func (v statusView) render() string {
	owns := "Owns"
	if v.effective {
		owns = "Owns (effective)"
	}
	shared := &sharedTables{}
	for _, dc := range v.datacenters {
		t := shared.next()
		if v.tokenPerNode {
			t.add("--", "Address", "Load", owns, "Host ID", "Token", "Rack")
		} else {
			t.add("--", "Address", "Load", "Tokens", owns, "Host ID", "Rack")
		}
		for _, n := range dc.nodes {
			load, share := "?", "?"
			if n.loadKnown {
				load = fileSize(float64(n.load))
			}
			if n.ownsKnown && v.effective {
				share = percent(n.owns)
			}
			if v.tokenPerNode {
				t.add(n.code, n.address, load, share, n.hostID, n.token, n.rack)
			} else {
				t.add(n.code, n.address, load, strconv.Itoa(n.tokens), share, n.hostID, n.rack)
			}
		}
	}
	shared.complete()
	var b strings.Builder
	for i, dc := range v.datacenters {
		if i > 0 {
			b.WriteString("\n")
		}
		header := "Datacenter: " + dc.name
		b.WriteString(header + "\n" + strings.Repeat("=", utf8.RuneCountInString(header)) + "\n")
		b.WriteString("Status=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n")
		shared.tables[i].write(&b, "  ")
	}
	b.WriteString("\n")
	if v.note != "" {
		b.WriteString("Note: " + v.note + "\n")
	}
	return b.String()
}

func deref(r *Result) Result {
	if r == nil {
		return Result{}
	}
	return *r
}
