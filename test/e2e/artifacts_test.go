//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// saveArtifacts writes what a person needs to diagnose a failed run: every pod with its logs,
// events, Leases, and Navigator's resources, for the namespaces the suite touched.
func saveArtifacts(stage string) {
	saveNamespaceArtifacts(stage, controllerNamespace, "kube-system", "default")
}

// saveNamespaceArtifacts saves the artifacts of the given namespaces under a folder named for
// the stage or test.
func saveNamespaceArtifacts(stage string, namespaces ...string) {
	if artifacts == "" {
		return
	}
	dir := filepath.Join(artifacts, time.Now().UTC().Format("20060102T150405Z")+"-"+strings.ReplaceAll(stage, "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: artifacts:", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, ns := range namespaces {
		savePods(ctx, dir, ns)
		saveList(ctx, dir, ns, "events", &corev1.EventList{})
		for _, r := range []string{"elasticsearchclusters", "cassandraclusters", "pilots"} {
			saveUnstructured(ctx, dir, ns, schema.GroupVersionKind{Group: "navigator.dev", Version: "v1alpha1", Kind: kindOf(r) + "List"}, r)
		}
		saveUnstructured(ctx, dir, ns, schema.GroupVersionKind{Group: "coordination.k8s.io", Version: "v1", Kind: "LeaseList"}, "leases")
	}
	fmt.Fprintln(os.Stderr, "e2e: artifacts saved in", dir)
}

func kindOf(resource string) string {
	return map[string]string{
		"elasticsearchclusters": "ElasticsearchCluster",
		"cassandraclusters":     "CassandraCluster",
		"pilots":                "Pilot",
	}[resource]
}

func savePods(ctx context.Context, dir, ns string) {
	pods, err := kube.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return
	}
	write(dir, ns+"-pods.yaml", pods)
	for _, p := range pods.Items {
		for _, c := range append(p.Spec.InitContainers, p.Spec.Containers...) {
			for _, previous := range []bool{false, true} {
				raw, err := kube.CoreV1().Pods(ns).GetLogs(p.Name, &corev1.PodLogOptions{Container: c.Name, Previous: previous}).DoRaw(ctx)
				if err != nil {
					continue
				}
				suffix := ""
				if previous {
					suffix = "-previous"
				}
				_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s-%s%s.log", ns, p.Name, c.Name, suffix)), raw, 0o644)
			}
		}
	}
}

func saveList(ctx context.Context, dir, ns, name string, list *corev1.EventList) {
	if err := k8s.List(ctx, list, inNamespace(ns)); err == nil {
		write(dir, ns+"-"+name+".yaml", list)
	}
}

func saveUnstructured(ctx context.Context, dir, ns string, gvk schema.GroupVersionKind, name string) {
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(gvk)
	if err := k8s.List(ctx, list, inNamespace(ns)); err == nil && len(list.Items) > 0 {
		write(dir, ns+"-"+name+".yaml", list)
	}
}

func write(dir, name string, obj any) {
	raw, err := yaml.Marshal(obj)
	if err == nil {
		_ = os.WriteFile(filepath.Join(dir, name), raw, 0o644)
	}
}
