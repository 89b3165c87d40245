package cql

import (
	"encoding/binary"
	"fmt"
)

// Frame layout of native_protocol_v4.spec sections 1 and 2.
const (
	// protocolVersion is the only version the server speaks.
	protocolVersion byte = 4
	// responseBit marks a frame as a response in its version byte (section 2.1).
	responseBit byte = 0x80
	versionMask byte = 0x7F
	headerLen        = 9
	// maxBodyLen is Cassandra 4's default native_transport_max_frame_size (16 MiB). The spec
	// allows 256 MB; Cassandra refuses bigger frames than it is configured for.
	maxBodyLen = 16 << 20
	// eventStream is the stream id of every EVENT frame (section 2.3).
	eventStream int16 = -1
)

// Header flags (section 2.2).
const (
	flagCompression   byte = 0x01
	flagCustomPayload byte = 0x04
)

// opcode is a frame's message type (section 2.4).
type opcode byte

const (
	opError         opcode = 0x00
	opStartup       opcode = 0x01
	opReady         opcode = 0x02
	opAuthenticate  opcode = 0x03
	opOptions       opcode = 0x05
	opSupported     opcode = 0x06
	opQuery         opcode = 0x07
	opResult        opcode = 0x08
	opPrepare       opcode = 0x09
	opExecute       opcode = 0x0A
	opRegister      opcode = 0x0B
	opEvent         opcode = 0x0C
	opBatch         opcode = 0x0D
	opAuthChallenge opcode = 0x0E
	opAuthResponse  opcode = 0x0F
	opAuthSuccess   opcode = 0x10
)

var opcodeNames = map[opcode]string{
	opError: "ERROR", opStartup: "STARTUP", opReady: "READY", opAuthenticate: "AUTHENTICATE",
	opOptions: "OPTIONS", opSupported: "SUPPORTED", opQuery: "QUERY", opResult: "RESULT",
	opPrepare: "PREPARE", opExecute: "EXECUTE", opRegister: "REGISTER", opEvent: "EVENT",
	opBatch: "BATCH", opAuthChallenge: "AUTH_CHALLENGE", opAuthResponse: "AUTH_RESPONSE",
	opAuthSuccess: "AUTH_SUCCESS",
}

func (o opcode) String() string {
	if name, ok := opcodeNames[o]; ok {
		return name
	}
	return fmt.Sprintf("UNKNOWN_OPCODE_%d", byte(o))
}

// request says whether a client may send this opcode.
func (o opcode) request() bool {
	switch o {
	case opStartup, opOptions, opQuery, opPrepare, opExecute, opRegister, opBatch, opAuthResponse:
		return true
	}
	return false
}

// header is a decoded frame header.
type header struct {
	version  byte // without the direction bit
	response bool
	flags    byte
	stream   int16
	op       opcode
	length   int32
}

func parseHeader(b *[headerLen]byte) header {
	return header{
		version:  b[0] & versionMask,
		response: b[0]&responseBit != 0,
		flags:    b[1],
		stream:   int16(binary.BigEndian.Uint16(b[2:4])),
		op:       opcode(b[4]),
		length:   int32(binary.BigEndian.Uint32(b[5:9])),
	}
}

// appendFrame appends a response frame: no flags, since the server never compresses, traces,
// warns or sends a custom payload.
func appendFrame(dst []byte, version byte, stream int16, op opcode, body []byte) []byte {
	dst = append(dst, version|responseBit, 0)
	dst = binary.BigEndian.AppendUint16(dst, uint16(stream))
	dst = append(dst, byte(op))
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(body)))
	return append(dst, body...)
}
