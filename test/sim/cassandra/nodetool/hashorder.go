package nodetool

import (
	"slices"
	"unicode/utf16"
)

// javaStringHash is String.hashCode: s[0]*31^(n-1) + ... over UTF-16 code units, in int32.
func javaStringHash(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}

// javaHashOrder returns keys, inserted in the given order and distinct, in the order a
// java.util.HashMap created with initialCapacity iterates them: by bucket
// ((h ^ h>>>16) & (table size - 1)), then in insertion order within a bucket, the table doubling
// whenever the map holds more than three quarters of it. nodetool prints several maps in this
// order; reproducing it makes the simulator's output line up with a real node's. (Buckets of eight
// keys or more in tables of 64 or more turn into trees, which can reorder them; nodetool's maps
// are far too small for that.)
func javaHashOrder(keys []string, initialCapacity int) []string {
	size := 1
	for size < initialCapacity {
		size <<= 1
	}
	for float64(len(keys)) > 0.75*float64(size) {
		size <<= 1
	}
	bucket := func(k string) int {
		h := uint32(javaStringHash(k))
		return int((h ^ h>>16) & uint32(size-1))
	}
	out := slices.Clone(keys)
	slices.SortStableFunc(out, func(a, b string) int { return bucket(a) - bucket(b) })
	return out
}

// Initial capacities of the maps nodetool iterates.
const (
	// hashMapDefault is new HashMap<>().
	hashMapDefault = 16
	// multimapDefault is Guava's ArrayListMultimap.create(): a HashMap sized for 12 keys, which
	// Maps.newHashMapWithExpectedSize makes 12/0.75+1 = 17, a table of 32.
	multimapDefault = 17
)
