package jvm

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMajorReadsTheReleaseFileOfTheRuntime(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	java := filepath.Join(home, "bin", "java")
	if err := os.WriteFile(java, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "java")
	if err := os.Symlink(java, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		release string
		want    int
		wantErr bool
	}{
		{release: "IMPLEMENTOR=\"Debian\"\nJAVA_VERSION=\"17.0.15\"\n", want: 17},
		{release: "JAVA_VERSION=\"25\"\n", want: 25},
		{release: "JAVA_VERSION=\"x.1\"\n", wantErr: true},
		{release: "IMPLEMENTOR=\"Debian\"\n", wantErr: true},
	} {
		if err := os.WriteFile(filepath.Join(home, "release"), []byte(tc.release), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := Major(link)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("release %q: Major = %d, %v; want %d (error: %v)", tc.release, got, err, tc.want, tc.wantErr)
		}
	}
}
