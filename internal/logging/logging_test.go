package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestLevels(t *testing.T) {
	cases := map[string]struct {
		level      string
		v1Logged   bool
		infoLogged bool
		wantErr    bool
	}{
		"info hides V(1)":     {level: "info", infoLogged: true},
		"debug shows V(1)":    {level: "debug", infoLogged: true, v1Logged: true},
		"number 2 shows V(1)": {level: "2", infoLogged: true, v1Logged: true},
		"error hides info":    {level: "error"},
		"unknown level":       {level: "loud", wantErr: true},
		"negative level":      {level: "-1", wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			log, err := New(&buf, tc.level, "json")
			if (err != nil) != tc.wantErr {
				t.Fatalf("New() error = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "--log-level") {
					t.Errorf("error %q does not name the flag", err)
				}
				return
			}
			log.Info("info line")
			log.V(1).Info("debug line")
			if got := strings.Contains(buf.String(), "info line"); got != tc.infoLogged {
				t.Errorf("info logged = %v, want %v", got, tc.infoLogged)
			}
			if got := strings.Contains(buf.String(), "debug line"); got != tc.v1Logged {
				t.Errorf("V(1) logged = %v, want %v", got, tc.v1Logged)
			}
		})
	}
}

// TestNoSampling: a burst of identical lines must all come out; a sampler would drop most of
// them after the first hundred in a second.
func TestNoSampling(t *testing.T) {
	var buf bytes.Buffer
	log, err := New(&buf, "info", "json")
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000
	for range n {
		log.Info("same line", "key", "value")
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != n {
		t.Fatalf("got %d lines, want %d", len(lines), n)
	}
	var entry map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &entry); err != nil {
		t.Fatalf("line is not JSON: %v", err)
	}
	if entry["msg"] != "same line" || entry["key"] != "value" {
		t.Errorf("structured fields lost: %v", entry)
	}
}

func TestFormats(t *testing.T) {
	var buf bytes.Buffer
	log, err := New(&buf, "info", "text")
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hello", "k", 1)
	if !strings.Contains(buf.String(), "INFO") || strings.HasPrefix(buf.String(), "{") {
		t.Errorf("text format: got %q", buf.String())
	}
	if _, err := New(&buf, "info", "xml"); err == nil || !strings.Contains(err.Error(), "--log-format") {
		t.Errorf("unknown format: got error %v, want one naming --log-format", err)
	}
}
