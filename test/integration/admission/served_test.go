//go:build integration

package admission

import (
	"encoding/json"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/test/gen"
)

// TestDefaults checks the schema defaults on a minimal object, as a user would write it.
func TestDefaults(t *testing.T) {
	ctx := t.Context()
	es := gen.ElasticsearchCluster(namespace, name("esd"), gen.WithESPools(gen.ESPool("all", 3)))
	es.Spec.NodePools[0].Replicas = nil
	if err := k8s.Create(ctx, es); err != nil {
		t.Fatal(err)
	}
	p := es.Spec.NodePools[0]
	if p.Replicas == nil || *p.Replicas != navv1alpha1.DefaultReplicas {
		t.Errorf("replicas default: got %v, want %d", p.Replicas, navv1alpha1.DefaultReplicas)
	}
	if got := es.Spec.UpdateStrategy.MaxUnavailable; got != 1 {
		t.Errorf("updateStrategy.maxUnavailable default: got %d, want 1", got)
	}
	if e := es.Spec.PodDisruptionBudget.Enabled; e == nil || !*e {
		t.Errorf("podDisruptionBudget.enabled default: got %v, want true", e)
	}
	if r := p.Persistence.RetentionPolicy; r.WhenScaled != navv1alpha1.PVCDelete || r.WhenDeleted != navv1alpha1.PVCRetain {
		t.Errorf("retentionPolicy defaults: got %+v, want whenScaled=Delete whenDeleted=Retain", r)
	}

	c := gen.CassandraCluster(namespace, name("cassd"), gen.WithCassPools(gen.CassPool("r1", 3, "", "")))
	c.Spec.Image = &navv1alpha1.ImageSpec{Repository: "cassandra"}
	if err := k8s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if c.Spec.NumTokens != 16 || c.Spec.NodePools[0].Datacenter != "dc1" || c.Spec.Image.PullPolicy != "IfNotPresent" {
		t.Errorf("cassandra defaults: numTokens=%d datacenter=%q pullPolicy=%q, want 16, dc1, IfNotPresent",
			c.Spec.NumTokens, c.Spec.NodePools[0].Datacenter, c.Spec.Image.PullPolicy)
	}

	pl := gen.Pilot(namespace, name("pilotd"), navv1alpha1.EngineCassandra, "ring")
	if err := k8s.Create(ctx, pl); err != nil {
		t.Fatal(err)
	}
	if pl.Spec.Action != navv1alpha1.ActionNone || pl.Spec.Start {
		t.Errorf("pilot defaults: action=%q start=%v, want None and a closed start gate", pl.Spec.Action, pl.Spec.Start)
	}
}

// TestStatusSubresource checks the split D2 relies on: a spec write cannot change status, a
// status write cannot change spec, and only spec changes bump the generation.
func TestStatusSubresource(t *testing.T) {
	ctx := t.Context()
	p := gen.Pilot(namespace, name("pilots"), navv1alpha1.EngineElasticsearch, "search")
	if err := k8s.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	p.Status.Phase = navv1alpha1.PilotRunning
	p.Status.ObservedGeneration = 1
	if err := k8s.Status().Update(ctx, p); err != nil {
		t.Fatalf("status update: %v", err)
	}
	if p.Generation != 1 {
		t.Errorf("a status write bumped the generation to %d", p.Generation)
	}

	p.Spec.Start = true
	p.Status.Phase = navv1alpha1.PilotFailed
	if err := k8s.Update(ctx, p); err != nil {
		t.Fatalf("spec update: %v", err)
	}
	var got navv1alpha1.Pilot
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(p), &got); err != nil {
		t.Fatal(err)
	}
	if got.Status.Phase != navv1alpha1.PilotRunning {
		t.Errorf("a spec write changed status.phase to %q", got.Status.Phase)
	}
	if !got.Spec.Start || got.Generation != 2 {
		t.Errorf("spec write: start=%v generation=%d, want true and 2", got.Spec.Start, got.Generation)
	}

	got.Spec.Start = false
	got.Status.Phase = navv1alpha1.PilotLeft
	if err := k8s.Status().Update(ctx, &got); err != nil {
		t.Fatal(err)
	}
	var again navv1alpha1.Pilot
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(p), &again); err != nil {
		t.Fatal(err)
	}
	if !again.Spec.Start || again.Status.Phase != navv1alpha1.PilotLeft {
		t.Errorf("status write: start=%v phase=%q, want spec untouched (true) and status Left", again.Spec.Start, again.Status.Phase)
	}
}

// TestServedNames checks the short names, category and printer columns users see in kubectl.
func TestServedNames(t *testing.T) {
	dc, err := discovery.NewDiscoveryClientForConfig(server.Config)
	if err != nil {
		t.Fatal(err)
	}
	list, err := dc.ServerResourcesForGroupVersion(navv1alpha1.GroupVersion.String())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"elasticsearchclusters": "esc", "cassandraclusters": "cass", "opensearchclusters": "osc", "pilots": "pilot"}
	for _, r := range list.APIResources {
		short, ok := want[r.Name]
		if !ok {
			continue
		}
		if !slices.Contains(r.ShortNames, short) || !slices.Contains(r.Categories, "navigator") {
			t.Errorf("%s: short names %v, categories %v; want %s and navigator", r.Name, r.ShortNames, r.Categories, short)
		}
		delete(want, r.Name)
	}
	if len(want) > 0 {
		t.Errorf("resources not served: %v", want)
	}

	es := gen.ElasticsearchCluster(namespace, name("esp"))
	if err := k8s.Create(t.Context(), es); err != nil {
		t.Fatal(err)
	}
	if err := k8s.Create(t.Context(), gen.OpenSearchCluster(namespace, name("osp"))); err != nil {
		t.Fatal(err)
	}
	for _, resource := range []string{"elasticsearchclusters", "opensearchclusters"} {
		columns := tableColumns(t, resource)
		for _, c := range []string{"Name", "Version", "Health", "Ready", "Reason", "Age"} {
			if !slices.Contains(columns, c) {
				t.Errorf("kubectl get %s columns %v lack %q", resource, columns, c)
			}
		}
	}
}

// tableColumns asks the API server for the Table kubectl renders.
func tableColumns(t *testing.T, resource string) []string {
	t.Helper()
	cfg := rest.CopyConfig(server.Config)
	cfg.GroupVersion = &navv1alpha1.GroupVersion
	cfg.APIPath = "/apis"
	cfg.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	rc, err := rest.RESTClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := rc.Get().Namespace(namespace).Resource(resource).
		SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").
		Param("includeObject", "None").DoRaw(t.Context())
	if err != nil {
		t.Fatalf("getting the table of %s: %v", resource, err)
	}
	var table metav1.Table
	if err := json.Unmarshal(raw, &table); err != nil {
		t.Fatalf("decoding the table of %s: %v", resource, err)
	}
	names := make([]string, 0, len(table.ColumnDefinitions))
	for _, c := range table.ColumnDefinitions {
		names = append(names, c.Name)
	}
	return names
}
