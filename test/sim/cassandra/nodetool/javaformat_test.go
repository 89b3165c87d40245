package nodetool

import (
	"math"
	"testing"
)

// TestFileSizeAsCassandraPrintsIt checks stringifyFileSize against sizes real nodes printed
// (internal/cassandra/nodetool/testdata): the unit, and "#.##" without trailing zeros.
func TestFileSizeAsCassandraPrintsIt(t *testing.T) {
	for bytes, want := range map[float64]string{
		0:          "0 bytes",
		168:        "168 bytes",
		1023:       "1023 bytes",
		1024:       "1 KiB",
		184945:     "180.61 KiB", // 4.0.3 status
		77005:      "75.2 KiB",   // 4.1.5 status
		77076:      "75.27 KiB",  // 4.1.5 status
		112026:     "109.4 KiB",  // 4.1.5 status and info
		100 * mib:  "100 MiB",    // 4.1.5 key cache capacity
		1.5 * mib:  "1.5 MiB",
		3 * gib:    "3 GiB",
		2.25 * tib: "2.25 TiB",
		// Half-even on the exact binary value: 1.125 KiB is exact, so it goes to the even 1.12.
		1152: "1.12 KiB",
	} {
		if got := fileSize(bytes); got != want {
			t.Errorf("fileSize(%v) = %q, want %q", bytes, got, want)
		}
	}
}

// TestPercentAsStatusPrintsIt checks DecimalFormat("##0.0%") of a float: one decimal, at least one
// integer digit, no grouping.
func TestPercentAsStatusPrintsIt(t *testing.T) {
	for fraction, want := range map[float64]string{
		0.488: "48.8%", 0.593: "59.3%", 0.76: "76.0%", 1: "100.0%", 0: "0.0%",
		2: "200.0%", 0.00049: "0.0%", 0.3333333: "33.3%",
	} {
		if got := percent(fraction); got != want {
			t.Errorf("percent(%v) = %q, want %q", fraction, got, want)
		}
	}
}

// TestJavaFixedRoundsHalfUpOnTheShortestDecimal checks java.util.Formatter's "%.nf", which rounds
// the shortest decimal form half up where Go's %f rounds the binary value half even.
func TestJavaFixedRoundsHalfUpOnTheShortestDecimal(t *testing.T) {
	cases := []struct {
		v    float64
		prec int
		want string
	}{
		{0.125, 2, "0.13"}, {1.005, 2, "1.01"}, {2.675, 2, "2.68"}, {573.3, 2, "573.30"},
		{3916, 2, "3916.00"}, {78.0 / 85, 3, "0.918"}, {99.995, 2, "100.00"}, {9.9999, 3, "10.000"},
		{50, 2, "50.00"}, {0, 2, "0.00"}, {-1.005, 2, "-1.01"}, {math.NaN(), 3, "NaN"},
		{1e-7, 2, "0.00"},
	}
	for _, c := range cases {
		if got := javaFixed(c.v, c.prec); got != c.want {
			t.Errorf("javaFixed(%v, %d) = %q, want %q", c.v, c.prec, got, c.want)
		}
	}
}
