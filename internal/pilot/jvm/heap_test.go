package jvm

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func TestHeapMiB(t *testing.T) {
	for limit, want := range map[string]int64{"": 0, "2Gi": 1024, "3G": 1430, "100Gi": MaxHeapMiB, "1Mi": 0} {
		res := corev1.ResourceRequirements{}
		if limit != "" {
			res.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(limit)}
		}
		if got := HeapMiB(res); got != want {
			t.Errorf("limit %q: %d MiB, want %d", limit, got, want)
		}
	}
}
