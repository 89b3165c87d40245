package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is the Cassandra release series whose loader the simulator imitates. Patch releases of
// one series read configuration alike, so only major and minor matter.
type Version struct {
	Major, Minor int
}

// The series Navigator supports.
var (
	V40 = Version{4, 0}
	V41 = Version{4, 1}
	V50 = Version{5, 0}
)

// ParseVersion reads "4.1" or a full release version such as "4.1.5".
func ParseVersion(s string) (Version, error) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 {
		return Version{}, fmt.Errorf("invalid Cassandra version %q", s)
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return Version{}, fmt.Errorf("invalid Cassandra version %q", s)
	}
	v := Version{major, minor}
	if v != V40 && v != V41 && v != V50 {
		return Version{}, fmt.Errorf("the simulator models Cassandra 4.0, 4.1 and 5.0, not %s", v)
	}
	return v, nil
}

// AtLeast reports whether v is the same series as o or a later one.
func (v Version) AtLeast(o Version) bool {
	return v.Major > o.Major || v.Major == o.Major && v.Minor >= o.Minor
}

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }
