// Package objects keeps the Kubernetes objects a cluster controller owns in line with the ones
// it builds, writing only when something changed, and holds the few writes every engine's
// controller makes to its nodes (a Pilot's spec, a StatefulSet's size, a pod's deletion). Both
// the Elasticsearch and the Cassandra controllers use it, so that the rules "a settled cluster
// costs no API writes" and "delete exactly the pod that was judged" live in one place.
package objects
