package nodetool

import (
	"fmt"
	"regexp"
	"strconv"
)

// Version is nodetool version: the release the node runs.
type Version struct {
	// Release is the version as printed: "4.1.5", "5.0-beta1".
	Release             string
	Major, Minor, Patch int
}

var releasePattern = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?(?:[-.][0-9A-Za-z.-]+)?$`)

// ParseVersion parses the output of nodetool version: "ReleaseVersion: 4.1.5", with the lines
// -v adds (GitSHA, BuildDate, JVM...) after it when asked for.
func ParseVersion(out string) (*Version, error) {
	for _, l := range lines(out) {
		key, value, ok := keyValue(l.trimmed())
		if !ok || key != "ReleaseVersion" {
			continue
		}
		m := releasePattern.FindStringSubmatch(value)
		if m == nil {
			return nil, l.errorf("release %q is not a version", value)
		}
		v := &Version{Release: value}
		v.Major, _ = strconv.Atoi(m[1])
		v.Minor, _ = strconv.Atoi(m[2])
		if m[3] != "" {
			v.Patch, _ = strconv.Atoi(m[3])
		}
		return v, nil
	}
	return nil, fmt.Errorf("no ReleaseVersion line in nodetool version output")
}
