package config

import (
	"maps"
	"slices"
	"strings"
)

// seedProvider returns the seed_provider entry: cassandra.yaml writes it as a one-element list of
// {class_name, parameters}, and parameters as a one-element list of maps.
func seedProvider(v any) map[string]any {
	switch x := v.(type) {
	case []any:
		if len(x) > 0 {
			m, _ := x[0].(map[string]any)
			return m
		}
	case map[string]any:
		return x
	}
	return nil
}

// unknownSeedProviderKeys are keys of the seed_provider entry that ParameterizedClass has no
// property for; PropertiesChecker reports them like top-level ones, by their own name.
func unknownSeedProviderKeys(v any) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(seedProvider(v))) {
		if k != "class_name" && k != "parameters" {
			out = append(out, k)
		}
	}
	return out
}

// readSeeds follows DatabaseDescriptor.applySeedProvider and SimpleSeedProvider.getSeeds: the
// class is loaded by its full name (Class.forName, no short names), and the seeds parameter is
// split on commas, blank entries dropped.
func readSeeds(c *Config, doc map[string]any) error {
	sp := seedProvider(doc["seed_provider"])
	if sp == nil {
		return configErr("seeds configuration is missing; a minimum of one seed is required.")
	}
	class, _ := scalar(sp["class_name"])
	if class != SimpleSeedProvider {
		// Class.forName's ClassNotFoundException message is the class name.
		return configErr(class + "\nFatal configuration error; unable to start server.  See log for stacktrace.")
	}
	var params map[string]any
	switch p := sp["parameters"].(type) {
	case []any:
		if len(p) > 0 {
			params, _ = p[0].(map[string]any)
		}
	case map[string]any:
		params = p
	}
	// Cassandra fails with a NullPointerException when there is no seeds parameter at all; the
	// simulator reports it as the empty list it amounts to.
	seeds, _ := scalar(params["seeds"])
	for _, s := range strings.Split(seeds, ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.Seeds = append(c.Seeds, s)
		}
	}
	if len(c.Seeds) == 0 {
		return configErr("The seed provider lists no seeds.")
	}
	return nil
}
