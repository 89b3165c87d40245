package cql

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Value is one CQL value as the protocol carries it: its type and its serialization
// (native_protocol_v4.spec section 6). Bytes nil is null; an empty, non-nil Bytes is the empty
// value most native types allow. Keeping the bytes, not a Go value, lets a Backend store rows
// as the client sent them and hash a partition key the way Cassandra does.
type Value struct {
	Type  Type
	Bytes []byte
}

// IsNull says whether the value is null.
func (v Value) IsNull() bool { return v.Bytes == nil }

// Null is the null value of a type.
func Null(t Type) Value { return Value{Type: t} }

// TextValue is a text value.
func TextValue(s string) Value {
	return Value{Type: Type{ID: TypeVarchar}, Bytes: append([]byte{}, s...)}
}

// IntValue is an int value.
func IntValue(i int32) Value {
	return Value{Type: Type{ID: TypeInt}, Bytes: binary.BigEndian.AppendUint32(nil, uint32(i))}
}

// BigintValue is a bigint value.
func BigintValue(i int64) Value {
	return Value{Type: Type{ID: TypeBigint}, Bytes: binary.BigEndian.AppendUint64(nil, uint64(i))}
}

// BooleanValue is a boolean value.
func BooleanValue(b bool) Value {
	v := Value{Type: Type{ID: TypeBoolean}, Bytes: []byte{0}}
	if b {
		v.Bytes[0] = 1
	}
	return v
}

// UUIDValue is a uuid value.
func UUIDValue(u uuid.UUID) Value { return Value{Type: Type{ID: TypeUUID}, Bytes: u[:]} }

// InetValue is an inet value: 4 bytes for IPv4, 16 for IPv6.
func InetValue(a netip.Addr) Value {
	return Value{Type: Type{ID: TypeInet}, Bytes: a.Unmap().AsSlice()}
}

// BlobValue is a blob value.
func BlobValue(b []byte) Value { return Value{Type: Type{ID: TypeBlob}, Bytes: append([]byte{}, b...)} }

// TimestampValue is a timestamp value: milliseconds since the Unix epoch.
func TimestampValue(t time.Time) Value {
	return Value{Type: Type{ID: TypeTimestamp}, Bytes: binary.BigEndian.AppendUint64(nil, uint64(t.UnixMilli()))}
}

// TextSetValue is a set<text>, its elements sorted and unique as Cassandra stores a set.
func TextSetValue(elems []string) Value {
	sorted := slices.Clone(elems)
	slices.Sort(sorted)
	return Value{Type: SetOf(Type{ID: TypeVarchar}), Bytes: appendTextCollection(nil, slices.Compact(sorted))}
}

// TextListValue is a list<text>, in the order given.
func TextListValue(elems []string) Value {
	return Value{Type: ListOf(Type{ID: TypeVarchar}), Bytes: appendTextCollection(nil, elems)}
}

// TextMapValue is a map<text, text>, its entries sorted by key as Cassandra stores a map.
func TextMapValue(m map[string]string) Value {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := binary.BigEndian.AppendUint32(nil, uint32(len(keys)))
	for _, k := range keys {
		b = appendElement(b, []byte(k))
		b = appendElement(b, []byte(m[k]))
	}
	return Value{Type: MapOf(Type{ID: TypeVarchar}, Type{ID: TypeVarchar}), Bytes: b}
}

// appendTextCollection serializes a list or set (section 6.11, 6.13): [int] n, then n [bytes].
func appendTextCollection(b []byte, elems []string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(elems)))
	for _, e := range elems {
		b = appendElement(b, []byte(e))
	}
	return b
}

func appendElement(b, e []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(e)))
	return append(b, e...)
}

// checkValue checks that b is a valid serialization of t, with the messages Cassandra's type
// serializers give. Empty values pass for every type, as section 6 allows for legacy reasons.
func checkValue(t Type, b []byte) error {
	if len(b) == 0 {
		return nil
	}
	fixed := map[TypeID]struct {
		size int
		msg  string
	}{
		TypeInt:       {4, "Expected 4 or 0 byte int (%d)"},
		TypeBigint:    {8, "Expected 8 or 0 byte long (%d)"},
		TypeCounter:   {8, "Expected 8 or 0 byte long (%d)"},
		TypeTimestamp: {8, "Expected 8 or 0 byte long for date (%d)"},
		TypeSmallint:  {2, "Expected 2 bytes for a smallint (%d)"},
		TypeTinyint:   {1, "Expected 1 byte for a tinyint (%d)"},
		TypeBoolean:   {1, "Expected 1 or 0 byte value (%d)"},
		TypeDouble:    {8, "Expected 8 or 0 byte value for a double (%d)"},
		TypeFloat:     {4, "Expected 4 or 0 byte value for a float (%d)"},
		TypeUUID:      {16, "UUID should be 16 or 0 bytes (%d)"},
		TypeTimeUUID:  {16, "UUID should be 16 or 0 bytes (%d)"},
	}
	if f, ok := fixed[t.ID]; ok && len(b) != f.size {
		return invalidf(f.msg, len(b))
	}
	switch t.ID {
	case TypeTimeUUID:
		if v := b[6] >> 4; v != 1 {
			return invalidf("Unsupported UUID version (%d)", v)
		}
	case TypeInet:
		if len(b) != 4 && len(b) != 16 {
			return invalidf("Invalid length %d for an inet address", len(b))
		}
	case TypeVarchar:
		if !utf8.Valid(b) {
			return invalidf("String didn't validate.")
		}
	case TypeASCII:
		for _, c := range b {
			if c > 127 {
				return invalidf("Invalid byte for ascii: %d", c)
			}
		}
	case TypeFloat, TypeDouble:
		// every bit pattern is a float; nothing more to check
	}
	return nil
}
