package cql

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// literalValue converts a constant written in a statement to a value of a column's type, with
// the message Cassandra gives when the constant cannot be one:
// `Invalid STRING constant (abc) for "v" of type int`.
func literalValue(t term, column string, typ Type) (Value, error) {
	if t.kind == termNull {
		return Null(typ), nil
	}
	if t.kind == termMap || t.kind == termSet || t.kind == termList {
		return Value{}, invalidf("Invalid %s literal for %s of type %s", t.kind, column, typ)
	}
	b, ok := literalBytes(t, typ)
	if !ok {
		return Value{}, invalidf("Invalid %s constant (%s) for %q of type %s", t.kind, t.text, column, typ)
	}
	if err := checkValue(typ, b); err != nil {
		return Value{}, err
	}
	return Value{Type: typ, Bytes: b}, nil
}

// literalBytes serializes constant t as type typ, or says it cannot.
func literalBytes(t term, typ Type) ([]byte, bool) {
	switch t.kind {
	case termString:
		return stringLiteral(t.text, typ)
	case termInteger:
		return integerLiteral(t.text, typ)
	case termFloat:
		return floatLiteral(t.text, typ)
	case termBoolean:
		if typ.ID != TypeBoolean {
			return nil, false
		}
		if strings.EqualFold(t.text, "true") {
			return []byte{1}, true
		}
		return []byte{0}, true
	case termUUID:
		if typ.ID != TypeUUID && typ.ID != TypeTimeUUID {
			return nil, false
		}
		u, err := uuid.Parse(t.text)
		return u[:], err == nil
	case termHex:
		if typ.ID != TypeBlob {
			return nil, false
		}
		b, err := hex.DecodeString(t.text[2:])
		return b, err == nil
	}
	return nil, false
}

func stringLiteral(s string, typ Type) ([]byte, bool) {
	switch typ.ID {
	case TypeVarchar, TypeASCII:
		return []byte(s), true
	case TypeInet:
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, false
		}
		return a.Unmap().AsSlice(), true
	case TypeTimestamp:
		at, ok := parseTimestamp(s)
		if !ok {
			return nil, false
		}
		return binary.BigEndian.AppendUint64(nil, uint64(at.UnixMilli())), true
	}
	return nil, false
}

func integerLiteral(s string, typ Type) ([]byte, bool) {
	bits := map[TypeID]int{TypeTinyint: 8, TypeSmallint: 16, TypeInt: 32, TypeBigint: 64, TypeTimestamp: 64}
	if n, ok := bits[typ.ID]; ok {
		i, err := strconv.ParseInt(s, 10, n)
		if err != nil {
			return nil, false
		}
		b := binary.BigEndian.AppendUint64(nil, uint64(i))
		return b[8-n/8:], true
	}
	return floatLiteral(s, typ)
}

func floatLiteral(s string, typ Type) ([]byte, bool) {
	switch typ.ID {
	case TypeDouble:
		f, err := strconv.ParseFloat(s, 64)
		return binary.BigEndian.AppendUint64(nil, math.Float64bits(f)), err == nil
	case TypeFloat:
		f, err := strconv.ParseFloat(s, 32)
		return binary.BigEndian.AppendUint32(nil, math.Float32bits(float32(f))), err == nil
	}
	return nil, false
}

// timestampLayouts are the literal forms Cassandra's timestamp type accepts that the simulator
// reads; a literal without a zone is UTC.
var timestampLayouts = []string{
	"2006-01-02 15:04:05.000Z0700", "2006-01-02 15:04:05Z0700", "2006-01-02 15:04Z0700",
	"2006-01-02T15:04:05.000Z0700", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z0700",
	"2006-01-02 15:04:05.000", "2006-01-02 15:04:05", "2006-01-02 15:04",
	"2006-01-02T15:04:05.000", "2006-01-02T15:04:05", "2006-01-02T15:04",
	"2006-01-02Z0700", "2006-01-02",
}

func parseTimestamp(s string) (time.Time, bool) {
	for _, layout := range timestampLayouts {
		if at, err := time.Parse(layout, s); err == nil {
			return at, true
		}
	}
	return time.Time{}, false
}
