package cql

// RESULT kinds (native_protocol_v4.spec section 4.2.5).
const (
	resultVoid         int32 = 0x0001
	resultRows         int32 = 0x0002
	resultSetKeyspace  int32 = 0x0003
	resultPrepared     int32 = 0x0004
	resultSchemaChange int32 = 0x0005
)

// Rows metadata flags (section 4.2.5.2).
const (
	metaGlobalTableSpec int32 = 0x0001
	metaNoMetadata      int32 = 0x0004
)

// result is the body of a RESULT message.
type result interface {
	// writeResult writes the body; skipMetadata is the Skip_metadata flag of the request.
	writeResult(w *writer, skipMetadata bool)
}

type voidResult struct{}

func (voidResult) writeResult(w *writer, _ bool) { w.writeInt(resultVoid) }

type setKeyspaceResult struct{ keyspace string }

func (r setKeyspaceResult) writeResult(w *writer, _ bool) {
	w.writeInt(resultSetKeyspace)
	w.writeString(r.keyspace)
}

type schemaChangeResult struct{ change SchemaChange }

func (r schemaChangeResult) writeResult(w *writer, _ bool) {
	w.writeInt(resultSchemaChange)
	r.change.writeEvent(w)
}

// colSpec is one column of result metadata, or one bind marker of a prepared statement.
type colSpec struct {
	name string
	typ  Type
}

// columnsMeta is the column specifications of a result or of bind markers, all from one table:
// the server always sends them with Global_tables_spec.
type columnsMeta struct {
	keyspace, table string
	cols            []colSpec
}

func (m columnsMeta) writeSpecs(w *writer) {
	if len(m.cols) == 0 {
		return
	}
	w.writeString(m.keyspace)
	w.writeString(m.table)
	for _, c := range m.cols {
		w.writeString(c.name)
		w.writeOption(c.typ)
	}
}

func (m columnsMeta) flags() int32 {
	if len(m.cols) == 0 {
		return 0
	}
	return metaGlobalTableSpec
}

// writeRowsMetadata writes the <metadata> of section 4.2.5.2; results never have more pages,
// because the server returns every row at once (section 8 lets a server send bigger pages).
func (m columnsMeta) writeRowsMetadata(w *writer, noMetadata bool) {
	if noMetadata {
		w.writeInt(metaNoMetadata)
		w.writeInt(int32(len(m.cols)))
		return
	}
	w.writeInt(m.flags())
	w.writeInt(int32(len(m.cols)))
	m.writeSpecs(w)
}

type rowsResult struct {
	meta columnsMeta
	// rows hold one value per column of meta; a nil value is null.
	rows [][][]byte
}

func (r rowsResult) writeResult(w *writer, skipMetadata bool) {
	w.writeInt(resultRows)
	r.meta.writeRowsMetadata(w, skipMetadata)
	w.writeInt(int32(len(r.rows)))
	for _, row := range r.rows {
		for _, v := range row {
			w.writeBytes(v)
		}
	}
}

type preparedResult struct{ p *prepared }

// writeResult writes <id><metadata><result_metadata> (section 4.2.5.4).
func (r preparedResult) writeResult(w *writer, _ bool) {
	p := r.p
	w.writeInt(resultPrepared)
	w.writeShortBytes(p.id)
	w.writeInt(p.vars.flags())
	w.writeInt(int32(len(p.vars.cols)))
	w.writeInt(int32(len(p.pkIndexes)))
	for _, i := range p.pkIndexes {
		w.writeShort(i)
	}
	p.vars.writeSpecs(w)
	if p.result == nil {
		// Not a SELECT: the result metadata is empty, as the spec says it will be.
		columnsMeta{}.writeRowsMetadata(w, true)
		return
	}
	p.result.writeRowsMetadata(w, false)
}
