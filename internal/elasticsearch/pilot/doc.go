// Package pilot is the Elasticsearch engine of navigator-pilot (`navigator-pilot elasticsearch
// -- /usr/share/elasticsearch/bin/elasticsearch`). It writes elasticsearch.yml and the JVM heap
// from the ElasticsearchCluster and the pod's identity, answers the kubelet's probes, reports the
// node's facts in its Pilot's status, and carries out the node-local actions the controller asks
// for (Leave: node shutdown type remove, plus voting configuration exclusions for a
// master-eligible node; PrepareRestart: node shutdown type restart).
//
// Every call goes to the local node only (http://127.0.0.1:<http-port>) through the official
// client's esapi requests, and each is bounded by a timeout. The engine decides no orchestration
// (docs/design/0001-pilot.md): the controller chooses which node leaves or restarts and when.
package pilot
