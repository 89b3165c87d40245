package config

import (
	"slices"
	"strings"
	"testing"
)

func TestParseWhatNavigatorWrites(t *testing.T) {
	c, err := Parse([]byte(`
cluster.name: search
node.name: search-master-0
node.roles: [master]
path.data: /usr/share/elasticsearch/data
network.host: 0.0.0.0
network.publish_host: 10.244.0.7
discovery.seed_hosts: [search-discovery]
cluster.initial_master_nodes: [search-master-0, search-master-1, search-master-2]
indices:
  memory:
    index_buffer_size: 20%
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.ClusterName != "search" || c.NodeName != "search-master-0" || !slices.Equal(c.Roles, []string{"master"}) {
		t.Errorf("identity: %+v", c)
	}
	if !c.MasterEligible() || c.IsData() {
		t.Errorf("a dedicated master: eligible %v, data %v", c.MasterEligible(), c.IsData())
	}
	if len(c.InitialMasterNodes) != 3 || !slices.Equal(c.SeedHosts, []string{"search-discovery"}) || c.PublishHost != "10.244.0.7" {
		t.Errorf("discovery: %+v", c)
	}
	if c.Settings["indices.memory.index_buffer_size"] != "20%" {
		t.Errorf("nested keys are not flattened: %v", c.Settings)
	}
	if c.HTTPPort != DefaultHTTPPort || c.TransportPort != DefaultTransportPort {
		t.Errorf("ports: %d %d", c.HTTPPort, c.TransportPort)
	}
}

func TestDefaults(t *testing.T) {
	c, err := Parse([]byte(``))
	if err != nil {
		t.Fatal(err)
	}
	if c.ClusterName != "elasticsearch" || c.PathData != "/usr/share/elasticsearch/data" || !c.MasterEligible() || !c.IsData() {
		t.Errorf("defaults: %+v", c)
	}
	coordinating, err := Parse([]byte(`node.roles: []`))
	if err != nil || coordinating.IsData() || coordinating.MasterEligible() || len(coordinating.Roles) != 0 {
		t.Errorf("node.roles: [] must make a coordinating-only node: %+v, %v", coordinating, err)
	}
	commas, err := Parse([]byte(`node.roles: "data, ingest"`))
	if err != nil || !slices.Equal(commas.Roles, []string{"data", "ingest"}) {
		t.Errorf("comma-separated roles: %+v, %v", commas, err)
	}
}

func TestStartupErrors(t *testing.T) {
	cases := map[string]struct {
		yaml string
		want string
	}{
		"unknown setting":        {yaml: "node.colour: blue", want: "unknown setting [node.colour] please check that any required plugins are installed"},
		"unknown nested setting": {yaml: "discovery:\n  zen:\n    minimum_master_nodes: 2", want: "unknown setting [discovery.zen.minimum_master_nodes]"},
		"unknown role":           {yaml: "node.roles: [master, coordinator]", want: "unknown role [coordinator]"},
		"voting only, no master": {yaml: "node.roles: [voting_only, data]", want: "voting-only node must be master-eligible"},
		"bad port":               {yaml: "http.port: nine", want: "Failed to parse value [nine] for setting [http.port]"},
		"malformed yaml":         {yaml: "cluster.name: [unclosed", want: "malformed elasticsearch.yml"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse(%q) error = %v, want one containing %q", tc.yaml, err, tc.want)
			}
		})
	}
}

// TestPlaceholdersAndOverrides: ${VAR} and ${VAR:default} come from the environment, a missing
// one stops the node with Elasticsearch's message, and -E style overrides win over the file.
func TestPlaceholdersAndOverrides(t *testing.T) {
	t.Setenv("POD_IP", "10.244.0.9")
	c, err := ParseWith([]byte("network.publish_host: ${POD_IP}\nnode.name: ${NODE:es-x}\ncluster.name: file\n"),
		map[string]string{"cluster.name": "override", "discovery.seed_hosts": "[a, b]"})
	if err != nil {
		t.Fatal(err)
	}
	if c.PublishHost != "10.244.0.9" || c.NodeName != "es-x" || c.ClusterName != "override" || !slices.Equal(c.SeedHosts, []string{"a", "b"}) {
		t.Fatalf("got %+v", c)
	}
	if _, err := Parse([]byte("node.name: ${NOT_SET_ANYWHERE}\n")); err == nil || !strings.Contains(err.Error(), "Could not resolve placeholder 'NOT_SET_ANYWHERE'") {
		t.Fatalf("missing placeholder: %v", err)
	}
	if _, err := ParseWith(nil, map[string]string{"no.such.setting": "x"}); err == nil || !strings.Contains(err.Error(), "unknown setting [no.such.setting]") {
		t.Fatalf("unknown override: %v", err)
	}
}

// TestOpenSearchWords: opensearch.yml in OpenSearch's words: its default cluster name, data path
// and roles; cluster_manager (or its deprecated name master) makes a node electable; the initial
// cluster managers under either name; Elasticsearch's own settings and roles refused.
func TestOpenSearchWords(t *testing.T) {
	c, err := ParseAs(OpenSearch, []byte(``), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ClusterName != "opensearch" || c.PathData != "/usr/share/opensearch/data" || !c.MasterEligible() || !c.IsData() ||
		!slices.Equal(c.Roles, []string{"cluster_manager", "data", "ingest", "remote_cluster_client"}) {
		t.Errorf("defaults: %+v", c)
	}
	for _, yml := range []string{
		"node.roles: [cluster_manager]\ncluster.initial_cluster_manager_nodes: [a, b]\nplugins.security.disabled: true",
		"node.roles: [master]\ncluster.initial_master_nodes: [a, b]",
	} {
		c, err := ParseAs(OpenSearch, []byte(yml), nil)
		if err != nil || !c.MasterEligible() || c.IsData() || !slices.Equal(c.InitialMasterNodes, []string{"a", "b"}) {
			t.Errorf("%q: %+v, %v", yml, c, err)
		}
	}
	for yml, want := range map[string]string{
		"node.roles: [data_hot]":        "unknown role [data_hot]",
		"xpack.security.enabled: false": "unknown setting [xpack.security.enabled]",
	} {
		if _, err := ParseAs(OpenSearch, []byte(yml), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", yml, err, want)
		}
	}
	if _, err := Parse([]byte("node.roles: [cluster_manager]")); err == nil {
		t.Error("Elasticsearch accepted the cluster_manager role")
	}
}
