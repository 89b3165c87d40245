package cql

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"time"
)

// conn is one client connection. Its reader reads frames in order and answers the handshake
// (OPTIONS, STARTUP, REGISTER) itself; QUERY, PREPARE and EXECUTE each run on their own
// goroutine, as Cassandra runs requests concurrently, and may answer out of order, each on its
// request's stream.
type conn struct {
	srv *Server
	nc  net.Conn

	wmu sync.Mutex // one frame at a time on the wire

	mu       sync.Mutex
	started  bool
	keyspace string
	events   map[string]bool

	requests sync.WaitGroup
}

func (c *conn) serve(ctx context.Context) {
	defer func() {
		_ = c.nc.Close()
		c.requests.Wait()
	}()
	r := bufio.NewReader(c.nc)
	var hb [headerLen]byte
	for {
		// Like Cassandra, look at the version before waiting for a whole header: a client of
		// another version may use another header layout.
		if _, err := io.ReadFull(r, hb[:1]); err != nil {
			return
		}
		if v := hb[0] & versionMask; v != protocolVersion {
			c.rejectVersion(v)
			return
		}
		if _, err := io.ReadFull(r, hb[1:]); err != nil {
			return
		}
		h := parseHeader(&hb)
		if h.length < 0 {
			c.fail(h.stream, protocolf("Invalid value for envelope header body length field: %d", h.length))
			return
		}
		if h.length > maxBodyLen {
			if _, err := io.CopyN(io.Discard, r, int64(h.length)); err != nil {
				return
			}
			c.sendError(h.stream, invalidf("Request is too big: length %d exceeds maximum allowed length %d.", int64(h.length)+headerLen, maxBodyLen))
			continue
		}
		body := make([]byte, h.length)
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		if err := c.handle(ctx, h, body); err != nil {
			c.fail(h.stream, err)
			return
		}
	}
}

// rejectVersion answers a frame of a version the server does not speak, as Cassandra does: a
// ProtocolError on stream 0 in a frame of the newest version it speaks (of the client's own
// version for v3, whose header is the same), then the connection closes. The driver takes this
// answer as "try an older version".
func (c *conn) rejectVersion(v byte) {
	reply := protocolVersion
	if v == 3 {
		reply = v
	}
	err := protocolf("Invalid or unsupported protocol version (%d); supported versions are (4/v4)", v)
	c.write(reply, 0, opError, errorBody(asWireError(err)))
}

// handle answers one frame; an error is a ProtocolError that ends the connection.
func (c *conn) handle(ctx context.Context, h header, body []byte) error {
	switch {
	case h.response:
		return protocolf("Wrong protocol direction (expected REQUEST, got RESPONSE) for opcode %d (%s)", byte(h.op), h.op)
	case opcodeNames[h.op] == "":
		return protocolf("Unknown opcode %d", byte(h.op))
	case !h.op.request():
		return protocolf("Wrong protocol direction (expected RESPONSE, got REQUEST) for opcode %d (%s)", byte(h.op), h.op)
	case h.flags&flagCompression != 0:
		return protocolf("Compressed frame received, but no compression was negotiated")
	}
	r := &reader{b: body}
	if h.flags&flagCustomPayload != 0 {
		r.readBytesMap() // ignored, as Cassandra's default query handler ignores it
	}
	if h.op == opOptions {
		c.send(h.stream, opSupported, c.supported())
		return nil
	}
	if h.op == opStartup {
		return c.startup(h.stream, r)
	}
	c.mu.Lock()
	started := c.started
	c.mu.Unlock()
	if !started {
		return protocolf("Unexpected message %s, expecting STARTUP or OPTIONS", h.op)
	}
	switch h.op {
	case opRegister:
		return c.register(h.stream, r)
	case opQuery, opPrepare, opExecute:
		c.requests.Go(func() { c.request(ctx, h, r) })
		return nil
	case opBatch:
		c.sendError(h.stream, invalidf("BATCH messages are not modelled by the simulator"))
		return nil
	}
	return protocolf("Unexpected message %s: no authentication was requested", h.op)
}

