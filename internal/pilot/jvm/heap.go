// Package jvm holds what the JVM databases (Elasticsearch, Cassandra) have in common for the
// pilot: how big a heap a node gets.
package jvm

import (
	corev1 "k8s.io/api/core/v1"
)

// MaxHeapMiB caps the heap below the JVM's compressed object pointers threshold (about 32GiB),
// past which a bigger heap holds fewer objects.
const MaxHeapMiB = 31 * 1024

// HeapMiB is the heap for the container's memory limit, in MiB: half the limit, the other half
// left to the operating system's page cache (which both databases read their files through) and
// to the JVM's off-heap memory, capped at MaxHeapMiB. It is 0 without a limit: the engine then
// lets the database size the heap itself.
func HeapMiB(res corev1.ResourceRequirements) int64 {
	limit, ok := res.Limits[corev1.ResourceMemory]
	if !ok {
		return 0
	}
	return min(limit.Value()/2/(1<<20), MaxHeapMiB)
}
