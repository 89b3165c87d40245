package cql

import (
	"container/list"
	"sync"
)

// defaultPreparedStatements is how many prepared statements a node keeps by default. Cassandra
// bounds its cache by memory (prepared_statements_cache_size); a count is the simulator's
// stand-in, large enough that a test never fills it unless it sets a small bound on purpose.
const defaultPreparedStatements = 10000

// statementCache holds a node's prepared statements by id, shared by all its connections as
// Cassandra's is, and evicts the least recently used one beyond its capacity. An EXECUTE of an
// evicted statement gets Unprepared, and the driver prepares it again.
type statementCache struct {
	mu       sync.Mutex
	capacity int
	order    *list.List // of *prepared, most recently used first
	byID     map[string]*list.Element
}

func newStatementCache(capacity int) *statementCache {
	if capacity <= 0 {
		capacity = defaultPreparedStatements
	}
	return &statementCache{capacity: capacity, order: list.New(), byID: map[string]*list.Element{}}
}

func (c *statementCache) put(p *prepared) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[string(p.id)]; ok {
		e.Value = p
		c.order.MoveToFront(e)
		return
	}
	c.byID[string(p.id)] = c.order.PushFront(p)
	for c.order.Len() > c.capacity {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.byID, string(oldest.Value.(*prepared).id))
	}
}

func (c *statementCache) get(id []byte) *prepared {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[string(id)]
	if !ok {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*prepared)
}
