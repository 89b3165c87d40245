package node

import (
	"os"
	"testing"
)

// ForTest is the installation a test runs real nodes from. Without one the test is skipped,
// unless EnvRequired is set (make test-real), where a missing installation fails it: no real
// test is skipped silently.
func ForTest(t *testing.T) Install {
	t.Helper()
	in, ok, err := FromEnv()
	switch {
	case err != nil:
		t.Fatal(err)
	case !ok && os.Getenv(EnvRequired) != "":
		t.Fatalf("%s is not set: make test-real builds the installation and names it", EnvHome)
	case !ok:
		t.Skipf("no real OpenSearch: %s is not set (make test-real sets it)", EnvHome)
	}
	release, err := in.Release()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("real OpenSearch %s", release)
	return in
}
