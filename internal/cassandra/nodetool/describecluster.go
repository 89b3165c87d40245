package nodetool

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// DescribeCluster is nodetool describecluster: the cluster's name and settings, and the schema and
// release versions across its nodes.
type DescribeCluster struct {
	Name                  string
	Snitch                string
	DynamicEndpointSnitch bool
	Partitioner           string
	// SchemaVersions maps each schema version to the nodes that have it; Unreachable are the
	// nodes that did not answer (printed as "UNREACHABLE: [...]").
	SchemaVersions map[string][]string
	Unreachable    []string
	// Stats are 4.0's "Stats for all nodes" counts; nil when absent (before 4.0).
	Stats *NodeCounts
	// Datacenters are 4.0's "Data Centers" lines.
	Datacenters []DatacenterCount
	// DatabaseVersions maps each release version to the nodes that run it.
	DatabaseVersions map[string][]string
	Keyspaces        []KeyspaceReplication
	// Note is what follows "Note: " at the end: why ownership could not be computed (4.0+ computes
	// it to count nodes by datacenter).
	Note string
}

// NodeCounts are the node counts by state.
type NodeCounts struct {
	Live, Joining, Moving, Leaving, Unreachable int
}

// DatacenterCount is a datacenter's node count, and how many are down. (4.0.x counts down nodes
// wrongly in some patch releases, always printing 0: trust Unreachable instead.)
type DatacenterCount struct {
	Name        string
	Nodes, Down int
}

// KeyspaceReplication is a keyspace and its replication, as printed ("SimpleStrategy
// {replication_factor=3}").
type KeyspaceReplication struct {
	Name, Replication string
}

// SchemaAgreement reports whether every node that answered has the same schema version.
func (d *DescribeCluster) SchemaAgreement() bool { return len(d.SchemaVersions) == 1 }

var dcCountPattern = regexp.MustCompile(`^(.+) #Nodes: (\d+) #Down: (\d+)$`)

// ParseDescribeCluster parses the output of nodetool describecluster.
func ParseDescribeCluster(out string) (*DescribeCluster, error) {
	d := &DescribeCluster{SchemaVersions: map[string][]string{}, DatabaseVersions: map[string][]string{}}
	section := ""
	for _, l := range lines(out) {
		text := l.trimmed()
		switch text {
		case "":
			continue
		case "Cluster Information:", "Stats for all nodes:", "Data Centers:", "Database versions:", "Keyspaces:", "Schema versions:":
			section = text
			if text == "Stats for all nodes:" {
				d.Stats = &NodeCounts{}
			}
			continue
		}
		if section == "" {
			continue // before "Cluster Information:": the JVM's warnings
		}
		if note, ok := strings.CutPrefix(text, "Note: "); ok && section == "Keyspaces:" {
			d.Note = note
			continue
		}
		if err := d.add(section, text); err != nil {
			return nil, l.errorf("%v", err)
		}
	}
	if d.Name == "" || len(d.SchemaVersions)+len(d.Unreachable) == 0 {
		return nil, fmt.Errorf("nodetool describecluster output has no cluster name or schema versions")
	}
	return d, nil
}

func (d *DescribeCluster) add(section, text string) error {
	switch section {
	case "Cluster Information:":
		key, value, ok := keyValue(text)
		if !ok {
			return fmt.Errorf("not a \"key: value\" line")
		}
		switch key {
		case "Name":
			d.Name = value
		case "Snitch":
			d.Snitch = value
		case "DynamicEndPointSnitch":
			d.DynamicEndpointSnitch = value == "enabled"
		case "Partitioner":
			d.Partitioner = value
		}
	case "Schema versions:", "Database versions:":
		version, rest, ok := strings.Cut(text, ": ")
		nodes, isList := javaList(rest)
		if !ok || !isList {
			return fmt.Errorf("not a \"version: [nodes]\" line")
		}
		switch {
		case section == "Database versions:":
			d.DatabaseVersions[version] = nodes
		case version == "UNREACHABLE":
			d.Unreachable = nodes
		default:
			d.SchemaVersions[version] = nodes
		}
	case "Stats for all nodes:":
		key, value, ok := keyValue(text)
		n, err := strconv.Atoi(value)
		if !ok || err != nil {
			return fmt.Errorf("not a \"state: count\" line")
		}
		switch key {
		case "Live":
			d.Stats.Live = n
		case "Joining":
			d.Stats.Joining = n
		case "Moving":
			d.Stats.Moving = n
		case "Leaving":
			d.Stats.Leaving = n
		case "Unreachable":
			d.Stats.Unreachable = n
		}
	case "Data Centers:":
		m := dcCountPattern.FindStringSubmatch(text)
		if m == nil {
			return fmt.Errorf("not a \"<dc> #Nodes: n #Down: n\" line")
		}
		nodes, _ := strconv.Atoi(m[2])
		down, _ := strconv.Atoi(m[3])
		d.Datacenters = append(d.Datacenters, DatacenterCount{Name: m[1], Nodes: nodes, Down: down})
	case "Keyspaces:":
		name, replication, ok := strings.Cut(text, " -> Replication class: ")
		if !ok {
			return fmt.Errorf("not a \"<keyspace> -> Replication class: ...\" line")
		}
		d.Keyspaces = append(d.Keyspaces, KeyspaceReplication{Name: name, Replication: replication})
	}
	return nil
}
