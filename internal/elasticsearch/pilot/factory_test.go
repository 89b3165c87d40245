package pilot

import (
	"flag"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/navigator-dbaas/navigator/internal/search/node"
)

func TestFactoryFlags(t *testing.T) {
	fs := flag.NewFlagSet("navigator-pilot elasticsearch", flag.ContinueOnError)
	build := Factory(fs)
	if err := fs.Parse([]string{"--node-pool=hot", "--seed-hosts=logs-discovery.team-a.svc", "--", "/usr/share/elasticsearch/bin/elasticsearch"}); err != nil {
		t.Fatal(err)
	}
	eng, err := build()
	if err != nil {
		t.Fatal(err)
	}
	e := eng.(*Engine)
	if e.NodePool != "hot" || !slices.Equal(e.SeedHosts, []string{"logs-discovery.team-a.svc"}) || e.ConfigDir != DefaultConfigDir ||
		e.DataDir != DefaultDataDir || e.HTTPPort != 9200 || e.TransportPort != 9300 || e.RestartAllocationDelay != 5*time.Minute {
		t.Fatalf("engine from flags: %+v", e)
	}
	if kind := e.ClusterKind(); kind.Resource != "elasticsearchclusters" || kind.New() == nil || kind.NewList() == nil {
		t.Fatalf("cluster kind: %+v", kind)
	}

	_, err = Factory(flag.NewFlagSet("x", flag.ContinueOnError))()
	if err == nil || !strings.Contains(err.Error(), "--node-pool") || !strings.Contains(err.Error(), "--seed-hosts") {
		t.Fatalf("without the required flags: %v", err)
	}
}

func TestCommandRunsUpstreamWithConfigDir(t *testing.T) {
	t.Setenv("ES_PATH_CONF", "/elsewhere")
	t.Setenv("ES_JAVA_OPTS", "-Dkept=true")
	e := &Engine{Flags: node.Flags{ConfigDir: "/usr/share/elasticsearch/config"}}
	p := e.Command([]string{"/usr/share/elasticsearch/bin/elasticsearch", "-Ekey=value"})
	if p.Path != "/usr/share/elasticsearch/bin/elasticsearch" || !slices.Equal(p.Args, []string{p.Path, "-Ekey=value"}) {
		t.Fatalf("process: %+v", p)
	}
	var conf []string
	for _, kv := range p.Env {
		if strings.HasPrefix(kv, "ES_PATH_CONF=") {
			conf = append(conf, kv)
		}
	}
	if !slices.Equal(conf, []string{"ES_PATH_CONF=/usr/share/elasticsearch/config"}) || !slices.Contains(p.Env, "ES_JAVA_OPTS=-Dkept=true") {
		t.Fatalf("environment: ES_PATH_CONF %v in %v", conf, p.Env)
	}
}
