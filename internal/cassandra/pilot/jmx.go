package pilot

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"
)

// pingTimeout bounds the JMX handshake of the liveness check.
const pingTimeout = 3 * time.Second

// The opening of Java RMI's transport protocol (Java RMI specification, chapter 10, "RMI Wire
// Protocol"): the client sends the magic "JRMI", version 2 and StreamProtocol; the server's RMI
// transport (sun.rmi.transport.tcp.TCPTransport.handleMessages) answers ProtocolAck, then the
// endpoint it sees the client at.
var (
	rmiHeader   = []byte{'J', 'R', 'M', 'I', 0x00, 0x02, 0x4b}
	protocolAck = byte(0x4e)
)

// pingJMX checks that the node's JMX server, where nodetool connects, answers the RMI
// handshake. A JVM thread accepts and answers it, so a node whose JVM has stopped serving fails
// it, while the check costs a connection and a few bytes, not a JVM started for nodetool (about
// a second of CPU, too much to spend every ten seconds on every node).
func pingJMX(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connecting to JMX on %s: %w", addr, err)
	}
	defer func() { _ = conn.Close() }()
	if deadline, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(deadline); err != nil {
			return err
		}
	}
	if _, err := conn.Write(rmiHeader); err != nil {
		return fmt.Errorf("JMX on %s: %w", addr, err)
	}
	var ack [1]byte
	if _, err := io.ReadFull(conn, ack[:]); err != nil {
		return fmt.Errorf("JMX on %s did not answer the RMI handshake: %w", addr, err)
	}
	if ack[0] != protocolAck {
		return fmt.Errorf("JMX on %s answered the RMI handshake with 0x%02x, not ProtocolAck", addr, ack[0])
	}
	return nil
}
