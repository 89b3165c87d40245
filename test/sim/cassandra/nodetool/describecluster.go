package nodetool

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// describeView is what nodetool describecluster shows, before DescribeCluster.java lays it out.
type describeView struct {
	name, snitch, partitioner string
	dynamicSnitch             bool
	// schemaVersions and releases are in the order nodetool prints them.
	schemaVersions, releases                    []versionHosts
	live, joining, moving, leaving, unreachable int
	datacenters                                 []datacenterCount
	keyspaces                                   []keyspaceLine
	note                                        string
}

type versionHosts struct {
	version string
	hosts   []string
}

type datacenterCount struct {
	name        string
	nodes, down int
}

type keyspaceLine struct{ name, replication string }

// unreachable is the key StorageProxy.describeSchemaVersions files nodes that did not answer under.
const unreachable = "UNREACHABLE"

// DescribeCluster is nodetool describecluster run on a node.
func DescribeCluster(c *ring.Cluster, on *ring.Node, o Options) (Result, error) {
	_, refused, err := connect(on)
	if err != nil || refused != nil {
		return deref(refused), err
	}
	return Result{Stdout: gatherDescribe(c, o).render()}, nil
}

// gatherDescribe collects the view. Schema versions come from the nodes that answer (up ones),
// the others being UNREACHABLE; release versions from gossip, down nodes included, always with
// the port; both maps print in Java HashMap order. Nodes within a version are listed by
// datacenter and token (Cassandra's order there comes from a HashSet of InetAddressAndPort, which
// the simulator does not reproduce).
func gatherDescribe(c *ring.Cluster, o Options) describeView {
	v := describeView{
		name: c.Name, snitch: snitchClass(o.Snitch), dynamicSnitch: !o.DynamicSnitchOff,
		partitioner: "org.apache.cassandra.dht.Murmur3Partitioner",
	}
	schema, releases := &versionIndex{}, &versionIndex{}
	counts := map[string]*datacenterCount{}
	for _, n := range c.Members() {
		dc, ok := counts[n.DC]
		if !ok {
			dc = &datacenterCount{name: n.DC}
			counts[n.DC] = dc
		}
		dc.nodes++
		if n.Up {
			v.live++
			schema.add(c.SchemaVersion(n), address(n, o.PrintPort))
		} else {
			v.unreachable++
			dc.down++
			schema.add(unreachable, address(n, o.PrintPort))
		}
		switch n.State {
		case ring.Joining:
			v.joining++
		case ring.Leaving:
			v.leaving++
		case ring.Moving:
			v.moving++
		}
		releases.add(n.Release, address(n, true))
	}
	v.schemaVersions, v.releases = schema.inHashOrder(), releases.inHashOrder()
	for _, dc := range counts {
		v.datacenters = append(v.datacenters, *dc)
	}
	slices.SortFunc(v.datacenters, func(a, b datacenterCount) int { return cmp.Compare(a.name, b.name) })
	var names []string
	for _, ks := range c.Keyspaces() {
		names = append(names, ks.Name)
	}
	for _, name := range schemaOrder(names) {
		v.keyspaces = append(v.keyspaces, keyspaceLine{name, c.Keyspace(name).Replication.String()})
	}
	var illegalState *ring.IllegalStateError
	if _, err := c.EffectiveOwnership(""); errors.As(err, &illegalState) {
		v.note = illegalState.Message
	}
	return v
}

// versionIndex groups nodes by version, remembering the order versions were first met in.
type versionIndex struct {
	order []string
	hosts map[string][]string
}

func (x *versionIndex) add(version, host string) {
	if x.hosts == nil {
		x.hosts = map[string][]string{}
	}
	if _, ok := x.hosts[version]; !ok {
		x.order = append(x.order, version)
	}
	x.hosts[version] = append(x.hosts[version], host)
}

func (x *versionIndex) inHashOrder() []versionHosts {
	var out []versionHosts
	for _, v := range javaHashOrder(x.order, hashMapDefault) {
		out = append(out, versionHosts{v, x.hosts[v]})
	}
	return out
}

// schemaOrder is the order of Schema's keyspaces: the two local ones as Schema loads them, then
// the others as read back from system_schema.keyspaces, in the token order of their names.
func schemaOrder(names []string) []string {
	local := map[string]int{"system_schema": 0, "system": 1}
	out := slices.Clone(names)
	slices.SortStableFunc(out, func(a, b string) int {
		ra, aLocal := local[a]
		rb, bLocal := local[b]
		switch {
		case aLocal && bLocal:
			return ra - rb
		case aLocal:
			return -1
		case bLocal:
			return 1
		}
		return cmp.Compare(ring.TokenFor([]byte(a)), ring.TokenFor([]byte(b)))
	})
	return out
}

// snitchClass is the snitch's class name as DescribeCluster prints it.
func snitchClass(snitch string) string {
	switch {
	case snitch == "":
		return "org.apache.cassandra.locator.GossipingPropertyFileSnitch"
	case !strings.Contains(snitch, "."):
		return "org.apache.cassandra.locator." + snitch
	}
	return snitch
}

// render lays the view out as DescribeCluster.java prints it.
func (v describeView) render() string {
	var b strings.Builder
	dynamic := "disabled"
	if v.dynamicSnitch {
		dynamic = "enabled"
	}
	fmt.Fprintf(&b, "Cluster Information:\n\tName: %s\n\tSnitch: %s\n\tDynamicEndPointSnitch: %s\n\tPartitioner: %s\n",
		v.name, v.snitch, dynamic, v.partitioner)
	b.WriteString("\tSchema versions:\n")
	for _, s := range v.schemaVersions {
		fmt.Fprintf(&b, "\t\t%s: %s\n\n", s.version, javaList(s.hosts))
	}
	fmt.Fprintf(&b, "Stats for all nodes:\n\tLive: %d\n\tJoining: %d\n\tMoving: %d\n\tLeaving: %d\n\tUnreachable: %d\n",
		v.live, v.joining, v.moving, v.leaving, v.unreachable)
	b.WriteString("\nData Centers: \n")
	for _, dc := range v.datacenters {
		fmt.Fprintf(&b, "\t%s #Nodes: %d #Down: %d\n", dc.name, dc.nodes, dc.down)
	}
	b.WriteString("\nDatabase versions:\n")
	for _, r := range v.releases {
		fmt.Fprintf(&b, "\t%s: %s\n\n", r.version, javaList(r.hosts))
	}
	b.WriteString("Keyspaces:\n")
	for _, ks := range v.keyspaces {
		fmt.Fprintf(&b, "\t%s -> Replication class: %s\n", ks.name, ks.replication)
	}
	if v.note != "" {
		b.WriteString("\nNote: " + v.note + "\n")
	}
	return b.String()
}
