package nodetool

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// unitBytes are the units FileUtils.stringifyFileSize prints: binary multiples, named KiB to TiB
// since Cassandra 3.0 and KB to TB before (still binary).
var unitBytes = map[string]float64{
	"bytes": 1,
	"KiB":   1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
	"KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40,
}

// ParseSize reads a size as nodetool prints it ("114.73 KiB", "0 bytes") into bytes. The printed
// value has two decimals at most, so the result is as exact as the text allows.
func ParseSize(s string) (int64, error) {
	num, unit, ok := strings.Cut(strings.TrimSpace(s), " ")
	mult, known := unitBytes[unit]
	if !ok || !known {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	return int64(math.Round(v * mult)), nil
}
