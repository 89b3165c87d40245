package cql

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// Error codes of native_protocol_v4.spec section 9 that the server sends.
const (
	codeServer        int32 = 0x0000
	codeProtocol      int32 = 0x000A
	codeUnavailable   int32 = 0x1000
	codeBootstrapping int32 = 0x1002
	codeWriteTimeout  int32 = 0x1100
	codeReadTimeout   int32 = 0x1200
	codeSyntax        int32 = 0x2000
	codeUnauthorized  int32 = 0x2100
	codeInvalid       int32 = 0x2200
	codeConfig        int32 = 0x2300
	codeAlreadyExists int32 = 0x2400
	codeUnprepared    int32 = 0x2500
)

// wireError is an error the server can put in an ERROR message: a code, a message, and the
// code's extra fields (section 9). A Backend returns one of the exported types below (wrapped
// or not) to make the client see that code; any other error reaches the client as ServerError.
type wireError interface {
	error
	code() int32
	writeDetails(w *writer)
}

// asWireError finds the wireError in err's chain, or makes err a ServerError.
func asWireError(err error) wireError {
	var we wireError
	if errors.As(err, &we) {
		return we
	}
	return &ServerError{Message: err.Error()}
}

// UnavailableError is Cassandra's Unavailable (0x1000): the coordinator knew before sending the
// request that fewer replicas were alive than the consistency level requires.
type UnavailableError struct {
	Consistency Consistency
	Required    int
	Alive       int
}

func (e *UnavailableError) Error() string {
	return "Cannot achieve consistency level " + e.Consistency.String()
}

func (e *UnavailableError) code() int32 { return codeUnavailable }

func (e *UnavailableError) writeDetails(w *writer) {
	w.writeConsistency(e.Consistency)
	w.writeInt(int32(e.Required))
	w.writeInt(int32(e.Alive))
}

// WriteType says what kind of write timed out, as in a Write_timeout error.
type WriteType string

// Write types of section 9; the simulator's INSERT is a SIMPLE write.
const (
	WriteSimple        WriteType = "SIMPLE"
	WriteBatch         WriteType = "BATCH"
	WriteUnloggedBatch WriteType = "UNLOGGED_BATCH"
	WriteCounter       WriteType = "COUNTER"
	WriteBatchLog      WriteType = "BATCH_LOG"
)

// WriteTimeoutError is Cassandra's Write_timeout (0x1100): fewer than BlockFor replicas
// acknowledged the write in time. The write may or may not have been applied.
type WriteTimeoutError struct {
	Consistency Consistency
	Received    int
	BlockFor    int
	WriteType   WriteType
}

func (e *WriteTimeoutError) Error() string {
	return fmt.Sprintf("Operation timed out - received only %d responses.", e.Received)
}

func (e *WriteTimeoutError) code() int32 { return codeWriteTimeout }

func (e *WriteTimeoutError) writeDetails(w *writer) {
	w.writeConsistency(e.Consistency)
	w.writeInt(int32(e.Received))
	w.writeInt(int32(e.BlockFor))
	wt := e.WriteType
	if wt == "" {
		wt = WriteSimple
	}
	w.writeString(string(wt))
}

// ReadTimeoutError is Cassandra's Read_timeout (0x1200): fewer than BlockFor replicas answered
// in time; DataPresent says whether the replica asked for the data itself answered.
type ReadTimeoutError struct {
	Consistency Consistency
	Received    int
	BlockFor    int
	DataPresent bool
}

func (e *ReadTimeoutError) Error() string {
	return fmt.Sprintf("Operation timed out - received only %d responses.", e.Received)
}

func (e *ReadTimeoutError) code() int32 { return codeReadTimeout }

func (e *ReadTimeoutError) writeDetails(w *writer) {
	w.writeConsistency(e.Consistency)
	w.writeInt(int32(e.Received))
	w.writeInt(int32(e.BlockFor))
	if e.DataPresent {
		w.writeByte(1)
	} else {
		w.writeByte(0)
	}
}

// IsBootstrappingError is Cassandra's Is_bootstrapping (0x1002): a read reached a coordinator
// that is still joining the ring.
type IsBootstrappingError struct{}

