package nodetool

import (
	"slices"
	"testing"
)

// TestJavaHashOrderMatchesRealOutput checks the HashMap iteration order against the order real
// nodes printed (internal/cassandra/nodetool/testdata): whatever order the keys went in, they come
// out as nodetool listed them.
func TestJavaHashOrderMatchesRealOutput(t *testing.T) {
	cases := []struct {
		name     string
		capacity int
		printed  []string
	}{
		// 4.1.5 status, keyed by address and port, in a Guava multimap.
		{"status 4.1.5", multimapDefault, []string{"172.23.0.3:7000", "172.23.0.4:7000", "172.23.0.2:7000"}},
		// 4.0.3 status with -pp, keyed by the printed address.
		{"status 4.0.3", multimapDefault, []string{"127.0.0.1:7000", "127.0.0.1:8000"}},
		// 4.0.3 describecluster's schema versions, a plain HashMap.
		{"schema versions 4.0.3", hashMapDefault, []string{"bbcf35fa-5d65-3137-896f-a2866efe3856", unreachable}},
	}
	for _, c := range cases {
		for _, in := range permutations(c.printed) {
			if got := javaHashOrder(in, c.capacity); !slices.Equal(got, c.printed) {
				t.Errorf("%s: keys put in as %v iterate as %v, nodetool printed %v", c.name, in, got, c.printed)
			}
		}
	}
	// The 4.1.5 node's addresses alone, as 4.0 would key them, iterate the same way.
	if got := javaHashOrder([]string{"172.23.0.2", "172.23.0.4", "172.23.0.3"}, multimapDefault); !slices.Equal(got, []string{"172.23.0.3", "172.23.0.4", "172.23.0.2"}) {
		t.Errorf("4.1.5 addresses without ports: %v", got)
	}
}

// TestJavaHashOrderKeepsInsertionOrderInABucketAndResizes checks the two rules beyond the bucket
// index: keys that share a bucket keep their insertion order, and a map past three quarters full
// doubles its table, which splits buckets.
func TestJavaHashOrderKeepsInsertionOrderInABucketAndResizes(t *testing.T) {
	// "Aa" and "BB" have the same String.hashCode (2112).
	if javaStringHash("Aa") != javaStringHash("BB") || javaStringHash("Aa") != 2112 {
		t.Fatalf("String.hashCode: Aa %d, BB %d", javaStringHash("Aa"), javaStringHash("BB"))
	}
	if got := javaHashOrder([]string{"BB", "Aa"}, hashMapDefault); !slices.Equal(got, []string{"BB", "Aa"}) {
		t.Errorf("colliding keys: %v, want insertion order", got)
	}
	// A one-letter key's hash is its code: "A" (65) is in bucket 1 of 16 or of 32, "P" (80) in
	// bucket 0 of 16 but 16 of 32. Fourteen keys overflow a table of 16 (threshold 12).
	var keys []string
	for c := 'A'; c < 'A'+13; c++ {
		keys = append(keys, string(c))
	}
	got := javaHashOrder(keys, hashMapDefault)
	if got[0] != "A" || got[len(got)-1] != "M" {
		t.Errorf("13 keys in a resized table: %v", got)
	}
	small := javaHashOrder([]string{"P", "A"}, hashMapDefault)
	if !slices.Equal(small, []string{"P", "A"}) {
		t.Errorf("in a table of 16, P (bucket 0) comes before A (bucket 1): %v", small)
	}
	large := javaHashOrder(append([]string{"P"}, keys...), hashMapDefault)
	if large[0] != "A" {
		t.Errorf("in a table of 32, P moves to bucket 16, after A: %v", large)
	}
}

func permutations(s []string) [][]string {
	if len(s) <= 1 {
		return [][]string{slices.Clone(s)}
	}
	var out [][]string
	for i := range s {
		rest := slices.Concat(s[:i], s[i+1:])
		for _, p := range permutations(rest) {
			out = append(out, append([]string{s[i]}, p...))
		}
	}
	return out
}
