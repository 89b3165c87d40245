package node

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"net"
	"sync"
	"time"
)

// Where Cassandra has JMX, the simulated node has its admin endpoint, which speaks HTTP to the
// simulator's nodetool. Navigator's pilot checks that JMX is alive without starting nodetool: it
// opens Java RMI's transport protocol and waits for the acknowledgement. So the admin listener
// answers that opening as Java's RMI transport does (sun.rmi.transport.tcp.TCPTransport
// .handleMessages; Java RMI specification, chapter 10): to the magic "JRMI", version 2 and
// StreamProtocol it sends ProtocolAck and the client's endpoint (its host as modified UTF-8, its
// port as an int), then, since nothing else of RMI is simulated, closes the connection. Every
// other connection goes to the HTTP server.

var rmiStreamHeader = []byte{'J', 'R', 'M', 'I', 0x00, 0x02, 0x4b}

const (
	rmiProtocolAck = 0x4e
	// rmiSniffTimeout bounds the wait for a connection's first bytes; Java's transport reads
	// them with its handshake timeout.
	rmiSniffTimeout = 5 * time.Second
)

// rmiListener hands the HTTP server the connections that are not RMI handshakes.
type rmiListener struct {
	net.Listener
	conns chan net.Conn
	errs  chan error
	done  chan struct{}
	once  sync.Once
}

func withRMIHandshake(l net.Listener) net.Listener {
	r := &rmiListener{Listener: l, conns: make(chan net.Conn), errs: make(chan error, 1), done: make(chan struct{})}
	go r.acceptLoop()
	return r
}

func (r *rmiListener) acceptLoop() {
	for {
		c, err := r.Listener.Accept()
		if err != nil {
			r.errs <- err
			return
		}
		go r.sniff(c)
	}
}

// sniff reads the start of a connection: an RMI handshake is answered here, anything else is
// passed on with what was read put back in front.
func (r *rmiListener) sniff(c net.Conn) {
	br := bufio.NewReader(c)
	_ = c.SetReadDeadline(time.Now().Add(rmiSniffTimeout))
	head, err := br.Peek(len(rmiStreamHeader))
	_ = c.SetReadDeadline(time.Time{})
	if err == nil && bytes.Equal(head, rmiStreamHeader) {
		answerRMI(c)
		return
	}
	select {
	case r.conns <- &peekedConn{Conn: c, r: br}:
	case <-r.done:
		_ = c.Close()
	}
}

func answerRMI(c net.Conn) {
	defer func() { _ = c.Close() }()
	host, port := "127.0.0.1", 0
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		host, port = a.IP.String(), a.Port
	}
	var b bytes.Buffer
	b.WriteByte(rmiProtocolAck)
	_ = binary.Write(&b, binary.BigEndian, uint16(len(host)))
	b.WriteString(host)
	_ = binary.Write(&b, binary.BigEndian, int32(port))
	_, _ = c.Write(b.Bytes())
}

func (r *rmiListener) Accept() (net.Conn, error) {
	select {
	case c := <-r.conns:
		return c, nil
	case err := <-r.errs:
		r.errs <- err // every later Accept fails the same way
		return nil, err
	}
}

// Close stops the listener and drops the connections no Accept will take.
func (r *rmiListener) Close() error {
	r.once.Do(func() { close(r.done) })
	return r.Listener.Close()
}

// peekedConn reads first what sniff peeked.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (p *peekedConn) Read(b []byte) (int, error) { return p.r.Read(b) }
