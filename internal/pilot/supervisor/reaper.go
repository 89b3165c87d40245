package supervisor

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
)

// Reaping without stealing. A PID 1 written in Go cannot simply loop on wait4(-1): that would
// also collect the children of os/exec commands the pilot itself runs (nodetool drain, curl),
// and their exec.Cmd.Wait would fail with ECHILD. So the supervisor waits for the database by
// its PID, and otherwise reaps only zombies that nobody owns: children found in /proc whose
// parent is this process and that were not started through Exec.

var (
	// forkMu is held for reading from the fork of an Exec command until its PID is recorded,
	// and for writing by the orphan scan, so that the scan never sees an unrecorded own child.
	forkMu sync.RWMutex
	// ownedMu guards owned, which concurrent Exec calls write under forkMu's read lock.
	ownedMu sync.Mutex
	owned   = map[int]bool{}
)

// Exec runs a command the way exec.CommandContext(...).CombinedOutput() does, in a way that the
// supervisor's reaper leaves alone. Engines run their administrative tools (nodetool, scripts)
// through it.
func Exec(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	forkMu.RLock()
	if err := cmd.Start(); err != nil {
		forkMu.RUnlock()
		return nil, err
	}
	ownedMu.Lock()
	owned[cmd.Process.Pid] = true
	ownedMu.Unlock()
	forkMu.RUnlock()
	err := cmd.Wait()
	ownedMu.Lock()
	delete(owned, cmd.Process.Pid)
	ownedMu.Unlock()
	return out.Bytes(), err
}

// reapOrphans collects every zombie child that is neither the database nor an Exec command.
func reapOrphans(database int) []int {
	forkMu.Lock()
	defer forkMu.Unlock()
	var reaped []int
	for _, pid := range zombieChildren() {
		ownedMu.Lock()
		mine := owned[pid]
		ownedMu.Unlock()
		if pid == database || mine {
			continue
		}
		var status syscall.WaitStatus
		if got, err := syscall.Wait4(pid, &status, syscall.WNOHANG, nil); err == nil && got == pid {
			reaped = append(reaped, pid)
		}
	}
	return reaped
}

// zombieChildren lists this process's children in state Z, from /proc.
func zombieChildren() []int {
	self := os.Getpid()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var zombies []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// The fields after the command name, which may itself hold spaces and parentheses:
		// "pid (comm) state ppid ...".
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := bytes.Fields(stat[i+1:])
		if len(fields) < 2 || string(fields[0]) != "Z" {
			continue
		}
		if ppid, err := strconv.Atoi(string(fields[1])); err == nil && ppid == self {
			zombies = append(zombies, pid)
		}
	}
	return zombies
}
