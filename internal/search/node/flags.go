package node

import (
	"errors"
	"flag"

	"github.com/navigator-dbaas/navigator/internal/pilot/cli"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
)

// Flags place the node: its pool, its peers, its directories and ports.
type Flags struct {
	// NodePool is the name of the node's pool in its cluster resource.
	NodePool string
	// SeedHosts are written as discovery.seed_hosts: the headless discovery Service's DNS name,
	// which the engine resolves again on every discovery round.
	SeedHosts []string
	// ConfigDir is the engine's configuration directory; DataDir is path.data.
	ConfigDir, DataDir string
	// HTTPPort and TransportPort are http.port and transport.port.
	HTTPPort, TransportPort int
}

// Register adds the flags to fs with the engine's defaults (its upstream image's paths and
// ports); kind names the cluster resource and confEnv the environment variable the engine reads
// its configuration directory from, in the help. finish, called once the flags are parsed, reads
// the seed list and checks what is required.
func (f *Flags) Register(fs *flag.FlagSet, kind, confEnv string, defaults Flags) (finish func() error) {
	var seeds string
	fs.StringVar(&f.NodePool, "node-pool", "", "Name of this node's pool in the "+kind+" (required).")
	fs.StringVar(&seeds, "seed-hosts", "", "discovery.seed_hosts: the DNS name of the headless discovery Service, or a comma-separated list (required).")
	fs.StringVar(&f.ConfigDir, "config-dir", defaults.ConfigDir, "The configuration directory ("+confEnv+").")
	fs.StringVar(&f.DataDir, "data-dir", defaults.DataDir, "The data directory (path.data).")
	fs.IntVar(&f.HTTPPort, "http-port", defaults.HTTPPort, "http.port; the pilot calls the node on 127.0.0.1 at this port.")
	fs.IntVar(&f.TransportPort, "transport-port", defaults.TransportPort, "transport.port.")
	return func() error {
		f.SeedHosts = cli.SplitList(seeds)
		return f.Check()
	}
}

// Check reports what is missing.
func (f *Flags) Check() error {
	var errs []error
	if f.NodePool == "" {
		errs = append(errs, errors.New("--node-pool is required"))
	}
	if len(f.SeedHosts) == 0 {
		errs = append(errs, errors.New("--seed-hosts is required"))
	}
	return errors.Join(errs...)
}

// Built is the pilot's constructor of an engine e, to return from a cli.Factory: once the flags
// are parsed, finish (what Register returned) and then init, e's Init.
func Built(e engine.Engine, finish, init func() error) func() (engine.Engine, error) {
	return func() (engine.Engine, error) {
		if err := finish(); err != nil {
			return nil, err
		}
		if err := init(); err != nil {
			return nil, err
		}
		return e, nil
	}
}
