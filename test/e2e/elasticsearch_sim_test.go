//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// esSimVersion is one of the Makefile's ES_SIM_VERSIONS.
const esSimVersion = "8.18.8"

// esSimConfig is what a user would write for three master-and-data nodes: peers found through
// the headless Service's DNS name, the pod name as node name, bootstrap from the three names.
const esSimConfig = `cluster.name: e2e
network.host: 0.0.0.0
discovery.seed_hosts: [es-discovery]
cluster.initial_master_nodes: [es-0, es-1, es-2]
`

// TestElasticsearchSimulatorFormsCluster runs the Elasticsearch simulator image as a plain
// three-pod StatefulSet: the nodes find each other through the headless Service's DNS, elect
// a master and serve documents, and a pod deleted and recreated with its volume rejoins with
// its data.
func TestElasticsearchSimulatorFormsCluster(t *testing.T) {
	ns := restrictedNamespace(t, "e2e-es-sim")
	image := os.Getenv("E2E_IMAGE_REPO") + "/elasticsearch:" + esSimVersion
	labels := map[string]string{"app": "es-sim"}
	objects := []client.Object{
		&corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "es-config"},
			Data:       map[string]string{"elasticsearch.yml": esSimConfig},
		},
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "es-discovery"},
			Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone, PublishNotReadyAddresses: true, Selector: labels,
				Ports: []corev1.ServicePort{{Name: "transport", Port: 9300}}},
		},
		esSimStatefulSet(ns, image, labels),
	}
	for _, o := range objects {
		if err := k8s.Create(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
	waitReady(t, ns, "es", 3)

	health := esHealth(t, ns, "es-2", "green", 3)
	if health.NumberOfNodes != 3 || health.NumberOfDataNodes != 3 {
		t.Fatalf("health: %+v", health)
	}
	var nodes []map[string]string
	esGet(t, ns, "es-0", "/_cat/nodes?format=json&h=name,master", &nodes)
	masters := 0
	for _, n := range nodes {
		if n["master"] == "*" {
			masters++
		}
	}
	if len(nodes) != 3 || masters != 1 {
		t.Fatalf("_cat/nodes: %v", nodes)
	}

	const docs = 200
	var bulkResp struct{ Errors bool }
	esPost(t, ns, "es-1", "/_bulk", bulkBody(docs), &bulkResp)
	if bulkResp.Errors {
		t.Fatal("bulk reported errors")
	}
	esHealth(t, ns, "es-0", "green", 3)

	// A pod deleted and recreated keeps its volume: it rejoins, and nothing is lost.
	recreatePod(t, ns, "es-1")
	waitReady(t, ns, "es", 3)
	esHealth(t, ns, "es-1", "green", 3)
	checkDocs(t, docs, func(path string, into any) { esGet(t, ns, "es-2", path, into) })
}

// bulkBody indexes documents 0..n-1 of the e2e index, each holding its number.
func bulkBody(n int) string {
	var bulk strings.Builder
	for i := range n {
		fmt.Fprintf(&bulk, "{\"index\":{\"_index\":\"e2e\",\"_id\":\"%d\"}}\n{\"n\":%d}\n", i, i)
	}
	return bulk.String()
}

// checkDocs counts the e2e index and reads every document back through get, in one search
// (a GET per document through the API server's proxy made reading slower than the steps it
// checks): each of the n ids must come back once, with its own content, from every shard.
func checkDocs(t *testing.T, n int, get func(path string, into any)) {
	t.Helper()
	var count struct{ Count int }
	get("/e2e/_count", &count)
	if count.Count != n {
		t.Fatalf("count %d, want %d", count.Count, n)
	}
	var found struct {
		Shards struct{ Total, Successful, Failed int } `json:"_shards"`
		Hits   struct {
			Hits []struct {
				ID     string          `json:"_id"`
				Source struct{ N int } `json:"_source"`
			}
		}
	}
	get(fmt.Sprintf("/e2e/_search?size=%d", n+1), &found)
	if found.Shards.Failed > 0 || found.Shards.Successful != found.Shards.Total {
		t.Fatalf("search of every document: shards %+v", found.Shards)
	}
	seen := make([]bool, n)
	for _, h := range found.Hits.Hits {
		if h.ID != strconv.Itoa(h.Source.N) || h.Source.N < 0 || h.Source.N >= n || seen[h.Source.N] {
			t.Fatalf("document %s: %+v (unknown, altered or read twice)", h.ID, h.Source)
		}
		seen[h.Source.N] = true
	}
	if i := slices.Index(seen, false); i >= 0 {
		t.Fatalf("document %d not found among %d", i, len(found.Hits.Hits))
	}
}

func esSimStatefulSet(ns, image string, labels map[string]string) *appsv1.StatefulSet {
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "es"},
		Spec: appsv1.StatefulSetSpec{
			ServiceName: "es-discovery",
			Replicas:    ptr.To[int32](3),
			// All three must run to bootstrap, as with the real Elasticsearch.
			PodManagementPolicy: appsv1.ParallelPodManagement,
			Selector:            &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					SecurityContext: restrictedPodSecurity(),
					Containers: []corev1.Container{{
						Name: "elasticsearch", Image: image, ImagePullPolicy: corev1.PullIfNotPresent,
						Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 9200}, {Name: "transport", ContainerPort: 9300}},
						ReadinessProbe: &corev1.Probe{PeriodSeconds: 1, ProbeHandler: corev1.ProbeHandler{
							HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromInt32(9200)}}},
						VolumeMounts: []corev1.VolumeMount{
							{Name: "data", MountPath: "/usr/share/elasticsearch/data"},
							{Name: "config", MountPath: "/usr/share/elasticsearch/config"},
						},
						SecurityContext: restrictedContainerSecurity(),
					}},
					Volumes: []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{
						ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "es-config"}}}}},
				},
			},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{dataClaim()},
		},
	}
}