func (e *IsBootstrappingError) Error() string { return "Cannot read from a bootstrapping node" }

func (e *IsBootstrappingError) code() int32 { return codeBootstrapping }

func (e *IsBootstrappingError) writeDetails(*writer) {}

// AlreadyExistsError is Cassandra's Already_exists (0x2400): a CREATE without IF NOT EXISTS
// named a keyspace, or a table, that exists. Table is empty for a keyspace.
type AlreadyExistsError struct {
	Keyspace string
	Table    string
}

func (e *AlreadyExistsError) Error() string {
	if e.Table == "" {
		return fmt.Sprintf("Cannot add existing keyspace %q", e.Keyspace)
	}
	return fmt.Sprintf("Cannot add already existing table %q to keyspace %q", e.Table, e.Keyspace)
}

func (e *AlreadyExistsError) code() int32 { return codeAlreadyExists }

func (e *AlreadyExistsError) writeDetails(w *writer) {
	w.writeString(e.Keyspace)
	w.writeString(e.Table)
}

// UnpreparedError is Cassandra's Unprepared (0x2500): EXECUTE named a statement id this node
// does not hold (never prepared here, or evicted from the cache). Drivers prepare again.
type UnpreparedError struct {
	ID []byte
}

func (e *UnpreparedError) Error() string {
	return fmt.Sprintf("Prepared query with ID %s not found (either the query was not prepared on this host "+
		"(maybe the host has been restarted?) or you have prepared too many queries and it has been evicted "+
		"from the internal cache)", hex.EncodeToString(e.ID))
}

func (e *UnpreparedError) code() int32 { return codeUnprepared }

func (e *UnpreparedError) writeDetails(w *writer) { w.writeShortBytes(e.ID) }

// SyntaxError is Cassandra's Syntax_error (0x2000): the statement does not parse. The server
// also answers it for CQL outside the subset it models, saying so in the message.
type SyntaxError struct {
	Message string
}

func (e *SyntaxError) Error() string { return e.Message }

func (e *SyntaxError) code() int32 { return codeSyntax }

func (e *SyntaxError) writeDetails(*writer) {}

// InvalidError is Cassandra's Invalid (0x2200): the statement parses but cannot run, for
// example because it names a table that does not exist.
type InvalidError struct {
	Message string
}

func (e *InvalidError) Error() string { return e.Message }

func (e *InvalidError) code() int32 { return codeInvalid }

func (e *InvalidError) writeDetails(*writer) {}

// ConfigError is Cassandra's Config_error (0x2300): a schema change with bad options, such as
// an unknown replication strategy or a data center the cluster does not have.
type ConfigError struct {
	Message string
}

func (e *ConfigError) Error() string { return e.Message }

func (e *ConfigError) code() int32 { return codeConfig }

func (e *ConfigError) writeDetails(*writer) {}

// UnauthorizedError is Cassandra's Unauthorized (0x2100), answered for writes to the system
// keyspaces.
type UnauthorizedError struct {
	Message string
}

func (e *UnauthorizedError) Error() string { return e.Message }

func (e *UnauthorizedError) code() int32 { return codeUnauthorized }

func (e *UnauthorizedError) writeDetails(*writer) {}

// ServerError is Cassandra's Server error (0x0000): something unexpected happened on the node.
type ServerError struct {
	Message string
}

func (e *ServerError) Error() string { return e.Message }

func (e *ServerError) code() int32 { return codeServer }

func (e *ServerError) writeDetails(*writer) {}

// ProtocolError is Cassandra's Protocol error (0x000A): the client broke the protocol. Like
// Cassandra before protocol v5, the server closes the connection after sending it.
type ProtocolError struct {
	Message string
}

func (e *ProtocolError) Error() string { return e.Message }

func (e *ProtocolError) code() int32 { return codeProtocol }

func (e *ProtocolError) writeDetails(*writer) {}

func invalidf(format string, args ...any) error {
	return &InvalidError{Message: fmt.Sprintf(format, args...)}
}

func protocolf(format string, args ...any) error {
	return &ProtocolError{Message: fmt.Sprintf(format, args...)}
}
