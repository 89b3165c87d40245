package nodetool

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Netstats is nodetool netstats: the node's operation mode and its streams.
type Netstats struct {
	// Mode is StorageService's operation mode: NORMAL, JOINING, LEAVING, DECOMMISSIONED, DRAINED...
	Mode    string
	Streams []StreamPlan
	// ReadRepair is nil while the node starts (netstats prints no statistics then).
	ReadRepair *ReadRepairStats
	Pools      []MessagePool
}

// Operation modes nodetool netstats reports (StorageService.Mode), by name for the callers that
// act on them.
const (
	ModeStarting       = "STARTING"
	ModeNormal         = "NORMAL"
	ModeJoining        = "JOINING"
	ModeJoiningFailed  = "JOINING_FAILED"
	ModeLeaving        = "LEAVING"
	ModeDecommissioned = "DECOMMISSIONED"
	ModeMoving         = "MOVING"
	ModeDraining       = "DRAINING"
	ModeDrained        = "DRAINED"
)

// Modes nodetool netstats can report (StorageService.Mode; the _FAILED ones since 5.0, with
// CASSANDRA-18555).
var Modes = []string{ModeStarting, ModeNormal, ModeJoining, ModeJoiningFailed, ModeLeaving, ModeDecommissioned,
	"DECOMMISSION_FAILED", ModeMoving, ModeDraining, ModeDrained}

// StreamPlan is one streaming operation: its description ("Bootstrap", "Unbootstrap", "Rebuild",
// "Restore replica count"...) and plan ID, and its sessions with peers.
type StreamPlan struct {
	Description, PlanID string
	Sessions            []StreamSession
}

// StreamSession is a session with one peer; Receiving and Sending are nil when nothing goes that
// way.
type StreamSession struct {
	// Peer is the other end's address, "10.0.0.2" or, with -pp, "10.0.0.2:7000".
	Peer string
	// Connecting is the address used when it differs from the peer's ("(using ...)").
	Connecting string
	Receiving  *StreamProgress
	Sending    *StreamProgress
	Files      []FileProgress
}

// StreamProgress is a session's totals in one direction.
type StreamProgress struct {
	Files, FilesDone int64
	Bytes, BytesDone int64
}

// FileProgress is one file of a session.
type FileProgress struct {
	Name        string
	Done, Total int64
	// Receiving is true for "received from", false for "sent to".
	Receiving bool
	Peer      string
}

// ReadRepairStats are the read repair counters.
type ReadRepairStats struct {
	Attempted, MismatchBlocking, MismatchBackground int64
}

// MessagePool is one line of the message pool table.
type MessagePool struct {
	Name                        string
	Pending, Completed, Dropped int64
}

// Active reports whether the node streams anything.
func (n *Netstats) Active() bool { return len(n.Streams) > 0 }

