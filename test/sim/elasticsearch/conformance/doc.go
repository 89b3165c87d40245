// Package conformance holds the Elasticsearch simulator to a real engine. Elasticsearch 8/9
// cannot run on these machines, but OpenSearch 2.19, which shares Elasticsearch 7.10's cluster
// coordination, allocation and REST APIs, can (test/real/opensearch). One suite of the
// behaviours Navigator relies on (cluster formation and the elected node, voting configuration
// exclusions and abdication, allocation exclude filters draining a node and the copy that cannot
// leave, health and delayed allocation when a node leaves, the _cat outputs) runs against three
// simulated nodes and against three real OpenSearch nodes: TestConformance/sim and
// TestConformance/real. make test-real runs the real half with the installation required.
//
// Where the two engines differ by design (OpenSearch's cluster_manager role and field names
// beside the master ones, its lack of the node shutdown API), the suite speaks the words both
// accept. What the suite found, and what the simulator still leaves out, is in
// test/sim/elasticsearch/README.md.
package conformance
