// Package pilot is the pilot's OpenSearch engine: it writes opensearch.yml, starts the node the
// upstream image's command starts, answers the kubelet's probes, reports the node's facts and
// carries out Leave and PrepareRestart with OpenSearch's own APIs, through the OpenSearch
// project's Go client. OpenSearch has no node shutdown API: a node leaves by allocation
// exclusion (cluster.routing.allocation.exclude._name), its drain is read from where its shard
// copies are, and a restart relies on delayed allocation (index.unassigned.node_left.
// delayed_timeout). What it shares with the Elasticsearch engine lives in internal/search.
package pilot
