package ring

import (
	"encoding/hex"
	"strings"
	"testing"
)

// TestTokensAreThoseCassandraComputes compares TokenFor with tokens real Cassandra returned for
// token(key) in cqlsh:
//   - int keys 1 to 10, Cassandra 4.0.3:
//     https://github.com/zyake/cassandra_analysis/blob/4b6d5e5a1700487670ed0c584065e2b6ead95048/data_distribution_test.md
//   - timeuuid keys (16 bytes, one whole block, no tail):
//     https://github.com/quark-bits/courses/blob/HEAD/datastax/DS201/Exercise_3_Partitions.md
//   - the text key 'Pacman' (a 6-byte tail):
//     https://github.com/fenago/apache-cassandra-intellij/blob/926c77ec8ab758afe3b66f454d183fd419c650e7/md_files/2_cassandra_architecture.md
func TestTokensAreThoseCassandraComputes(t *testing.T) {
	ints := map[int32]Token{
		1: -4069959284402364209, 2: -3248873570005575792, 3: 9010454139840013625, 4: -2729420104000364805,
		5: -7509452495886106294, 6: 2705480034054113608, 7: 1634052884888577606, 8: -3799847372828181882,
		9: 3728482343045213994, 10: -6715243485458697746,
	}
	for k, want := range ints {
		if got := TokenFor(IntKey(k)); got != want {
			t.Errorf("token(%d) = %d, want %d", k, got, want)
		}
	}
	uuids := map[string]Token{
		"245e8024-14bd-11e5-9743-8238356b7e32": -7805440677194688247,
		"3452f7de-14bd-11e5-855e-8738355b7e3a": -1963973032031712291,
		"5645f8bd-14bd-11e5-af1a-8638355b8e3a": -1613479371119279545,
		"1645ea59-14bd-11e5-a993-8138354b7e31": 3855558958565172223,
	}
	for u, want := range uuids {
		raw, err := hex.DecodeString(strings.ReplaceAll(u, "-", ""))
		if err != nil {
			t.Fatal(err)
		}
		if got := TokenFor(raw); got != want {
			t.Errorf("token(%s) = %d, want %d", u, got, want)
		}
	}
	if got := TokenFor(TextKey("Pacman")); got != 4538621633640690522 {
		t.Errorf("token('Pacman') = %d, want 4538621633640690522", got)
	}
}

func TestRangesCoverTheRingOnce(t *testing.T) {
	r := newTokenRing([]*Node{{Tokens: []Token{-100, 0, 100}}})
	for _, probe := range []Token{MinToken + 1, -101, -100, -99, 0, 1, 100, 101, MaxToken} {
		hits := 0
		for _, rg := range r.ranges() {
			if inRange(probe, rg[0], rg[1]) {
				hits++
			}
		}
		if hits != 1 {
			t.Errorf("token %d lies in %d ranges, want 1", probe, hits)
		}
	}
	if f := rangeFraction(5, 5); f != 1 {
		t.Errorf("a single token owns the whole ring, got %v", f)
	}
}
