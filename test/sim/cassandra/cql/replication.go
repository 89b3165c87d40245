package cql

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// nameLength is Cassandra 4's limit on keyspace and table names (SchemaConstants.NAME_LENGTH).
const nameLength = 48

var validName = regexp.MustCompile(`^\w+$`)

func checkName(kind, name string) error {
	if len(name) > nameLength || !validName.MatchString(name) {
		return &ConfigError{Message: fmt.Sprintf("%s name must not be empty, more than %d characters long, "+
			"or contain non-alphanumeric-underscore characters (got %q)", kind, nameLength, name)}
	}
	return nil
}

// keyspaceOptions reads the WITH clause of CREATE KEYSPACE: replication (mandatory) and
// durable_writes, as Cassandra's KeyspaceAttributes does.
func keyspaceOptions(props []property) (map[string]string, bool, error) {
	var replication map[string]string
	durable := true
	for _, p := range props {
		switch p.name {
		case "replication":
			if p.value.kind != termMap {
				return nil, false, &SyntaxError{Message: "Invalid value for property 'replication'. It should be a map."}
			}
			replication = map[string]string{}
			for i := 0; i+1 < len(p.value.elems); i += 2 {
				replication[p.value.elems[i].text] = p.value.elems[i+1].text
			}
		case "durable_writes":
			b, err := strconv.ParseBool(p.value.text)
			if err != nil || p.value.kind == termMap {
				return nil, false, &SyntaxError{Message: fmt.Sprintf("Invalid boolean value %s for 'durable_writes' property", p.value.text)}
			}
			durable = b
		default:
			return nil, false, &SyntaxError{Message: fmt.Sprintf("Unknown property '%s'", p.name)}
		}
	}
	if replication == nil {
		return nil, false, invalidf("Missing mandatory option 'replication'")
	}
	return replication, durable, nil
}

// replicationFrom validates replication options as Cassandra 4's strategies do, against the
// data centers the cluster has: NetworkTopologyStrategy takes a factor per known data center
// (replication_factor stands for every data center not named), SimpleStrategy one
// replication_factor.
func replicationFrom(keyspace string, opts map[string]string, dataCenters []string) (Replication, error) {
	class, ok := opts["class"]
	if !ok {
		return Replication{}, &ConfigError{Message: "Missing replication strategy class"}
	}
	if !strings.Contains(class, ".") {
		class = "org.apache.cassandra.locator." + class
	}
	short := class[strings.LastIndex(class, ".")+1:]
	switch class {
	case NetworkTopologyStrategy:
		return networkTopology(keyspace, opts, dataCenters)
	case SimpleStrategy:
		r := Replication{Class: SimpleStrategy}
		for k, v := range opts {
			switch k {
			case "class":
			case "replication_factor":
				rf, err := replicationFactor(v)
				if err != nil {
					return Replication{}, err
				}
				r.ReplicationFactor = rf
			default:
				return Replication{}, unrecognizedOption(k, short, keyspace)
			}
		}
		if _, ok := opts["replication_factor"]; !ok {
			return Replication{}, &ConfigError{Message: "SimpleStrategy requires a replication_factor strategy option."}
		}
		return r, nil
	case LocalStrategy:
		return Replication{}, &ConfigError{Message: "Unable to use given strategy class: LocalStrategy is reserved for internal use."}
	}
	return Replication{}, &ConfigError{Message: fmt.Sprintf("Unable to find replication strategy class '%s'", class)}
}

func networkTopology(keyspace string, opts map[string]string, dataCenters []string) (Replication, error) {
	r := Replication{Class: NetworkTopologyStrategy, DataCenters: map[string]int{}}
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		if k == "class" || k == "replication_factor" {
			continue
		}
		if !slices.Contains(dataCenters, k) {
			return Replication{}, unrecognizedOption(k, "NetworkTopologyStrategy", keyspace)
		}
		rf, err := replicationFactor(opts[k])
		if err != nil {
			return Replication{}, err
		}
		r.DataCenters[k] = rf
	}
	if v, ok := opts["replication_factor"]; ok {
		rf, err := replicationFactor(v)
		if err != nil {
			return Replication{}, err
		}
		for _, dc := range dataCenters {
			if _, named := r.DataCenters[dc]; !named {
				r.DataCenters[dc] = rf
			}
		}
	}
	return r, nil
}

func replicationFactor(s string) (int, error) {
	rf, err := strconv.Atoi(s)
	if err != nil {
		if strings.Contains(s, "/") {
			return 0, notModelled("transient replication (%s)", s)
		}
		return 0, &ConfigError{Message: "Replication factor must be numeric; found " + s}
	}
	if rf < 0 {
		return 0, &ConfigError{Message: "Replication factor must be non-negative; found " + s}
	}
	return rf, nil
}

func unrecognizedOption(option, strategy, keyspace string) error {
	return &ConfigError{Message: fmt.Sprintf("Unrecognized strategy option {%s} passed to %s for keyspace %s", option, strategy, keyspace)}
}

// options is a replication as system_schema.keyspaces stores it: every value a string.
func (r Replication) options() map[string]string {
	out := map[string]string{"class": r.Class}
	switch r.Class {
	case SimpleStrategy:
		out["replication_factor"] = strconv.Itoa(r.ReplicationFactor)
	case NetworkTopologyStrategy:
		for dc, rf := range r.DataCenters {
			out[dc] = strconv.Itoa(rf)
		}
	}
	return out
}
