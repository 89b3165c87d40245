//go:build e2e

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
)

// summary is the part of the kubelet's stats summary (/stats/summary, kubelet's
// pkg/apis/stats/v1alpha1) that reportMemory reads.
type summary struct {
	Pods []struct {
		PodRef struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"podRef"`
		Containers []struct {
			Name   string `json:"name"`
			Memory struct {
				RSSBytes        *uint64 `json:"rssBytes"`
				WorkingSetBytes *uint64 `json:"workingSetBytes"`
			} `json:"memory"`
		} `json:"containers"`
	} `json:"pods"`
}

// reportMemory prints the resident memory of each Navigator pod in ns, settled: its container's
// (the database with its pilot as PID 1, from the kubelet's summary) and the pilot's own (its
// process_resident_memory_bytes), and reports the medians as benchmark metrics.
func reportMemory(b *testing.B, engine, ns string) {
	b.Helper()
	var pods corev1.PodList
	if err := k8s.List(b.Context(), &pods, client.InNamespace(ns), client.HasLabels{"navigator.dev/cluster"}); err != nil {
		b.Fatal(err)
	}
	rss := map[string]uint64{}
	for _, node := range nodesOf(pods.Items) {
		raw, err := kube.CoreV1().RESTClient().Get().Resource("nodes").Name(node).SubResource("proxy").Suffix("stats/summary").DoRaw(b.Context())
		if err != nil {
			b.Fatalf("the kubelet's summary of %s: %v", node, err)
		}
		var s summary
		if err := json.Unmarshal(raw, &s); err != nil {
			b.Fatalf("the kubelet's summary of %s: %v", node, err)
		}
		for _, p := range s.Pods {
			if p.PodRef.Namespace != ns {
				continue
			}
			for _, c := range p.Containers {
				if c.Memory.RSSBytes != nil {
					rss[p.PodRef.Name] += *c.Memory.RSSBytes
				}
			}
		}
	}
	var containers, pilots []float64
	for _, p := range pods.Items {
		pilot := pilotRSS(b, ns, p.Name)
		c, ok := rss[p.Name]
		if !ok {
			b.Fatalf("the kubelet's summary has no memory figure for %s", p.Name)
		}
		containers, pilots = append(containers, mib(c)), append(pilots, mib(pilot))
		fmt.Fprintf(os.Stdout, "%s memory, settled: %s: container RSS %.0f MiB, of which the pilot %.0f MiB\n", engine, p.Name, mib(c), mib(pilot))
	}
	b.ReportMetric(medianOf(containers), "pod-rss-MiB")
	b.ReportMetric(medianOf(pilots), "pilot-rss-MiB")
}

// pilotRSS is the pilot's process_resident_memory_bytes, from its /metrics.
func pilotRSS(b *testing.B, ns, pod string) uint64 {
	b.Helper()
	raw, err := podProxy(ns, pod, pilotpod.Port, "GET", "/metrics").DoRaw(b.Context())
	if err != nil {
		b.Fatalf("metrics of %s: %v", pod, err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				b.Fatalf("metrics of %s: %v", pod, err)
			}
			return uint64(f)
		}
	}
	b.Fatalf("the pilot of %s serves no process_resident_memory_bytes", pod)
	return 0
}

func nodesOf(pods []corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		if p.Spec.NodeName != "" && !slices.Contains(out, p.Spec.NodeName) {
			out = append(out, p.Spec.NodeName)
		}
	}
	return out
}

func mib(bytes uint64) float64 { return float64(bytes) / (1 << 20) }

func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
