package nodetool

import (
	"net"
	"strconv"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// StorageService returns the attributes of the StorageService MBean that nodetool status reads
// (tools/nodetool/Status.java), as StorageService computes them on the node whose view c is:
// the token map's endpoints (normal and bootstrapping), the failure detector's live and
// unreachable members, the joining, leaving and moving ones, each endpoint's load as
// FileUtils.stringifyFileSize prints it, the host ids, and the release. Endpoints are
// "address:port", as the WithPort attributes of 4.0 and later give them.
func StorageService(c *ring.Cluster, release string, mode ring.Mode) map[string]any {
	tokens := map[string]string{}
	var live, unreachable, joining, leaving, moving []string
	load, hostIDs := map[string]string{}, map[string]string{}
	for _, n := range c.Members() {
		ep := Endpoint(n)
		for _, t := range n.Tokens {
			tokens[strconv.FormatInt(int64(t), 10)] = ep
		}
		if n.Up {
			live = append(live, ep)
		} else {
			unreachable = append(unreachable, ep)
		}
		switch n.State {
		case ring.Joining:
			joining = append(joining, ep)
		case ring.Leaving:
			leaving = append(leaving, ep)
		case ring.Moving:
			moving = append(moving, ep)
		}
		load[ep] = fileSize(float64(n.Load()))
		hostIDs[ep] = n.HostID
	}
	return map[string]any{
		"TokenToEndpointWithPortMap": tokens,
		"LiveNodesWithPort":          orEmpty(live),
		"UnreachableNodesWithPort":   orEmpty(unreachable),
		"JoiningNodesWithPort":       orEmpty(joining),
		"LeavingNodesWithPort":       orEmpty(leaving),
		"MovingNodesWithPort":        orEmpty(moving),
		"LoadMapWithPort":            load,
		"EndpointWithPortToHostId":   hostIDs,
		"ReleaseVersion":             release,
		"OperationMode":              string(mode),
	}
}

// SnitchLocation is EndpointSnitchInfo.getDatacenter(host) and getRack(host) for a member of c,
// host being "address" or "address:port"; GossipingPropertyFileSnitch's defaults otherwise.
func SnitchLocation(c *ring.Cluster, host string) (dc, rack string) {
	addr := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		addr = h
	}
	if n := c.NodeAt(addr); n != nil {
		return n.DC, n.Rack
	}
	return "UNKNOWN_DC", "UNKNOWN_RACK"
}

// Endpoint is a node's InetAddressAndPort as getHostAddressAndPort prints it.
func Endpoint(n *ring.Node) string { return net.JoinHostPort(n.Address, strconv.Itoa(n.StoragePort)) }

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
