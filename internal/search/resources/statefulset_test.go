package resources

import (
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// dialect is Elasticsearch's, as internal/elasticsearch/resources gives it.
var dialect = Dialect{Engine: navv1alpha1.EngineElasticsearch, Name: "elasticsearch", Home: "/usr/share/elasticsearch", DefaultImage: "docker.elastic.co/elasticsearch/elasticsearch"}

func cluster() Cluster {
	return Cluster{
		Meta:    &metav1.ObjectMeta{Namespace: "ns", Name: "search"},
		Version: "8.18.8",
		Spec:    &navv1alpha1.ClusterCommonSpec{},
		Pools: []Pool{{
			NodePoolCommon: &navv1alpha1.NodePoolCommon{
				Name: "data", Replicas: ptr.To[int32](2),
				Persistence: &navv1alpha1.PersistenceSpec{Size: resource.MustParse("1Gi"),
					RetentionPolicy: navv1alpha1.PVCRetentionPolicy{WhenScaled: navv1alpha1.PVCDelete, WhenDeleted: navv1alpha1.PVCRetain}},
			},
			Roles:       []string{"data"},
			HoldsShards: true,
		}},
	}
}

var images = Images{Pilot: "navigator.local/navigator-pilot:dev", PilotPullPolicy: corev1.PullNever}

func build(t *testing.T, c Cluster) *appsv1.StatefulSet {
	t.Helper()
	sts, err := dialect.StatefulSet(c, c.Pools[0], images)
	if err != nil {
		t.Fatal(err)
	}
	return sts
}

func TestStatefulSet(t *testing.T) {
	sts := build(t, cluster())
	if sts.Name != "search-data" || sts.Spec.ServiceName != "search-discovery" {
		t.Errorf("name %s, service %s", sts.Name, sts.Spec.ServiceName)
	}
	if sts.Spec.UpdateStrategy.Type != appsv1.OnDeleteStatefulSetStrategyType {
		t.Errorf("update strategy %s: the controller must decide each restart", sts.Spec.UpdateStrategy.Type)
	}
	if sts.Spec.Replicas != nil {
		t.Error("replicas are the controller's decision, not the builder's")
	}
	if r := sts.Spec.PersistentVolumeClaimRetentionPolicy; r.WhenScaled != appsv1.DeletePersistentVolumeClaimRetentionPolicyType || r.WhenDeleted != appsv1.RetainPersistentVolumeClaimRetentionPolicyType {
		t.Errorf("claim retention %+v, want the declared Delete on scale, Retain on delete", r)
	}
	c := sts.Spec.Template.Spec.Containers[0]
	if c.Image != dialect.DefaultImage+":8.18.8" {
		t.Errorf("image %s", c.Image)
	}
	wantArgs := []string{"--node-pool=data", "--seed-hosts=search-discovery", "--", dialect.Command()}
	for _, a := range wantArgs {
		if !slices.Contains(c.Command, a) {
			t.Errorf("command %v lacks %s", c.Command, a)
		}
	}
	if c.Command[0] != pilotpod.Binary || c.ReadinessProbe == nil {
		t.Errorf("the pilot is not injected: %v", c.Command)
	}
	if init := sts.Spec.Template.Spec.InitContainers; len(init) != 1 || init[0].Image != images.Pilot {
		t.Errorf("init containers %+v", init)
	}
	if got := sts.Spec.Template.Labels; got["navigator.dev/node-pool"] != "data" || got["navigator.dev/cluster"] != "search" {
		t.Errorf("pod labels %v", got)
	}
}

// Anything the pilot configures the node from changes the pod template, so that the pool rolls.
func TestTemplateChangesWithWhatThePilotConfigures(t *testing.T) {
	base := build(t, cluster()).Spec.Template
	changes := map[string]func(*Cluster){
		"version": func(c *Cluster) { c.Version = "9.1.5" },
		"config": func(c *Cluster) {
			c.Pools[0].Config = map[string]string{"indices.memory.index_buffer_size": "20%"}
		},
		"roles":         func(c *Cluster) { c.Pools[0].Roles = append(c.Pools[0].Roles, "ingest") },
		"restart token": func(c *Cluster) { c.Meta.Annotations = map[string]string{AnnotationRestart: "1"} },
	}
	for name, change := range changes {
		c := cluster()
		change(&c)
		if workload.Hash(build(t, c).Spec.Template) == workload.Hash(base) {
			t.Errorf("changing the %s leaves the pod template as it was", name)
		}
	}
	if workload.Hash(build(t, cluster()).Spec.Template) != workload.Hash(base) {
		t.Error("the same spec builds a different template")
	}
	scaled := cluster()
	scaled.Pools[0].Replicas = ptr.To[int32](5)
	if workload.Hash(build(t, scaled).Spec.Template) != workload.Hash(base) {
		t.Error("scaling must not roll the pool")
	}
}

func TestNoPersistenceUsesEmptyDir(t *testing.T) {
	c := cluster()
	c.Pools[0].Persistence = nil
	sts := build(t, c)
	if len(sts.Spec.VolumeClaimTemplates) != 0 {
		t.Fatal("claims without persistence")
	}
	if !slices.ContainsFunc(sts.Spec.Template.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == DataVolume && v.EmptyDir != nil }) {
		t.Fatal("no emptyDir data volume")
	}
}

func TestPilotImageRequired(t *testing.T) {
	c := cluster()
	if _, err := dialect.StatefulSet(c, c.Pools[0], Images{}); err == nil {
		t.Fatal("no pilot image anywhere must be an error")
	}
	c.Spec.PilotImage = &navv1alpha1.ImageSpec{Repository: "example/pilot", Tag: "1"}
	sts, err := dialect.StatefulSet(c, c.Pools[0], Images{})
	if err != nil || sts.Spec.Template.Spec.InitContainers[0].Image != "example/pilot:1" {
		t.Fatalf("cluster's pilot image: %v", err)
	}
}
