//go:build integration

package admission

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// TestSamplesAreAccepted applies every file of config/samples, so that the examples users copy
// can never drift from the schema.
func TestSamplesAreAccepted(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	paths, err := filepath.Glob(filepath.Join(filepath.Dir(file), "..", "..", "..", "config", "samples", "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no samples found (err=%v)", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var obj unstructured.Unstructured
			if err := yaml.Unmarshal(raw, &obj.Object); err != nil {
				t.Fatalf("parsing: %v", err)
			}
			obj.SetNamespace(namespace)
			obj.SetName(name(obj.GetName()))
			if err := k8s.Create(t.Context(), &obj); err != nil {
				t.Fatalf("the API server rejects the sample: %v", err)
			}
		})
	}
}
