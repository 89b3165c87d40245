package nodetool

import (
	"strings"
	"testing"
)

// TestParseVersion reads "ReleaseVersion: x.y.z" as Version.java prints it (no citable sample; the
// format is one printf in the source), with the JVM's warnings before it, the lines -v adds after
// it, and pre-release suffixes.
func TestParseVersion(t *testing.T) {
	cases := []struct {
		out                 string
		release             string
		major, minor, patch int
	}{
		{"ReleaseVersion: 4.0.13\n", "4.0.13", 4, 0, 13},
		{"WARN  15:04:05,000 Only 7.5 GiB free across all data volumes.\nReleaseVersion: 4.1.5\n", "4.1.5", 4, 1, 5},
		{"ReleaseVersion: 5.0.2\nGitSHA: 9c4a6b0\nBuildDate: 2024-10-30\n", "5.0.2", 5, 0, 2},
		{"ReleaseVersion: 5.0-beta1\n", "5.0-beta1", 5, 0, 0},
		{"ReleaseVersion: 5.0.0-rc2-SNAPSHOT\n", "5.0.0-rc2-SNAPSHOT", 5, 0, 0},
	}
	for _, c := range cases {
		v, err := ParseVersion(c.out)
		if err != nil {
			t.Errorf("%q: %v", c.out, err)
			continue
		}
		if v.Release != c.release || v.Major != c.major || v.Minor != c.minor || v.Patch != c.patch {
			t.Errorf("%q: %+v", c.out, v)
		}
	}
	for out, want := range map[string]string{
		"":                            "no ReleaseVersion line",
		"ReleaseVersion: unknown\n":   "not a version",
		"Release Version: 4.1.5\n":    "no ReleaseVersion line",
		"ReleaseVersion: 4.x.5\n":     "not a version",
		"nodetool: Failed to connect": "no ReleaseVersion line",
	} {
		if _, err := ParseVersion(out); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", out, err, want)
		}
	}
}
