package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOptionForJavaReleaseRanges(t *testing.T) {
	for _, tc := range []struct {
		line   string
		major  int
		want   string
		wantOK bool
	}{
		{"-Xms1g", 17, "-Xms1g", true},
		{"17:-XX:+UseG1GC", 17, "-XX:+UseG1GC", true},
		{"17:-XX:+UseG1GC", 21, "", true},
		{"11-:-XX:+UseG1GC", 17, "-XX:+UseG1GC", true},
		{"18-:-Djava.security.manager=allow", 17, "", true},
		{"8-10:-XX:+UseConcMarkSweepGC", 17, "", true},
		{"11-17:-Xlog:gc", 17, "-Xlog:gc", true},
		{"17-11:-Xlog:gc", 17, "", false},
		{"Xmx1g", 17, "", false},
		{"17:Xmx1g", 17, "", false},
	} {
		got, ok := optionFor(tc.line, tc.major)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("optionFor(%q, %d) = %q, %v; want %q, %v", tc.line, tc.major, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestReadOptionsFileNamesEveryMalformedLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jvm.options")
	content := "# heap\n-Xms1g\n\nXmx1g\n11-:-XX:+UseG1GC\n20-10:-Xlog:gc\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := readOptionsFile(path, 17)
	if err == nil || !strings.Contains(err.Error(), "[2] improperly") ||
		!strings.Contains(err.Error(), "line 4: [Xmx1g]") || !strings.Contains(err.Error(), "line 6: [20-10:-Xlog:gc]") {
		t.Fatalf("readOptionsFile: %v; want both malformed lines named", err)
	}
	if err := os.WriteFile(path, []byte("# heap\n-Xms1g\n11-:-XX:+UseG1GC\n8:-XX:+UseCMS\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts, err := readOptionsFile(path, 17)
	if err != nil || strings.Join(opts, " ") != "-Xms1g -XX:+UseG1GC" {
		t.Fatalf("readOptionsFile = %q, %v", opts, err)
	}
}
