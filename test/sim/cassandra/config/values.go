package config

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
)

// malformed is the error Cassandra gives when SnakeYAML cannot build a property from its value:
// YamlConfigurationLoader wraps the YAMLException as "Invalid yaml: <url>" + " Error: " + message.
func malformed(source, key, detail string) error {
	return configErr(fmt.Sprintf("Invalid yaml: %s\n Error: Cannot create property=%s for JavaBean=org.apache.cassandra.config.Config; %s",
		source, key, detail))
}

// scalar returns the text of a YAML scalar the way SnakeYAML hands it to a property: numbers and
// booleans as written, strings as they are. Maps and lists are not scalars.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	default:
		return "", false
	}
}

// checkValue validates a value against its property's kind, as constructing the Java field would.
func checkValue(source, key string, k kind, v any) error {
	if k == kindAny {
		return nil
	}
	s, ok := scalar(v)
	if !ok {
		return malformed(source, key, fmt.Sprintf("No single argument constructor found for %s", javaType(k)))
	}
	switch k {
	case kindInt:
		if _, err := strconv.ParseInt(s, 10, 32); err != nil {
			return malformed(source, key, fmt.Sprintf("For input string: %q", s))
		}
	case kindFloat:
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return malformed(source, key, fmt.Sprintf("For input string: %q", s))
		}
	case kindBool:
		if _, isBool := v.(bool); !isBool && s != "true" && s != "false" {
			return malformed(source, key, fmt.Sprintf("Cannot convert %q to boolean", s))
		}
	case kindDuration:
		return checkSpec(source, key, s, durationPattern, durationUnits(key),
			"Invalid duration: %s Accepted units:%s where case matters and only non-negative values.")
	case kindStorage:
		return checkSpec(source, key, s, storagePattern, storageUnits,
			"Invalid data storage: %s Accepted units:%s where case matters and only non-negative values are accepted")
	case kindRate:
		if !ratePattern.MatchString(s) {
			return malformed(source, key, fmt.Sprintf(
				"Invalid data rate: %s Accepted units: MiB/s, KiB/s, B/s where case matters and only non-negative values are valid", s))
		}
	case kindString:
	}
	return nil
}

// The 4.1 value forms (DurationSpec, DataStorageSpec, DataRateSpec): a non-negative integer and a
// unit symbol, case-sensitive.
var (
	durationPattern = regexp.MustCompile(`^(\d+)(d|h|s|ms|us|µs|ns|m)$`)
	storagePattern  = regexp.MustCompile(`^(\d+)(GiB|MiB|KiB|B)$`)
	ratePattern     = regexp.MustCompile(`^(\d+)(MiB/s|KiB/s|B/s)$`)
)

// unit pairs a symbol with the TimeUnit or DataStorageUnit name Cassandra lists in its messages.
type unit struct{ symbol, name string }

var (
	millisUnits = []unit{{"ms", "MILLISECONDS"}, {"s", "SECONDS"}, {"m", "MINUTES"}, {"h", "HOURS"}, {"d", "DAYS"}}
	minuteUnits = []unit{{"m", "MINUTES"}, {"h", "HOURS"}, {"d", "DAYS"}}
	// Every size setting above accepts bytes upwards; the bounds some of them have on the smallest
	// unit (IntMebibytesBound and the like) are not modelled.
	storageUnits = []unit{{"B", "BYTES"}, {"KiB", "KIBIBYTES"}, {"MiB", "MEBIBYTES"}, {"GiB", "GIBIBYTES"}}
)

// durationUnits are the units a duration setting accepts: milliseconds upwards, except the one
// setting Config.java declares in minutes.
func durationUnits(key string) []unit {
	if key == "index_summary_resize_interval" {
		return minuteUnits
	}
	return millisUnits
}

func checkSpec(source, key, s string, pattern *regexp.Regexp, units []unit, format string) error {
	m := pattern.FindStringSubmatch(s)
	if m != nil && slices.ContainsFunc(units, func(u unit) bool { return u.symbol == m[2] }) {
		return nil
	}
	names := make([]string, len(units))
	for i, u := range units {
		names[i] = u.name
	}
	return malformed(source, key, fmt.Sprintf(format, s, javaList(names)))
}

// javaList prints a list the way Java's AbstractCollection.toString does: "[a, b]".
func javaList(items []string) string {
	out := "["
	for i, s := range items {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out + "]"
}

func javaType(k kind) string {
	switch k {
	case kindInt:
		return "java.lang.Integer"
	case kindBool:
		return "java.lang.Boolean"
	case kindFloat:
		return "java.lang.Double"
	default:
		return "java.lang.String"
	}
}
