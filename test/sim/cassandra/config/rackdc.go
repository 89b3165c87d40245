package config

import (
	"errors"
	"io/fs"
	"os"
	"strings"
)

// Location is where the snitch places the node: its datacenter and rack.
type Location struct {
	Datacenter, Rack string
}

// SimpleSnitch puts every node in one datacenter and one rack.
var simpleSnitchLocation = Location{Datacenter: "datacenter1", Rack: "rack1"}

// LoadRackDC reads cassandra-rackdc.properties. A missing file is an empty one: SnitchProperties
// only logs a warning, and the snitch then complains about what is missing.
func LoadRackDC(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseProperties(string(raw)), nil
}

// ParseProperties reads the java.util.Properties text format: "#" and "!" comments, "=", ":" or
// white space between key and value, a trailing backslash continuing a line. Values keep their
// trailing white space, as Java's do; the snitch trims what it reads.
func ParseProperties(text string) map[string]string {
	out := map[string]string{}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimLeft(lines[i], " \t\f")
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		for strings.HasSuffix(line, `\`) && !strings.HasSuffix(line, `\\`) && i+1 < len(lines) {
			i++
			line = line[:len(line)-1] + strings.TrimLeft(lines[i], " \t\f")
		}
		key, value := splitProperty(line)
		out[key] = value
	}
	return out
}

// splitProperty splits at the first "=", ":" or white space; a "=" or ":" after white space is
// the separator too.
func splitProperty(line string) (string, string) {
	const ws = " \t\f"
	end := strings.IndexAny(line, "=:"+ws)
	if end < 0 {
		return line, ""
	}
	key, rest := line[:end], line[end:]
	if rest[0] == '=' || rest[0] == ':' {
		return key, strings.TrimLeft(rest[1:], ws)
	}
	rest = strings.TrimLeft(rest, ws)
	if rest != "" && (rest[0] == '=' || rest[0] == ':') {
		rest = strings.TrimLeft(rest[1:], ws)
	}
	return key, rest
}

// Locate returns where the configured snitch puts this node. GossipingPropertyFileSnitch reads dc
// and rack from cassandra-rackdc.properties and refuses to start without both.
func (c *Config) Locate(rackdc map[string]string) (Location, error) {
	if c.EndpointSnitch != GossipingPropertyFileSnitch {
		return simpleSnitchLocation, nil
	}
	dc, hasDC := rackdc["dc"]
	rack, hasRack := rackdc["rack"]
	if !hasDC || !hasRack {
		return Location{}, configErr("DC or rack not found in snitch properties, check your configuration in: cassandra-rackdc.properties")
	}
	return Location{Datacenter: strings.TrimSpace(dc), Rack: strings.TrimSpace(rack)}, nil
}
