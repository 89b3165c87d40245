package node

import "fmt"

// Exit statuses of a node that fails to start, as CassandraDaemon exits: 3 for an exception
// during start-up (configuration, joining), StartupException's codes for failed start-up checks.
const (
	// ExitFatalConfiguration is CassandraDaemon.setup's exit for a ConfigurationException out of
	// StorageService.initServer (joining the ring, token allocation).
	ExitFatalConfiguration = 1
	ExitStartupException   = 3
	ExitWrongConfig        = 100 // StartupException.ERR_WRONG_CONFIG
	// ExitSIGTERM is what the JVM exits with after its shutdown hooks ran on SIGTERM.
	ExitSIGTERM = 143
)

// configurationException is the class of Cassandra's ConfigurationException.
const configurationException = "org.apache.cassandra.exceptions.ConfigurationException"

// StartupError is why a node stopped while starting: the exception class and message
// CassandraDaemon prints, and the exit status.
type StartupError struct {
	Class, Message string
	Code           int
}

func (e *StartupError) Error() string { return e.Message }

// StdoutLine is the line CassandraDaemon.activate prints on stdout before exiting.
func (e *StartupError) StdoutLine() string {
	return fmt.Sprintf("Exception (%s) encountered during startup: %s", e.Class, e.Message)
}

func startupErr(class, format string, args ...any) *StartupError {
	return &StartupError{Class: class, Message: fmt.Sprintf(format, args...), Code: ExitStartupException}
}
