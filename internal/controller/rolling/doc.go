// Package rolling takes a rolling restart or upgrade one safe step at a time: the part every
// engine shares. The nodes whose pods run an older revision of their StatefulSet restart in
// the engine's order, each admitted by the engine's restart predicates, each asked to prepare
// (PrepareRestart: Elasticsearch registers a restart-type shutdown, Cassandra drains) before
// its pod is deleted. An engine supplies its order, its predicates and its words.
package rolling