// esHealthResponse is the part of _cluster/health the test reads.
type esHealthResponse struct {
	Status            string `json:"status"`
	NumberOfNodes     int    `json:"number_of_nodes"`
	NumberOfDataNodes int    `json:"number_of_data_nodes"`
	TimedOut          bool   `json:"timed_out"`
}

// esHealth waits, through a pod, for a health status and node count.
func esHealth(t testing.TB, ns, pod, status string, nodes int) esHealthResponse {
	t.Helper()
	var h esHealthResponse
	path := fmt.Sprintf("/_cluster/health?wait_for_status=%s&wait_for_nodes=%d&timeout=5s", status, nodes)
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, 2*time.Minute, true, func(context.Context) (bool, error) {
		raw, err := esRaw(t, ns, pod, "GET", path, "")
		if err != nil {
			return false, nil // 408 while waiting, or no master yet
		}
		return json.Unmarshal(raw, &h) == nil && !h.TimedOut, nil
	})
	if err != nil {
		t.Fatalf("cluster not %s with %d nodes (seen from %s): %+v", status, nodes, pod, h)
	}
	return h
}

func esGet(t *testing.T, ns, pod, path string, into any) {
	t.Helper()
	raw, err := esRaw(t, ns, pod, "GET", path, "")
	if err != nil {
		t.Fatalf("GET %s on %s: %v", path, pod, err)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatalf("GET %s on %s: %v: %s", path, pod, err, raw)
	}
}

func esPost(t *testing.T, ns, pod, path, body string, into any) {
	t.Helper()
	raw, err := esRaw(t, ns, pod, "POST", path, body)
	if err != nil {
		t.Fatalf("POST %s on %s: %v", path, pod, err)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatalf("POST %s on %s: %v: %s", path, pod, err, raw)
	}
}

// esRaw calls a simulated node's REST API through the API server's pod proxy.
func esRaw(t testing.TB, ns, pod, method, path, body string) ([]byte, error) {
	t.Helper()
	req := podProxy(ns, pod, 9200, method, path)
	if body != "" {
		req = req.Body([]byte(body)).SetHeader("Content-Type", "application/x-ndjson")
	}
	return req.DoRaw(t.Context())
}
