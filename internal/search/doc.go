// Package search is the room of what Elasticsearch and OpenSearch share. OpenSearch forked from
// Elasticsearch 7.10 and kept its cluster coordination (voting configuration exclusions), its
// allocation (filters, delayed allocation, _cat/shards) and their REST answers; what both
// engines' pilots and controllers do alike lives once, in the packages under this one, and each
// engine's folder (internal/elasticsearch, internal/opensearch) holds only what differs
// (docs/design/0011-opensearch-engine.md). Nothing here imports either engine.
package search