// supported is the body of SUPPORTED: the CQL version of the node's release, no compression
// (so a driver configured with one goes without), and protocol v4 only.
func (c *conn) supported() []byte {
	m := map[string][]string{
		"CQL_VERSION":       {cqlVersion(c.srv.backend.Local().ReleaseVersion)},
		"COMPRESSION":       {},
		"PROTOCOL_VERSIONS": {"4/v4"},
	}
	w := &writer{}
	w.writeStringMultimap([]string{"COMPRESSION", "CQL_VERSION", "PROTOCOL_VERSIONS"}, m)
	return w.b
}

// startup checks STARTUP's options as Cassandra 4 does and makes the connection ready.
func (c *conn) startup(stream int16, r *reader) error {
	opts := r.readStringMap()
	if r.err != nil {
		return r.err
	}
	v, ok := opts["CQL_VERSION"]
	if !ok {
		return protocolf("Missing value CQL_VERSION in STARTUP message")
	}
	major, ok := cqlMajor(v)
	if !ok {
		return protocolf("Invalid version value: %s", v)
	}
	if major < 3 {
		return protocolf("CQL version %s is not supported by the binary protocol (supported version are >= 3.0.0)", v)
	}
	if comp := opts["COMPRESSION"]; comp != "" {
		// SUPPORTED offered none: a client that asks anyway gets Cassandra's answer to an
		// algorithm it does not know.
		return protocolf("Unknown compression algorithm: %s", comp)
	}
	c.mu.Lock()
	c.started = true
	c.mu.Unlock()
	c.send(stream, opReady, nil)
	return nil
}

// cqlMajor reads the major number of a x.y.z CQL version.
func cqlMajor(v string) (int, bool) {
	major := 0
	dots := 0
	for i, ch := range v {
		switch {
		case ch == '.':
			if i == 0 || v[i-1] == '.' {
				return 0, false
			}
			dots++
		case ch >= '0' && ch <= '9':
			if dots == 0 {
				major = major*10 + int(ch-'0')
			}
		default:
			return 0, false
		}
	}
	return major, dots >= 1 && dots <= 2 && v[len(v)-1] != '.'
}

// register records the event types the connection wants (section 4.1.8).
func (c *conn) register(stream int16, r *reader) error {
	types := r.readStringList()
	if r.err != nil {
		return r.err
	}
	known := []string{eventTopologyChange, eventStatusChange, eventSchemaChange}
	for _, t := range types {
		if !slices.Contains(known, t) {
			return protocolf("Invalid value '%s' for Type", t)
		}
	}
	c.mu.Lock()
	for _, t := range types {
		c.events[t] = true
	}
	c.mu.Unlock()
	c.send(stream, opReady, nil)
	return nil
}

func (c *conn) sendEvent(ev Event) {
	c.mu.Lock()
	wanted := c.events[ev.eventType()]
	c.mu.Unlock()
	if !wanted {
		return
	}
	w := &writer{}
	w.writeString(ev.eventType())
	ev.writeEvent(w)
	c.send(eventStream, opEvent, w.b)
}

func (c *conn) send(stream int16, op opcode, body []byte) {
	c.write(protocolVersion, stream, op, body)
}

// writeTimeout bounds a frame's write: a client that reads nothing for that long is dropped,
// rather than left to block the requests and events queued behind it.
const writeTimeout = 10 * time.Second

func (c *conn) write(version byte, stream int16, op opcode, body []byte) {
	frame := appendFrame(make([]byte, 0, headerLen+len(body)), version, stream, op, body)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := c.nc.Write(frame); err != nil {
		// The connection is gone or stuck: close it, and its reader ends.
		_ = c.nc.Close()
	}
}

func errorBody(we wireError) []byte {
	w := &writer{}
	w.writeInt(we.code())
	w.writeString(we.Error())
	we.writeDetails(w)
	return w.b
}

func (c *conn) sendError(stream int16, err error) {
	c.send(stream, opError, errorBody(asWireError(err)))
}

// fail answers a ProtocolError and closes the connection, as Cassandra does before v5.
func (c *conn) fail(stream int16, err error) {
	c.sendError(stream, err)
	_ = c.nc.Close()
}

func isProtocolError(err error) bool {
	var pe *ProtocolError
	return errors.As(err, &pe)
}
