package cql

import (
	"context"
	"net"
	"sync"
	"time"
)

// Config configures a Server.
type Config struct {
	// Backend answers the statements; required.
	Backend Backend
	// PreparedStatements bounds the prepared statements the node keeps (0: 10000). Beyond it
	// the least recently used is evicted and an EXECUTE of it gets Unprepared.
	PreparedStatements int
	// Now is the clock of write timestamps when a client sends none (nil: time.Now).
	Now func() time.Time
}

// Server is a node's CQL native protocol server. One Server is one node: its connections share
// its prepared statements.
type Server struct {
	backend  Backend
	now      func() time.Time
	prepared *statementCache

	mu    sync.Mutex
	conns map[*conn]struct{}
}

// NewServer makes a server answering with cfg.Backend.
func NewServer(cfg Config) *Server {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Server{
		backend:  cfg.Backend,
		now:      now,
		prepared: newStatementCache(cfg.PreparedStatements),
		conns:    map[*conn]struct{}{},
	}
}

// Serve accepts connections on ln and serves each until it closes. When ctx is done it closes
// ln and every connection, waits for their requests to end, and returns nil; it returns the
// listener's error if accepting fails before.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.closeAll()
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		c := &conn{srv: s, nc: nc, events: map[string]bool{}}
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		wg.Go(func() {
			c.serve(ctx)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		})
	}
}

func (s *Server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		_ = c.nc.Close()
	}
}

// Publish pushes an event to every connection that registered for its type. The node calls it
// for every change it learns of, those made through this server included: Cassandra pushes a
// schema change from every node, once the node has applied it.
func (s *Server) Publish(ev Event) {
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.sendEvent(ev)
	}
}
