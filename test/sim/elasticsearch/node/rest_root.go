package node

import (
	"fmt"
	"net/http"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
)

// build describes the simulated distribution in GET / and _nodes.
var build = struct{ Flavor, Type, Hash, Date, Lucene string }{
	Flavor: "default", Type: "docker", Hash: "0000000000000000000000000000000000simulator",
	Date: "2026-01-01T00:00:00.000000000Z", Lucene: "9.12.0",
}

func (n *Node) rootRoutes(r *router) {
	r.handle(http.MethodGet, "/", n.restRoot)
}

// restRoot is GET /: the node's name, its cluster and its version.
func (n *Node) restRoot(w *response, _ *request) {
	st, _, _ := n.snapshot()
	if n.cfg.Product.Name == config.OpenSearch.Name {
		// OpenSearch's answer (RestMainAction): its distribution named, the 7.10.2 it forked
		// from as the lowest version its wire and indices accept from an Elasticsearch node.
		w.json(http.StatusOK, map[string]any{
			"name": n.info.Name, "cluster_name": n.cfg.ClusterName, "cluster_uuid": st.ClusterUUID,
			"version": map[string]any{
				"distribution": "opensearch", "number": n.version.String(), "build_type": "tar",
				"build_hash": build.Hash, "build_date": build.Date, "build_snapshot": false, "lucene_version": build.Lucene,
				"minimum_wire_compatibility_version": "7.10.0", "minimum_index_compatibility_version": "7.0.0",
			},
			"tagline": "The OpenSearch Project: https://opensearch.org/",
		})
		return
	}
	minWire := n.cfg.Product.MinimumCompatible(n.version)
	minIndex := fmt.Sprintf("%d.0.0", n.version.Major()-1)
	w.json(http.StatusOK, map[string]any{
		"name":         n.info.Name,
		"cluster_name": n.cfg.ClusterName,
		"cluster_uuid": st.ClusterUUID,
		"version": map[string]any{
			"number": n.version.String(), "build_flavor": build.Flavor, "build_type": build.Type,
			"build_hash": build.Hash, "build_date": build.Date, "build_snapshot": false, "lucene_version": build.Lucene,
			"minimum_wire_compatibility_version": minWire.String(), "minimum_index_compatibility_version": minIndex,
		},
		"tagline": "You Know, for Search",
	})
}
