// Package rest decodes the REST answers Elasticsearch and OpenSearch give alike (GET /, the
// node's local cluster state, _cat/shards) and holds the judgements both engines' pilots make on
// them: whether a node may restart now, and when voting configuration exclusions may be cleared.
// Each engine calls its node with its own project's Go client and decodes into these types.
package rest
