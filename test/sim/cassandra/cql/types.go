package cql

import "strings"

// TypeID is the [option] id of a CQL type in result metadata (native_protocol_v4.spec section
// 4.2.5.2).
type TypeID uint16

// The type ids. text and varchar are one type, sent as Varchar.
const (
	TypeASCII     TypeID = 0x0001
	TypeBigint    TypeID = 0x0002
	TypeBlob      TypeID = 0x0003
	TypeBoolean   TypeID = 0x0004
	TypeCounter   TypeID = 0x0005
	TypeDecimal   TypeID = 0x0006
	TypeDouble    TypeID = 0x0007
	TypeFloat     TypeID = 0x0008
	TypeInt       TypeID = 0x0009
	TypeTimestamp TypeID = 0x000B
	TypeUUID      TypeID = 0x000C
	TypeVarchar   TypeID = 0x000D
	TypeVarint    TypeID = 0x000E
	TypeTimeUUID  TypeID = 0x000F
	TypeInet      TypeID = 0x0010
	TypeDate      TypeID = 0x0011
	TypeTime      TypeID = 0x0012
	TypeSmallint  TypeID = 0x0013
	TypeTinyint   TypeID = 0x0014
	TypeList      TypeID = 0x0020
	TypeMap       TypeID = 0x0021
	TypeSet       TypeID = 0x0022
)

// typeNames are the CQL names of the native types, as system_schema.columns writes them.
var typeNames = map[TypeID]string{
	TypeASCII: "ascii", TypeBigint: "bigint", TypeBlob: "blob", TypeBoolean: "boolean",
	TypeCounter: "counter", TypeDecimal: "decimal", TypeDouble: "double", TypeFloat: "float",
	TypeInt: "int", TypeTimestamp: "timestamp", TypeUUID: "uuid", TypeVarchar: "text",
	TypeVarint: "varint", TypeTimeUUID: "timeuuid", TypeInet: "inet", TypeDate: "date",
	TypeTime: "time", TypeSmallint: "smallint", TypeTinyint: "tinyint",
}

// typesByName resolves a type name in CQL text; varchar is an alias of text.
var typesByName = func() map[string]TypeID {
	m := map[string]TypeID{"varchar": TypeVarchar}
	for id, name := range typeNames {
		m[name] = id
	}
	return m
}()

// Type is a CQL type: a native type, or a collection with its element types (one for list and
// set, key and value for map). Frozen changes only the type's CQL name; the wire does not
// carry it.
type Type struct {
	ID     TypeID
	Elems  []Type
	Frozen bool
}

// ListOf is list<elem>.
func ListOf(elem Type) Type { return Type{ID: TypeList, Elems: []Type{elem}} }

// SetOf is set<elem>.
func SetOf(elem Type) Type { return Type{ID: TypeSet, Elems: []Type{elem}} }

// MapOf is map<key, value>.
func MapOf(key, value Type) Type { return Type{ID: TypeMap, Elems: []Type{key, value}} }

// FrozenOf is frozen<t>.
func FrozenOf(t Type) Type {
	t.Frozen = true
	return t
}

// String is the type's CQL name: text, set<text>, frozen<map<text, text>>.
func (t Type) String() string {
	var name string
	switch t.ID {
	case TypeList:
		name = "list<" + t.Elems[0].String() + ">"
	case TypeSet:
		name = "set<" + t.Elems[0].String() + ">"
	case TypeMap:
		name = "map<" + t.Elems[0].String() + ", " + t.Elems[1].String() + ">"
	default:
		name = typeNames[t.ID]
	}
	if t.Frozen {
		return "frozen<" + name + ">"
	}
	return name
}

// Equal says whether two types are the same, frozenness included.
func (t Type) Equal(o Type) bool {
	if t.ID != o.ID || t.Frozen != o.Frozen || len(t.Elems) != len(o.Elems) {
		return false
	}
	for i := range t.Elems {
		if !t.Elems[i].Equal(o.Elems[i]) {
			return false
		}
	}
	return true
}

// userModelled says whether a table created through the server may have a column of this type:
// the fixed-size and string native types. The others are valid CQL the simulator does not
// model.
func (t Type) userModelled() bool {
	switch t.ID {
	case TypeASCII, TypeBigint, TypeBlob, TypeBoolean, TypeDouble, TypeFloat, TypeInt,
		TypeTimestamp, TypeUUID, TypeVarchar, TypeTimeUUID, TypeInet, TypeSmallint, TypeTinyint:
		return true
	}
	return false
}

// writeOption writes the type as an [option] (section 4.2.5.2).
func (w *writer) writeOption(t Type) {
	w.writeShort(uint16(t.ID))
	for _, e := range t.Elems {
		w.writeOption(e)
	}
}

// typeFromName builds a type from its CQL name and parameters, as written in CREATE TABLE.
func typeFromName(name string, params []Type) (Type, error) {
	lower := strings.ToLower(name)
	want := map[string]int{"list": 1, "set": 1, "map": 2, "frozen": 1}
	if n, ok := want[lower]; ok {
		if len(params) != n {
			return Type{}, &SyntaxError{Message: "Invalid number of type parameters for " + lower}
		}
		switch lower {
		case "list":
			return ListOf(params[0]), nil
		case "set":
			return SetOf(params[0]), nil
		case "map":
			return MapOf(params[0], params[1]), nil
		}
		return FrozenOf(params[0]), nil
	}
	if len(params) != 0 {
		return Type{}, &SyntaxError{Message: "Type " + lower + " takes no parameters"}
	}
	id, ok := typesByName[lower]
	if !ok {
		return Type{}, invalidf("Unknown type %s", name)
	}
	return Type{ID: id}, nil
}
