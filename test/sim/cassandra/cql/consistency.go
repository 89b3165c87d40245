package cql

import "fmt"

// Consistency is a consistency level, the [consistency] of native_protocol_v4.spec section 3.
type Consistency uint16

// The consistency levels, with their protocol values.
const (
	Any         Consistency = 0x0000
	One         Consistency = 0x0001
	Two         Consistency = 0x0002
	Three       Consistency = 0x0003
	Quorum      Consistency = 0x0004
	All         Consistency = 0x0005
	LocalQuorum Consistency = 0x0006
	EachQuorum  Consistency = 0x0007
	Serial      Consistency = 0x0008
	LocalSerial Consistency = 0x0009
	LocalOne    Consistency = 0x000A
)

var consistencyNames = map[Consistency]string{
	Any: "ANY", One: "ONE", Two: "TWO", Three: "THREE", Quorum: "QUORUM", All: "ALL",
	LocalQuorum: "LOCAL_QUORUM", EachQuorum: "EACH_QUORUM", Serial: "SERIAL",
	LocalSerial: "LOCAL_SERIAL", LocalOne: "LOCAL_ONE",
}

// String is the level's name as Cassandra writes it in messages (QUORUM, LOCAL_QUORUM, ...).
func (c Consistency) String() string {
	if name, ok := consistencyNames[c]; ok {
		return name
	}
	return fmt.Sprintf("UNKNOWN_CONSISTENCY_0x%04x", uint16(c))
}

func (c Consistency) known() bool {
	_, ok := consistencyNames[c]
	return ok
}

func (c Consistency) serial() bool { return c == Serial || c == LocalSerial }

// checkForRead rejects the levels Cassandra refuses for reads before asking any replica.
func (c Consistency) checkForRead() error {
	if c == Any {
		return &InvalidError{Message: "ANY ConsistencyLevel is only supported for writes"}
	}
	return nil
}

// checkForWrite rejects the levels Cassandra refuses for plain (non-conditional) writes.
func (c Consistency) checkForWrite() error {
	if c.serial() {
		return &InvalidError{Message: "You must use conditional updates for serializable writes"}
	}
	return nil
}
