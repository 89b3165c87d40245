// Package testengine is an engine.Engine for the pilot's tests. It drives testdb, a small real
// process, through testdb's admin API, the way the Elasticsearch and Cassandra engines drive
// their databases. It never ships in a release binary: test/pilot/testpilot registers it.
package testengine

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/cli"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/pilot/supervisor"
)

// Engine drives one testdb.
type Engine struct {
	ConfigDir string
	DataDir   string
	Port      int
	Items     int
	MoveRate  int
	JoinDelay time.Duration
	http      *http.Client
}

// Factory registers the engine's flags for the pilot's command line.
var Factory cli.Factory = func(fs *flag.FlagSet) func() (engine.Engine, error) {
	e := &Engine{}
	fs.StringVar(&e.ConfigDir, "config-dir", "/tmp/testdb", "Where the engine writes testdb's configuration.")
	fs.StringVar(&e.DataDir, "data-dir", "/data", "testdb's data directory.")
	fs.IntVar(&e.Port, "db-port", 9300, "Port of testdb's admin API on loopback.")
	fs.IntVar(&e.Items, "items", 100, "Items a brand-new node starts with.")
	fs.IntVar(&e.MoveRate, "move-rate", 50, "Items a second that leave during Leave.")
	fs.DurationVar(&e.JoinDelay, "join-delay", time.Second, "How long testdb takes to become ready.")
	return func() (engine.Engine, error) { return e, nil }
}

// Kind reports the engine kind the test Pilots use.
func (e *Engine) Kind() navv1alpha1.Engine { return navv1alpha1.EngineElasticsearch }

// ClusterKind is empty: testdb needs no cluster resource.
func (e *Engine) ClusterKind() engine.ClusterKind { return engine.ClusterKind{} }

func (e *Engine) configPath() string { return filepath.Join(e.ConfigDir, "testdb.json") }

// Configure writes testdb's configuration from the pod's identity.
func (e *Engine) Configure(_ context.Context, in engine.Input) error {
	cfg := map[string]any{
		"node": in.Node.Name, "listen": fmt.Sprintf("127.0.0.1:%d", e.Port), "dataDir": e.DataDir,
		"items": e.Items, "moveRate": e.MoveRate, "joinDelay": e.JoinDelay.String(),
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(e.ConfigDir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(e.configPath(), raw, 0o644)
}

// Command runs the upstream command with the configuration written by Configure.
func (e *Engine) Command(upstream []string) supervisor.Process {
	return supervisor.Process{Path: upstream[0], Args: append(append([]string{}, upstream...), "--config", e.configPath())}
}

// Live checks that testdb answers.
func (e *Engine) Live(ctx context.Context) error { return e.call(ctx, http.MethodGet, "/live", nil) }

// Ready checks that testdb has joined.
func (e *Engine) Ready(ctx context.Context) error { return e.call(ctx, http.MethodGet, "/ready", nil) }

type facts struct {
	Version string `json:"version"`
	ID      string `json:"id"`
	Items   int    `json:"items"`
}

// Observe reports testdb's version and identity.
func (e *Engine) Observe(ctx context.Context, s *navv1alpha1.PilotStatus) error {
	var f facts
	if err := e.call(ctx, http.MethodGet, "/facts", &f); err != nil {
		return err
	}
	s.Version, s.Node.ID = f.Version, f.ID
	return nil
}

// Act carries out Leave (items move away over time) and PrepareRestart (a flush).
func (e *Engine) Act(ctx context.Context, action navv1alpha1.PilotAction, _ engine.Input) (navv1alpha1.PilotActionStatus, error) {
	st := navv1alpha1.PilotActionStatus{Action: action, Phase: navv1alpha1.ActionInProgress}
	switch action {
	case navv1alpha1.ActionLeave:
		if err := e.call(ctx, http.MethodPost, "/leave", nil); err != nil {
			return st, err
		}
		var f facts
		if err := e.call(ctx, http.MethodGet, "/facts", &f); err != nil {
			return st, err
		}
		if f.Items == 0 {
			st.Phase, st.Message = navv1alpha1.ActionComplete, "all items moved away"
		} else {
			st.Message = fmt.Sprintf("%d items left to move", f.Items)
		}
	case navv1alpha1.ActionPrepareRestart:
		if err := e.call(ctx, http.MethodPost, "/prepare-restart", nil); err != nil {
			return st, err
		}
		st.Phase, st.Message = navv1alpha1.ActionComplete, "flushed"
	default:
		return st, fmt.Errorf("testdb does not support %s", action)
	}
	return st, nil
}

// GracefulStop flushes testdb before it is signalled.
func (e *Engine) GracefulStop(ctx context.Context) error {
	return e.call(ctx, http.MethodPost, "/prepare-restart", nil)
}

// HoldsData reports whether testdb's state file exists.
func (e *Engine) HoldsData() bool {
	_, err := os.Stat(filepath.Join(e.DataDir, "state.json"))
	return err == nil
}

func (e *Engine) call(ctx context.Context, method, path string, into any) error {
	if e.http == nil {
		e.http = &http.Client{Timeout: 2 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, method, fmt.Sprintf("http://127.0.0.1:%d%s", e.Port, path), nil)
	if err != nil {
		return err
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return errors.New(string(body))
	}
	if into != nil {
		return json.Unmarshal(body, into)
	}
	return nil
}
