package nodetool

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Info is nodetool info: the node itself. Info.java prints one "Key : value" line per fact, with
// the key padded (to 23 characters); later releases add lines (5.0's "Uncompressed load",
// "Bootstrap state"...), which are read when present.
type Info struct {
	HostID                string
	GossipActive          bool
	NativeTransportActive bool
	// Load is in bytes; UncompressedLoad is 5.0's "Uncompressed load", 0 before.
	Load, UncompressedLoad int64
	// GenerationNo is gossip's generation: the time the process started, in seconds since the epoch.
	GenerationNo int64
	Uptime       time.Duration
	HeapUsedMB   float64
	HeapMaxMB    float64
	DataCenter   string
	Rack         string
	Exceptions   int64
	// PercentRepaired is what the node prints, 0 to 100.
	PercentRepaired float64
	// Joined is false when the node has not joined the ring ("(node is not joined to the
	// cluster)"): it is bootstrapping, or was started with join_ring false.
	Joined bool
	// TokenCount is the number of tokens when nodetool printed only the count (several tokens, no
	// -T); Tokens are the tokens when it printed them.
	TokenCount int
	Tokens     []string
	// BootstrapState is 5.0's "Bootstrap state" (COMPLETED, IN_PROGRESS, NEEDS_BOOTSTRAP...), empty
	// before. BootstrapFailed, Decommissioning and DecommissionFailed are the lines 5.0 prints
	// after it; before 5.0 only netstats' mode tells.
	BootstrapState                                       string
	BootstrapFailed, Decommissioning, DecommissionFailed bool
	// Fields holds every line by key, in order, for what has no field of its own (the caches).
	Fields map[string]string
}

var invokeTokens = regexp.MustCompile(`^\(invoke with -T/--tokens to see all (\d+) tokens\)$`)

// ParseInfo parses the output of nodetool info.
func ParseInfo(out string) (*Info, error) {
	info := &Info{Fields: map[string]string{}, Joined: true}
	seen := map[string]bool{}
	for _, l := range lines(out) {
		text := l.trimmed()
		if text == "" {
			continue
		}
		key, value, ok := keyValue(text)
		if !ok {
			if len(seen) == 0 {
				continue // before the first line: the JVM's warnings
			}
			return nil, l.errorf("not a \"key : value\" line")
		}
		if err := info.set(key, value); err != nil {
			return nil, l.errorf("%v", err)
		}
		seen[key] = true
		if key != "Token" {
			info.Fields[key] = value
		}
	}
	for _, k := range []string{"ID", "Gossip active", "Native Transport active", "Load", "Data Center", "Rack"} {
		if !seen[k] {
			return nil, fmt.Errorf("nodetool info output has no %q line", k)
		}
	}
	return info, nil
}

func (i *Info) set(key, value string) error {
	var err error
	switch key {
	case "ID":
		if !uuidPattern.MatchString(value) {
			return fmt.Errorf("host ID %q is not a UUID", value)
		}
		i.HostID = value
	case "Gossip active":
		i.GossipActive, err = strconv.ParseBool(value)
	case "Native Transport active":
		i.NativeTransportActive, err = strconv.ParseBool(value)
	case "Load":
		i.Load, err = ParseSize(value)
	case "Uncompressed load":
		i.UncompressedLoad, err = ParseSize(value)
	case "Generation No":
		i.GenerationNo, err = strconv.ParseInt(value, 10, 64)
	case "Uptime (seconds)":
		var s int64
		s, err = strconv.ParseInt(value, 10, 64)
		i.Uptime = time.Duration(s) * time.Second
	case "Heap Memory (MB)":
		used, max, ok := strings.Cut(value, " / ")
		if !ok {
			return fmt.Errorf("heap %q is not \"used / max\"", value)
		}
		if i.HeapUsedMB, err = strconv.ParseFloat(used, 64); err == nil {
			i.HeapMaxMB, err = strconv.ParseFloat(max, 64)
		}
	case "Data Center":
		i.DataCenter = value
	case "Rack":
		i.Rack = value
	case "Exceptions":
		i.Exceptions, err = strconv.ParseInt(value, 10, 64)
	case "Percent Repaired":
		i.PercentRepaired, err = strconv.ParseFloat(strings.TrimSuffix(value, "%"), 64)
	case "Token":
		switch m := invokeTokens.FindStringSubmatch(value); {
		case value == "(node is not joined to the cluster)":
			i.Joined = false
		case m != nil:
			i.TokenCount, _ = strconv.Atoi(m[1])
		case tokenPattern.MatchString(value):
			i.Tokens = append(i.Tokens, value)
			i.TokenCount = len(i.Tokens)
		default:
			return fmt.Errorf("token %q", value)
		}
	case "Bootstrap state":
		i.BootstrapState = value
	case "Bootstrap failed":
		i.BootstrapFailed, err = strconv.ParseBool(value)
	case "Decommissioning":
		i.Decommissioning, err = strconv.ParseBool(value)
	case "Decommission failed":
		i.DecommissionFailed, err = strconv.ParseBool(value)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}
