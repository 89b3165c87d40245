package cql

import (
	"encoding/binary"
	"net/netip"
)

// reader reads the notations of native_protocol_v4.spec section 3 from a frame body. The first
// truncated or malformed field sets err, and every later read returns a zero value, so that a
// message decoder reads all its fields and checks err once.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = protocolf("Not enough bytes to read %s", what)
	}
	r.b = nil
}

func (r *reader) take(n int, what string) []byte {
	if r.err != nil || n < 0 || len(r.b) < n {
		r.fail(what)
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) readByte() byte {
	b := r.take(1, "a byte")
	if b == nil {
		return 0
	}
	return b[0]
}

func (r *reader) readShort() uint16 {
	b := r.take(2, "a short")
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint16(b)
}

func (r *reader) readInt() int32 {
	b := r.take(4, "an int")
	if b == nil {
		return 0
	}
	return int32(binary.BigEndian.Uint32(b))
}

func (r *reader) readLong() int64 {
	b := r.take(8, "a long")
	if b == nil {
		return 0
	}
	return int64(binary.BigEndian.Uint64(b))
}

func (r *reader) readString() string {
	n := r.readShort()
	return string(r.take(int(n), "a string"))
}

func (r *reader) readLongString() string {
	n := r.readInt()
	return string(r.take(int(n), "a long string"))
}

// readBytes reads [bytes]; a negative length is null, returned as nil.
func (r *reader) readBytes() []byte {
	n := r.readInt()
	if n < 0 {
		return nil
	}
	b := r.take(int(n), "bytes")
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

// boundValue is a [value]: bytes, null (nil bytes) or not set.
type boundValue struct {
	bytes []byte
	unset bool
}

func (r *reader) readValue() boundValue {
	n := r.readInt()
	switch {
	case n == -1:
		return boundValue{}
	case n == -2:
		return boundValue{unset: true}
	case n < -2:
		if r.err == nil {
			r.err = protocolf("Invalid value length %d", n)
		}
		return boundValue{}
	}
	b := r.take(int(n), "a value")
	return boundValue{bytes: append([]byte{}, b...)}
}

func (r *reader) readShortBytes() []byte {
	n := r.readShort()
	return append([]byte{}, r.take(int(n), "short bytes")...)
}

func (r *reader) readStringList() []string {
	n := int(r.readShort())
	out := make([]string, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		out = append(out, r.readString())
	}
	return out
}

func (r *reader) readStringMap() map[string]string {
	n := int(r.readShort())
	out := make(map[string]string, n)
	for i := 0; i < n && r.err == nil; i++ {
		k := r.readString()
		out[k] = r.readString()
	}
	return out
}

func (r *reader) readBytesMap() map[string][]byte {
	n := int(r.readShort())
	out := make(map[string][]byte, n)
	for i := 0; i < n && r.err == nil; i++ {
		k := r.readString()
		out[k] = r.readBytes()
	}
	return out
}

func (r *reader) readConsistency() Consistency {
	return Consistency(r.readShort())
}

// writer appends the notations of section 3 to a frame body.
type writer struct {
	b []byte
}

func (w *writer) writeByte(b byte) { w.b = append(w.b, b) }

func (w *writer) writeShort(v uint16) { w.b = binary.BigEndian.AppendUint16(w.b, v) }

func (w *writer) writeInt(v int32) { w.b = binary.BigEndian.AppendUint32(w.b, uint32(v)) }

func (w *writer) writeString(s string) {
	w.writeShort(uint16(len(s)))
	w.b = append(w.b, s...)
}

// writeBytes writes [bytes]; nil is null.
func (w *writer) writeBytes(b []byte) {
	if b == nil {
		w.writeInt(-1)
		return
	}
	w.writeInt(int32(len(b)))
	w.b = append(w.b, b...)
}

func (w *writer) writeShortBytes(b []byte) {
	w.writeShort(uint16(len(b)))
	w.b = append(w.b, b...)
}

func (w *writer) writeStringList(l []string) {
	w.writeShort(uint16(len(l)))
	for _, s := range l {
		w.writeString(s)
	}
}

// writeStringMultimap writes keys in the order given, so that frames are reproducible.
func (w *writer) writeStringMultimap(keys []string, m map[string][]string) {
	w.writeShort(uint16(len(keys)))
	for _, k := range keys {
		w.writeString(k)
		w.writeStringList(m[k])
	}
}

// writeInet writes an [inet]: address size, address bytes, port.
func (w *writer) writeInet(a netip.AddrPort) {
	ip := a.Addr().Unmap()
	raw := ip.AsSlice()
	w.writeByte(byte(len(raw)))
	w.b = append(w.b, raw...)
	w.writeInt(int32(a.Port()))
}

func (w *writer) writeConsistency(c Consistency) { w.writeShort(uint16(c)) }
