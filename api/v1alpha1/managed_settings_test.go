package v1alpha1

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestManagedSettingsMatchAdmission: the config rule of each node pool type, as generated into
// the CRDs, refuses exactly the managed settings (and, for the search engines, their prefixes).
func TestManagedSettingsMatchAdmission(t *testing.T) {
	for crd, want := range map[string][]string{
		"navigator.dev_elasticsearchclusters.yaml": slices.Concat(ElasticsearchManagedSettings, SettingPrefixes(ElasticsearchManagedSettings)),
		"navigator.dev_opensearchclusters.yaml":    slices.Concat(OpenSearchManagedSettings, SettingPrefixes(OpenSearchManagedSettings)),
		"navigator.dev_cassandraclusters.yaml":     CassandraManagedSettings,
	} {
		raw, err := os.ReadFile("../../config/crd/bases/" + crd)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		rule := findRule(doc, "self.config.all(k, !(k in [")
		if rule == "" {
			t.Fatalf("%s: no config rule", crd)
		}
		var got []string
		for _, m := range regexp.MustCompile(`'([^']+)'`).FindAllStringSubmatch(rule, -1) {
			got = append(got, m[1])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s refuses %v; the pilots refuse %v", crd, got, want)
		}
	}
}

// findRule returns the first x-kubernetes-validations rule under v that contains part.
func findRule(v any, part string) string {
	switch v := v.(type) {
	case map[string]any:
		if r, ok := v["rule"].(string); ok && strings.Contains(r, part) {
			return r
		}
		for _, sub := range v {
			if r := findRule(sub, part); r != "" {
				return r
			}
		}
	case []any:
		for _, sub := range v {
			if r := findRule(sub, part); r != "" {
				return r
			}
		}
	}
	return ""
}
