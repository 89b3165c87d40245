package volume

import (
	"os"
	"path/filepath"
	"testing"
)

func TestUsed(t *testing.T) {
	dir := t.TempDir()
	if Used(filepath.Join(dir, "missing")) || Used(dir) {
		t.Fatal("a missing or empty directory is used")
	}
	if err := os.Mkdir(filepath.Join(dir, "lost+found"), 0o700); err != nil {
		t.Fatal(err)
	}
	if Used(dir) {
		t.Fatal("a freshly formatted volume is used")
	}
	if err := os.Mkdir(filepath.Join(dir, "system"), 0o755); err != nil {
		t.Fatal(err)
	}
	if !Used(dir) {
		t.Fatal("a directory with data is not used")
	}
}
