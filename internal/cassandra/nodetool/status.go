package nodetool

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Status is nodetool status: the ring as the node that ran it sees it, by datacenter.
type Status struct {
	Datacenters []Datacenter
	// Effective is true when the ownership column is "Owns (effective)", that is, ownership with
	// replication counted; false when it is plain "Owns", whose values are then all unknown.
	Effective bool
	// Note is what nodetool prints after "Note: ", such as why effective ownership is missing.
	Note string
}

// Datacenter is one datacenter's part of nodetool status.
type Datacenter struct {
	Name  string
	Nodes []StatusNode
}

// StatusNode is one line of nodetool status.
type StatusNode struct {
	// Status is U (up), D (down) or ? (unknown to the failure detector); State is N (normal),
	// J (joining), L (leaving) or M (moving).
	Status, State string
	// Address is the broadcast address, with ":port" when nodetool ran with -pp.
	Address string
	// Load is the data the node holds, in bytes; LoadKnown is false when nodetool printed "?".
	Load      int64
	LoadKnown bool
	// Tokens is the number of tokens, in the vnode layout; Token the token, when each node has
	// one (the layout nodetool uses then).
	Tokens int
	Token  string
	// Owns is the ownership as a fraction (0.593 for "59.3%"); OwnsKnown is false for "?".
	Owns      float64
	OwnsKnown bool
	HostID    string
	Rack      string
}

// Up reports whether the node is up and normal: "UN".
func (n StatusNode) Up() bool { return n.Status == "U" }

// Code is the two letters nodetool prints: "UN", "DN", "UJ"...
func (n StatusNode) Code() string { return n.Status + n.State }

// Nodes returns every node of every datacenter.
func (s *Status) Nodes() []StatusNode {
	var out []StatusNode
	for _, dc := range s.Datacenters {
		out = append(out, dc.Nodes...)
	}
	return out
}

var (
	uuidPattern  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	codePattern  = regexp.MustCompile(`^[UD?][NJLM]$`)
	ownsPattern  = regexp.MustCompile(`^\d+(\.\d+)?%$`)
	tokenPattern = regexp.MustCompile(`^-?\d+$`)
)

// statusColumns is the header of a datacenter's table: which of the two layouts (Status.java
// prints "Tokens" when nodes have several tokens, "Token" when each has one) and which ownership.
type statusColumns struct {
	tokenPerNode, effective bool
}

func parseStatusHeader(l line) (statusColumns, error) {
	fields := strings.Fields(l.trimmed())
	header := strings.Join(fields, " ")
	switch header {
	case "-- Address Load Tokens Owns (effective) Host ID Rack":
		return statusColumns{effective: true}, nil
	case "-- Address Load Tokens Owns Host ID Rack":
		return statusColumns{}, nil
	case "-- Address Load Owns (effective) Host ID Token Rack":
		return statusColumns{tokenPerNode: true, effective: true}, nil
	case "-- Address Load Owns Host ID Token Rack":
		return statusColumns{tokenPerNode: true}, nil
	}
	return statusColumns{}, l.errorf("not a nodetool status header")
}

// ParseStatus parses the output of nodetool status. Lines before the first "Datacenter:" (the
// JVM's warnings, a shell prompt) are skipped.
func ParseStatus(out string) (*Status, error) {
	s := &Status{}
	var dc *Datacenter
	var cols *statusColumns
	for _, l := range lines(out) {
		text := l.trimmed()
		switch {
		case text == "":
		case strings.HasPrefix(text, "Datacenter: "):
			s.Datacenters = append(s.Datacenters, Datacenter{Name: strings.TrimPrefix(text, "Datacenter: ")})
			dc, cols = &s.Datacenters[len(s.Datacenters)-1], nil
		case strings.HasPrefix(text, "Note: "):
			s.Note = strings.TrimPrefix(text, "Note: ")
		case strings.HasPrefix(text, "Error: "):
			return nil, errors.New(strings.TrimPrefix(text, "Error: "))
		case dc == nil:
			// Before the first datacenter: not nodetool's.
		case strings.Trim(text, "=") == "" || text == "Status=Up/Down" || text == "|/ State=Normal/Leaving/Joining/Moving":
		case strings.HasPrefix(text, "--"):
			c, err := parseStatusHeader(l)
			if err != nil {
				return nil, err
			}
			cols, s.Effective = &c, c.effective
		case cols == nil:
			return nil, l.errorf("a node line before the column header")
		default:
			n, err := parseStatusNode(l, *cols)
			if err != nil {
				return nil, err
			}
			dc.Nodes = append(dc.Nodes, n)
		}
	}
	if len(s.Datacenters) == 0 {
		return nil, errors.New("no datacenter in nodetool status output")
	}
	return s, nil
}

// parseStatusNode reads a node line by its fields: every column is one word except the load,
// "180.61 KiB" (or "?"), and the rack, which is the rest of the line.
func parseStatusNode(l line, cols statusColumns) (StatusNode, error) {
	f := strings.Fields(l.trimmed())
	// Both layouts have at least six words: code, address, load, tokens or token, owns, host ID,
	// rack, the load taking one word when unknown.
	if len(f) < 6 {
		return StatusNode{}, l.errorf("too few columns")
	}
	if !codePattern.MatchString(f[0]) {
		return StatusNode{}, l.errorf("status %q is not two letters U/D/? and N/J/L/M", f[0])
	}
	n := StatusNode{Status: f[0][:1], State: f[0][1:], Address: f[1]}
	rest := f[2:]
	if rest[0] != "?" {
		if len(rest) < 2 {
			return StatusNode{}, l.errorf("load without a unit")
		}
		load, err := ParseSize(rest[0] + " " + rest[1])
		if err != nil {
			return StatusNode{}, l.errorf("%v", err)
		}
		n.Load, n.LoadKnown = load, true
		rest = rest[2:]
	} else {
		rest = rest[1:]
	}
	if !cols.tokenPerNode {
		if len(rest) == 0 {
			return StatusNode{}, l.errorf("no token count")
		}
		tokens, err := strconv.Atoi(rest[0])
		if err != nil {
			return StatusNode{}, l.errorf("token count %q", rest[0])
		}
		n.Tokens, rest = tokens, rest[1:]
	}
	if len(rest) < 3 {
		return StatusNode{}, l.errorf("too few columns after the load")
	}
	switch owns := rest[0]; {
	case owns == "?":
	case ownsPattern.MatchString(owns):
		v, _ := strconv.ParseFloat(strings.TrimSuffix(owns, "%"), 64)
		n.Owns, n.OwnsKnown = v/100, true
	default:
		return StatusNode{}, l.errorf("ownership %q", owns)
	}
	if !uuidPattern.MatchString(rest[1]) {
		return StatusNode{}, l.errorf("host ID %q is not a UUID", rest[1])
	}
	n.HostID, rest = rest[1], rest[2:]
	if cols.tokenPerNode {
		if !tokenPattern.MatchString(rest[0]) {
			return StatusNode{}, l.errorf("token %q", rest[0])
		}
		n.Token, rest = rest[0], rest[1:]
		n.Tokens = 1
	}
	if len(rest) == 0 {
		return StatusNode{}, l.errorf("no rack")
	}
	n.Rack = strings.Join(rest, " ")
	return n, nil
}

// String names a node for messages.
func (n StatusNode) String() string { return fmt.Sprintf("%s %s (%s)", n.Code(), n.Address, n.HostID) }
