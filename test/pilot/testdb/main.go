// Command testdb is a small real "database" for the pilot's tests: a process with a data
// directory, an identity that survives restarts, data that takes time to move away, and an HTTP
// admin API on loopback. The test engine drives it the way the real engines drive Elasticsearch
// and Cassandra, so the pilot's supervisor, start gate, actions and probes are exercised against
// a real child process.
//
//	testdb --config FILE      FILE is JSON: {"node":…, "listen":"127.0.0.1:port", "dataDir":…}
//
// Admin API: GET /live, GET /ready (after a short join delay), GET /facts, POST and GET /leave,
// POST /prepare-restart.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Version is what testdb reports as its engine version.
const Version = "1.0.0"

type config struct {
	Node    string `json:"node"`
	Listen  string `json:"listen"`
	DataDir string `json:"dataDir"`
	// Items is how many items a brand-new node starts with.
	Items int `json:"items"`
	// MoveRate is how many items per second leave the node during Leave.
	MoveRate int `json:"moveRate"`
	// JoinDelay is how long after start the node becomes ready.
	JoinDelay string `json:"joinDelay"`
}

type db struct {
	cfg     config
	mu      sync.Mutex
	id      string
	items   int
	leaving bool
	ready   time.Time
}

func main() {
	if len(os.Args) != 3 || os.Args[1] != "--config" {
		fmt.Fprintln(os.Stderr, "usage: testdb --config FILE")
		os.Exit(2)
	}
	if err := run(os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "testdb:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading the configuration: %w", err)
	}
	var cfg config
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return fmt.Errorf("parsing %s: %w", path, err)
	}
	if cfg.Node == "" || cfg.Listen == "" || cfg.DataDir == "" {
		return errors.New("node, listen and dataDir are required")
	}
	d := &db{cfg: cfg}
	if err := d.load(); err != nil {
		return err
	}
	delay, _ := time.ParseDuration(cfg.JoinDelay)
	d.ready = time.Now().Add(delay)
	fmt.Fprintf(os.Stdout, "testdb %s: node %s (id %s) starting with %d items\n", Version, cfg.Node, d.id, d.items)

	srv := &http.Server{Addr: cfg.Listen, Handler: d.routes(), ReadHeaderTimeout: 5 * time.Second}
	errs := make(chan error, 1)
	go func() { errs <- srv.ListenAndServe() }()
	go d.move()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case err := <-errs:
		return err
	case <-stop:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	if err := d.save(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stdout, "testdb: node %s stopped cleanly with %d items\n", cfg.Node, d.items)
	return nil
}

// load reads the node's identity and data, or creates them for a brand-new node.
func (d *db) load() error {
	if err := os.MkdirAll(d.cfg.DataDir, 0o755); err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(d.cfg.DataDir, "state.json"))
	if errors.Is(err, os.ErrNotExist) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		d.id, d.items = hex.EncodeToString(b), d.cfg.Items
		return d.save()
	}
	if err != nil {
		return err
	}
	var st struct {
		ID    string `json:"id"`
		Items int    `json:"items"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return err
	}
	d.id, d.items = st.ID, st.Items
	return nil
}

func (d *db) save() error {
	d.mu.Lock()
	raw, _ := json.Marshal(map[string]any{"id": d.id, "items": d.items})
	d.mu.Unlock()
	return os.WriteFile(filepath.Join(d.cfg.DataDir, "state.json"), raw, 0o644)
}

// move moves items away while the node is leaving, at MoveRate items a second.
func (d *db) move() {
	rate := max(d.cfg.MoveRate, 1)
	for range time.Tick(time.Second / time.Duration(rate)) {
		d.mu.Lock()
		if d.leaving && d.items > 0 {
			d.items--
		}
		d.mu.Unlock()
	}
}

func (d *db) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /live", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) {
		if time.Now().Before(d.ready) {
			http.Error(w, "joining the cluster", http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("GET /facts", func(w http.ResponseWriter, _ *http.Request) {
		d.mu.Lock()
		defer d.mu.Unlock()
		writeJSON(w, map[string]any{"version": Version, "id": d.id, "items": d.items, "leaving": d.leaving})
	})
	mux.HandleFunc("POST /leave", func(http.ResponseWriter, *http.Request) {
		d.mu.Lock()
		d.leaving = true
		d.mu.Unlock()
	})
	mux.HandleFunc("POST /prepare-restart", func(w http.ResponseWriter, _ *http.Request) {
		if err := d.save(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
