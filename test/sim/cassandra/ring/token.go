package ring

import (
	"encoding/binary"
	"math"
	"math/bits"
	"math/rand/v2"
)

// Token is a Murmur3Partitioner token: a signed 64-bit position on the ring.
type Token int64

// MinToken is the partitioner's minimum token. It is never a node's token nor a key's: the hash
// of a key that would land on it is moved to MaxToken, as Murmur3Partitioner.normalize does.
const (
	MinToken Token = math.MinInt64
	MaxToken Token = math.MaxInt64
)

// TokenFor returns the token of a partition key's serialized bytes, as Murmur3Partitioner
// computes it: the first 64 bits of Cassandra's MurmurHash3 x64 128-bit hash with seed 0.
func TokenFor(key []byte) Token {
	return normalize(Token(murmur3(key)))
}

// RandomToken draws a token as Murmur3Partitioner.getRandomToken does: a uniform 64-bit value,
// normalized.
func RandomToken(rng *rand.Rand) Token {
	return normalize(Token(rng.Uint64()))
}

func normalize(t Token) Token {
	if t == MinToken {
		return MaxToken
	}
	return t
}

// murmur3 is MurmurHash.hash3_x64_128(key, 0, len, 0)[0] as Cassandra implements it. It differs
// from the reference MurmurHash3 in one way that matters: the tail bytes are sign-extended
// ((long) key.get(i) of a Java byte), so keys whose last len%16 bytes have the high bit set hash
// differently. The differences are reproduced, since they decide where rows live.
func murmur3(key []byte) int64 {
	const c1, c2 = 0x87c37b91114253d5, 0x4cf5ad432745937f
	var h1, h2 uint64
	nblocks := len(key) / 16
	for i := range nblocks {
		k1 := binary.LittleEndian.Uint64(key[i*16:])
		k2 := binary.LittleEndian.Uint64(key[i*16+8:])
		k1 *= c1
		k1 = bits.RotateLeft64(k1, 31)
		k1 *= c2
		h1 ^= k1
		h1 = bits.RotateLeft64(h1, 27)
		h1 += h2
		h1 = h1*5 + 0x52dce729
		k2 *= c2
		k2 = bits.RotateLeft64(k2, 33)
		k2 *= c1
		h2 ^= k2
		h2 = bits.RotateLeft64(h2, 31)
		h2 += h1
		h2 = h2*5 + 0x38495ab5
	}
	tail := key[nblocks*16:]
	// b reads a tail byte the way Java widens a byte to long: with its sign.
	b := func(i int) uint64 { return uint64(int64(int8(tail[i]))) }
	var k1, k2 uint64
	switch len(tail) {
	case 15:
		k2 ^= b(14) << 48
		fallthrough
	case 14:
		k2 ^= b(13) << 40
		fallthrough
	case 13:
		k2 ^= b(12) << 32
		fallthrough
	case 12:
		k2 ^= b(11) << 24
		fallthrough
	case 11:
		k2 ^= b(10) << 16
		fallthrough
	case 10:
		k2 ^= b(9) << 8
		fallthrough
	case 9:
		k2 ^= b(8)
		k2 *= c2
		k2 = bits.RotateLeft64(k2, 33)
		k2 *= c1
		h2 ^= k2
		fallthrough
	case 8:
		k1 ^= b(7) << 56
		fallthrough
	case 7:
		k1 ^= b(6) << 48
		fallthrough
	case 6:
		k1 ^= b(5) << 40
		fallthrough
	case 5:
		k1 ^= b(4) << 32
		fallthrough
	case 4:
		k1 ^= b(3) << 24
		fallthrough
	case 3:
		k1 ^= b(2) << 16
		fallthrough
	case 2:
		k1 ^= b(1) << 8
		fallthrough
	case 1:
		k1 ^= b(0)
		k1 *= c1
		k1 = bits.RotateLeft64(k1, 31)
		k1 *= c2
		h1 ^= k1
	}
	h1 ^= uint64(len(key))
	h2 ^= uint64(len(key))
	h1 += h2
	h2 += h1
	h1 = fmix(h1)
	h2 = fmix(h2)
	h1 += h2
	return int64(h1)
}

func fmix(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// IntKey serializes an int partition key as CQL does: four bytes, big-endian.
func IntKey(v int32) []byte {
	return binary.BigEndian.AppendUint32(nil, uint32(v))
}

// TextKey serializes a text partition key as CQL does: its UTF-8 bytes.
func TextKey(s string) []byte { return []byte(s) }

// rangeFraction is the share of the ring in the range (left, right], as
// Murmur3Partitioner.describeOwnership measures it; a range from a token to itself is the whole
// ring.
func rangeFraction(left, right Token) float64 {
	if left == right {
		return 1
	}
	return float64(uint64(right)-uint64(left)) / math.Exp2(64)
}