var (
	planPattern = regexp.MustCompile(`^(.+) ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
	peerPattern = regexp.MustCompile(`^(\S*/\S+)(?: \(using (\S*/\S+)\))?$`)
	// Java prints 0/0 as NaN: a session with nothing to send in a direction.
	transferPattern = regexp.MustCompile(`^(Receiving|Sending) (\d+) files, (.+) total\. Already (?:received|sent) (\d+) files \((?:[\d.]+|NaN)%\), (.+) total \((?:[\d.]+|NaN)%\)$`)
	filePattern     = regexp.MustCompile(`^(.+) (\d+)/(\d+) bytes \(\d+%\) (received from|sent to) idx:\d+(\S+)$`)
	poolPattern     = regexp.MustCompile(`^(.+?)\s+n/a\s+(\d+)\s+(\d+)\s+(\d+)$`)
)

// inetAddress reads an address as InetAddressAndPort.toString prints it: "[hostname]/ip[:port]",
// keeping "ip[:port]" (the port is there when nodetool ran with -pp).
func inetAddress(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// ParseNetstats parses the output of nodetool netstats (without -H, the default, or with it).
func ParseNetstats(out string) (*Netstats, error) {
	n := &Netstats{}
	var plan *StreamPlan
	var sess *StreamSession
	inPools := false
	for _, l := range lines(out) {
		text := l.trimmed()
		switch {
		case text == "":
		case strings.HasPrefix(text, "Mode: "):
			n.Mode = strings.TrimPrefix(text, "Mode: ")
			if !slices.Contains(Modes, n.Mode) {
				return nil, l.errorf("unknown mode %q", n.Mode)
			}
		case n.Mode == "":
			// Before "Mode:": the JVM's warnings.
		case text == "Not sending any streams.":
		case text == "Read Repair Statistics:":
			n.ReadRepair, plan, sess = &ReadRepairStats{}, nil, nil
		case n.ReadRepair != nil && !inPools && strings.HasPrefix(text, "Attempted: "),
			n.ReadRepair != nil && !inPools && strings.HasPrefix(text, "Mismatch ("):
			if err := n.ReadRepair.set(text); err != nil {
				return nil, l.errorf("%v", err)
			}
		case strings.HasPrefix(text, "Pool Name"):
			inPools = true
		case inPools:
			m := poolPattern.FindStringSubmatch(text)
			if m == nil {
				return nil, l.errorf("not a message pool line")
			}
			p := MessagePool{Name: m[1]}
			p.Pending, _ = strconv.ParseInt(m[2], 10, 64)
			p.Completed, _ = strconv.ParseInt(m[3], 10, 64)
			p.Dropped, _ = strconv.ParseInt(m[4], 10, 64)
			n.Pools = append(n.Pools, p)
		case planPattern.MatchString(text):
			m := planPattern.FindStringSubmatch(text)
			n.Streams = append(n.Streams, StreamPlan{Description: m[1], PlanID: m[2]})
			plan, sess = &n.Streams[len(n.Streams)-1], nil
		case sess != nil && transferPattern.MatchString(text):
			if err := sess.setTransfer(transferPattern.FindStringSubmatch(text)); err != nil {
				return nil, l.errorf("%v", err)
			}
		case sess != nil && filePattern.MatchString(text):
			m := filePattern.FindStringSubmatch(text)
			f := FileProgress{Name: m[1], Receiving: m[4] == "received from", Peer: inetAddress(m[5])}
			f.Done, _ = strconv.ParseInt(m[2], 10, 64)
			f.Total, _ = strconv.ParseInt(m[3], 10, 64)
			sess.Files = append(sess.Files, f)
		case plan != nil && peerPattern.MatchString(text):
			m := peerPattern.FindStringSubmatch(text)
			plan.Sessions = append(plan.Sessions, StreamSession{Peer: inetAddress(m[1]), Connecting: inetAddress(m[2])})
			sess = &plan.Sessions[len(plan.Sessions)-1]
		default:
			return nil, l.errorf("not a nodetool netstats line")
		}
	}
	if n.Mode == "" {
		return nil, fmt.Errorf("no Mode line in nodetool netstats output")
	}
	return n, nil
}

func (r *ReadRepairStats) set(text string) error {
	key, value, _ := keyValue(text)
	v, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	switch key {
	case "Attempted":
		r.Attempted = v
	case "Mismatch (Blocking)":
		r.MismatchBlocking = v
	case "Mismatch (Background)":
		r.MismatchBackground = v
	}
	return nil
}

// setTransfer reads "Receiving 12 files, 104857600 bytes total. Already received 3 files
// (25.00%), 26214400 bytes total (25.00%)"; with -H the sizes are human-readable.
func (s *StreamSession) setTransfer(m []string) error {
	p := &StreamProgress{}
	p.Files, _ = strconv.ParseInt(m[2], 10, 64)
	p.FilesDone, _ = strconv.ParseInt(m[4], 10, 64)
	var err error
	if p.Bytes, err = parseBytes(m[3]); err != nil {
		return err
	}
	if p.BytesDone, err = parseBytes(m[5]); err != nil {
		return err
	}
	if m[1] == "Receiving" {
		s.Receiving = p
	} else {
		s.Sending = p
	}
	return nil
}

// parseBytes reads "104857600 bytes" (the default) or "100 MiB" (with -H).
func parseBytes(s string) (int64, error) {
	if n, ok := strings.CutSuffix(s, " bytes"); ok {
		if v, err := strconv.ParseInt(n, 10, 64); err == nil {
			return v, nil
		}
	}
	return ParseSize(s)
}
