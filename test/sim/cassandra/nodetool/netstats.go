package nodetool

import (
	"crypto/md5"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// netstatsView is what nodetool netstats shows, before NetStats.java lays it out.
type netstatsView struct {
	series config.Version
	mode   string
	plans  []streamPlan
	// starting hides the statistics, as NetStats does while the node starts.
	starting                              bool
	rrAttempted, rrBlocking, rrBackground int64
	pools                                 [3]messagePool
	humanReadable                         bool
}

type streamPlan struct {
	description, planID string
	sessions            []streamSession
}

// streamSession is one peer of a plan, in one direction (the simulator streams one way per
// session).
type streamSession struct {
	peer      string
	receiving bool
	files     []streamFile
}

type streamFile struct {
	name        string
	done, total int64
}

type messagePool struct{ pending, completed, dropped int64 }

// Netstats is nodetool netstats [-H] run on a node.
func Netstats(c *ring.Cluster, on *ring.Node, o Options) (Result, error) {
	series, refused, err := connect(on)
	if err != nil || refused != nil {
		return deref(refused), err
	}
	return Result{Stdout: gatherNetstats(c, on, series, o).render(o.PrintPort)}, nil
}

// gatherNetstats reads the node's mode, its stream sessions grouped by plan, and its counters. Each
// table a session carries is one file, named as the sender's sstable would be. The message pools
// count the requests the node coordinated as small messages; gossip is not counted.
func gatherNetstats(c *ring.Cluster, n *ring.Node, series config.Version, o Options) netstatsView {
	v := netstatsView{series: series, mode: string(n.Mode), starting: n.Mode == ring.ModeStarting, humanReadable: o.HumanReadable}
	v.rrAttempted, v.rrBlocking, v.rrBackground = n.ReadRepair()
	v.pools[1].completed = n.Messages()
	dataDir := o.DataDirectory
	if dataDir == "" {
		dataDir = "/var/lib/cassandra/data"
	}
	format := "nb"
	if series.AtLeast(config.V50) {
		format = "oa"
	}
	for _, s := range c.Streams(n.HostID) {
		if len(v.plans) == 0 || v.plans[len(v.plans)-1].planID != s.PlanID {
			v.plans = append(v.plans, streamPlan{description: s.Description, planID: s.PlanID})
		}
		plan := &v.plans[len(v.plans)-1]
		sess := streamSession{peer: inetAddressString(s.Peer, o.PrintPort), receiving: s.Receiving}
		for _, f := range s.Files {
			sess.files = append(sess.files, streamFile{
				name:  path.Join(dataDir, f.Keyspace, f.Table+"-"+tableID(f.Keyspace, f.Table), format+"-1-big-Data.db"),
				done:  f.Done,
				total: f.Bytes,
			})
		}
		plan.sessions = append(plan.sessions, sess)
	}
	return v
}

// tableID stands in for a table's id, the hex digits of a UUID in its directory name.
func tableID(keyspace, table string) string {
	return fmt.Sprintf("%x", md5.Sum([]byte(keyspace+"."+table)))
}

// inetAddressString is InetAddressAndPort.toString(withPort): "/10.0.0.1" or "/10.0.0.1:7000".
func inetAddressString(n *ring.Node, withPort bool) string { return "/" + address(n, withPort) }

// render lays the view out as NetStats.java prints it.
func (v netstatsView) render(withPort bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Mode: %s\n", v.mode)
	if len(v.plans) == 0 {
		b.WriteString("Not sending any streams.\n")
	}
	for _, p := range v.plans {
		fmt.Fprintf(&b, "%s %s\n", p.description, p.planID)
		for _, s := range p.sessions {
			fmt.Fprintf(&b, "    %s\n", s.peer)
			v.writeSummary(&b, s)
		}
	}
	if v.starting {
		return b.String()
	}
	fmt.Fprintf(&b, "Read Repair Statistics:\nAttempted: %d\nMismatch (Blocking): %d\nMismatch (Background): %d\n",
		v.rrAttempted, v.rrBlocking, v.rrBackground)
	fmt.Fprintf(&b, "%-25s%10s%10s%15s%10s\n", "Pool Name", "Active", "Pending", "Completed", "Dropped")
	for i, name := range []string{"Large messages", "Small messages", "Gossip messages"} {
		p := v.pools[i]
		fmt.Fprintf(&b, "%-25s%10s%10d%15d%10d\n", name, "n/a", p.pending, p.completed, p.dropped)
	}
	return b.String()
}

// writeSummary prints a session's totals and the files that have started, as
// printReceivingSummaries and printSendingSummaries do. 4.0 ends the byte-count form of the
// sending line with a space.
func (v netstatsView) writeSummary(b *strings.Builder, s streamSession) {
	var files, filesDone, bytes, bytesDone int64
	for _, f := range s.files {
		files++
		bytes += f.total
		bytesDone += f.done
		if f.done == f.total {
			filesDone++
		}
	}
	size := func(n int64) string {
		if v.humanReadable {
			return fileSize(float64(n))
		}
		return strconv.FormatInt(n, 10) + " bytes"
	}
	filesPct := javaFixed(float64(filesDone)/float64(files)*100, 2)
	bytesPct := javaFixed(float64(bytesDone)/float64(bytes)*100, 2)
	verb, past, direction := "Receiving", "received", "received from"
	end := ""
	if !s.receiving {
		verb, past, direction = "Sending", "sent", "sent to"
		if !v.series.AtLeast(config.V41) && !v.humanReadable {
			end = " "
		}
	}
	fmt.Fprintf(b, "        %s %d files, %s total. Already %s %d files (%s%%), %s total (%s%%)%s\n",
		verb, files, size(bytes), past, filesDone, filesPct, size(bytesDone), bytesPct, end)
	for _, f := range s.files {
		if f.done == 0 {
			continue
		}
		fmt.Fprintf(b, "            %s %d/%d bytes (%d%%) %s idx:0%s\n", f.name, f.done, f.total, f.done*100/f.total, direction, s.peer)
	}
}
