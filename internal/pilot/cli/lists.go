package cli

import "strings"

// SplitList reads a comma-separated flag value, such as a list of seed hosts: the items without
// surrounding white space, blank ones dropped.
func SplitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
