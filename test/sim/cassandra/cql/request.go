package cql

import (
	"context"
	"math"
)

// Query flags (native_protocol_v4.spec section 4.1.4).
const (
	queryValues            byte = 0x01
	querySkipMetadata      byte = 0x02
	queryPageSize          byte = 0x04
	queryPagingState       byte = 0x08
	querySerialConsistency byte = 0x10
	queryDefaultTimestamp  byte = 0x20
	queryNamesForValues    byte = 0x40
)

// queryParams are the <query_parameters> of QUERY and EXECUTE.
type queryParams struct {
	consistency  Consistency
	values       []boundValue
	names        []string // set with the names-for-values flag
	skipMetadata bool
	timestamp    int64 // microseconds; 0 when the client sent none
}

// readQueryParams reads <query_parameters>. The page size and paging state are read and
// ignored: results are never paged (section 8 allows bigger pages than asked for). The serial
// consistency only matters to conditional writes, which are not modelled.
func readQueryParams(r *reader) (queryParams, error) {
	var q queryParams
	q.consistency = r.readConsistency()
	flags := r.readByte()
	if flags&queryValues != 0 {
		n := int(r.readShort())
		for i := 0; i < n && r.err == nil; i++ {
			if flags&queryNamesForValues != 0 {
				q.names = append(q.names, r.readString())
			}
			q.values = append(q.values, r.readValue())
		}
	}
	q.skipMetadata = flags&querySkipMetadata != 0
	if flags&queryPageSize != 0 {
		r.readInt()
	}
	if flags&queryPagingState != 0 {
		r.readBytes()
	}
	if flags&querySerialConsistency != 0 {
		r.readConsistency()
	}
	if flags&queryDefaultTimestamp != 0 {
		q.timestamp = r.readLong()
		if q.timestamp < 0 && r.err == nil {
			return q, invalidf("Out of bound timestamp, must be in [%d, %d]", int64(math.MinInt64+1), int64(math.MaxInt64))
		}
	}
	if r.err != nil {
		return q, r.err
	}
	if !q.consistency.known() {
		return q, protocolf("Unknown code %d for a consistency level", uint16(q.consistency))
	}
	return q, nil
}

// request runs a QUERY, PREPARE or EXECUTE and answers it. A ProtocolError (a malformed body)
// ends the connection; every other error is answered on the request's stream.
func (c *conn) request(ctx context.Context, h header, r *reader) {
	res, skipMetadata, err := c.run(ctx, h.op, r)
	if err != nil {
		if isProtocolError(err) {
			c.fail(h.stream, err)
			return
		}
		c.sendError(h.stream, err)
		return
	}
	w := &writer{}
	res.writeResult(w, skipMetadata)
	c.send(h.stream, opResult, w.b)
}

func (c *conn) run(ctx context.Context, op opcode, r *reader) (result, bool, error) {
	c.mu.Lock()
	keyspace := c.keyspace
	c.mu.Unlock()
	switch op {
	case opPrepare:
		query := r.readLongString()
		if r.err != nil {
			return nil, false, r.err
		}
		p, err := c.srv.prepare(query, keyspace)
		if err != nil {
			return nil, false, err
		}
		c.srv.prepared.put(p)
		return preparedResult{p: p}, false, nil
	case opQuery:
		query := r.readLongString()
		params, err := readQueryParams(r)
		if err != nil {
			return nil, false, err
		}
		p, err := c.srv.prepare(query, keyspace)
		if err != nil {
			return nil, false, err
		}
		return c.execute(ctx, p, params)
	default:
		id := r.readShortBytes()
		params, err := readQueryParams(r)
		if err != nil {
			return nil, false, err
		}
		p := c.srv.prepared.get(id)
		if p == nil {
			return nil, false, &UnpreparedError{ID: id}
		}
		return c.execute(ctx, p, params)
	}
}

// execute binds the values to the statement's markers, checks them against the markers' types
// and runs the statement.
func (c *conn) execute(ctx context.Context, p *prepared, q queryParams) (result, bool, error) {
	values, err := bindValues(p, q)
	if err != nil {
		return nil, false, err
	}
	x := &execution{values: values, consistency: q.consistency, timestamp: q.timestamp, useKeyspace: c.use}
	if x.timestamp == 0 {
		x.timestamp = c.srv.now().UnixMicro()
	}
	res, err := p.run(ctx, x)
	// Skip_metadata applies to rows only; Cassandra ignores it on a statement without result
	// metadata.
	return res, q.skipMetadata && p.result != nil, err
}

func (c *conn) use(keyspace string) {
	c.mu.Lock()
	c.keyspace = keyspace
	c.mu.Unlock()
}

// bindValues puts the values in marker order (matching names when the client named them) and
// checks each against its marker's type.
func bindValues(p *prepared, q queryParams) ([]boundValue, error) {
	vars := p.vars.cols
	if len(q.values) != len(vars) {
		return nil, invalidf("there were %d markers(?) in CQL but %d bound variables", len(vars), len(q.values))
	}
	values := q.values
	if q.names != nil {
		values = make([]boundValue, len(vars))
		used := make([]bool, len(vars))
		for i, name := range q.names {
			j := 0
			for ; j < len(vars) && (used[j] || vars[j].name != name); j++ {
			}
			if j == len(vars) {
				return nil, invalidf("Invalid named bind variable %s", name)
			}
			used[j] = true
			values[j] = q.values[i]
		}
	}
	for i, v := range values {
		if v.unset || v.bytes == nil {
			continue
		}
		if err := checkValue(vars[i].typ, v.bytes); err != nil {
			return nil, err
		}
	}
	return values, nil
}
