package nodetool

import (
	"math"
	"strconv"
	"strings"
)

// Binary multiples, as FileUtils names them.
const (
	kib = 1 << 10
	mib = 1 << 20
	gib = 1 << 30
	tib = 1 << 40
)

// fileSize is FileUtils.stringifyFileSize: the largest binary unit the value reaches, with
// DecimalFormat("#.##") (half-even on the exact binary value, no trailing zeros).
func fileSize(bytes float64) string {
	switch {
	case bytes >= tib:
		return decimal2(bytes/tib) + " TiB"
	case bytes >= gib:
		return decimal2(bytes/gib) + " GiB"
	case bytes >= mib:
		return decimal2(bytes/mib) + " MiB"
	case bytes >= kib:
		return decimal2(bytes/kib) + " KiB"
	}
	return decimal2(bytes) + " bytes"
}

// decimal2 is DecimalFormat("#.##"): at most two decimals, none printed when they are zero.
// strconv rounds the exact binary value half to even, as DecimalFormat's HALF_EVEN does.
func decimal2(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "" {
		return "0"
	}
	return s
}

// percent is DecimalFormat("##0.0%") of a java.lang.Float, as nodetool status prints ownership:
// the float widened to a double, times 100, one decimal half to even.
func percent(fraction float64) string {
	return strconv.FormatFloat(float64(float32(fraction))*100, 'f', 1, 64) + "%"
}

// javaFixed is java.util.Formatter's "%.<prec>f": the shortest decimal that reads back as the
// double (Double.toString's digits), rounded half up. This differs from rounding the exact binary
// value: Java prints 0.125 as "0.13" and 1.005 as "1.01".
func javaFixed(v float64, prec int) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	if len(frac) <= prec {
		frac += strings.Repeat("0", prec-len(frac))
	} else {
		roundUp := frac[prec] >= '5'
		digits := []byte(intPart + frac[:prec])
		for i := len(digits) - 1; roundUp && i >= 0; i-- {
			if digits[i] == '9' {
				digits[i] = '0'
				continue
			}
			digits[i]++
			roundUp = false
		}
		if roundUp {
			digits = append([]byte{'1'}, digits...)
		}
		intPart, frac = string(digits[:len(digits)-prec]), string(digits[len(digits)-prec:])
	}
	out := intPart
	if prec > 0 {
		out += "." + frac
	}
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out
}

// javaDouble is Double.toString for the values nodetool prints that way (Percent Repaired): at
// least one decimal.
func javaDouble(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// javaList is List.toString: "[a, b]".
func javaList(items []string) string { return "[" + strings.Join(items, ", ") + "]" }
