// Package supervisor runs the database as the pilot's only child, as PID 1 of the container.
//
// Why PID 1 has duties: the kernel re-parents every orphaned process in a PID namespace to its
// PID 1. Elasticsearch and Cassandra fork helpers (the ES controller process, nodetool and shell
// children of the upstream scripts); when they die after their parent, only PID 1 can reap them,
// and a PID 1 that does not leaves zombies that fill the PID table. PID 1 also gets no default
// signal handlers from the kernel: a SIGTERM it does not handle is ignored, and the kubelet
// would wait out the whole grace period and then SIGKILL the database mid-write.
//
// So the supervisor:
//   - starts the database with its stdout and stderr set to the pilot's own, so the kubelet's
//     log is the database's log, byte for byte, with no copying or sampling;
//   - reaps every child, not only the database: the database by its PID, orphans found in /proc,
//     and never the commands the pilot runs through Exec (see reaper.go for why);
//   - forwards SIGHUP, SIGINT, SIGQUIT (a JVM thread dump), SIGUSR1 and SIGUSR2 unchanged;
//   - on SIGTERM runs the engine's graceful stop (drain, flush) within a deadline, then sends
//     SIGTERM to the database, and SIGKILL to its process group when the deadline passes;
//   - returns the database's exit status; the pilot exits with it, and the kubelet decides about
//     restarts. The supervisor never restarts the database (docs/design/0001-pilot.md).
//
// Outside a container (tests, or a pilot that is not PID 1) it makes itself a child subreaper
// (PR_SET_CHILD_SUBREAPER), so orphans of the database are still re-parented to it.
package supervisor
