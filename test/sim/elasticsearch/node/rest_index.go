package node

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

func (n *Node) docRoutes(r *router) {
	r.handle(http.MethodPut, "/{index}", n.restCreateIndex)
	r.handle(http.MethodGet, "/{index}", n.restGetIndex)
	r.handle(http.MethodDelete, "/{index}", n.restDeleteIndex)
	r.handle(http.MethodGet, "/{index}/_settings", n.restGetIndex)
	r.handle(http.MethodPut, "/{index}/_settings", n.restPutIndexSettings)
	r.handle(http.MethodPut, "/{index}/_doc/{id}", n.restIndexDoc)
	r.handle(http.MethodPost, "/{index}/_doc/{id}", n.restIndexDoc)
	r.handle(http.MethodPost, "/{index}/_doc", n.restIndexDoc)
	r.handle(http.MethodPut, "/{index}/_create/{id}", n.restIndexDoc)
	r.handle(http.MethodPost, "/{index}/_create/{id}", n.restIndexDoc)
	r.handle(http.MethodGet, "/{index}/_doc/{id}", n.restGetDoc)
	r.handle(http.MethodPost, "/_bulk", n.restBulk)
	r.handle(http.MethodPut, "/_bulk", n.restBulk)
	r.handle(http.MethodPost, "/{index}/_bulk", n.restBulk)
	r.handle(http.MethodPut, "/{index}/_bulk", n.restBulk)
	r.handle(http.MethodPost, "/_refresh", n.restRefresh)
	r.handle(http.MethodGet, "/_refresh", n.restRefresh)
	r.handle(http.MethodPost, "/{index}/_refresh", n.restRefresh)
	r.handle(http.MethodGet, "/{index}/_refresh", n.restRefresh)
	r.handle(http.MethodPost, "/_flush", n.restRefresh)
	r.handle(http.MethodGet, "/_flush", n.restRefresh)
	r.handle(http.MethodPost, "/{index}/_flush", n.restRefresh)
	r.handle(http.MethodGet, "/{index}/_flush", n.restRefresh)
	r.handle(http.MethodGet, "/_count", n.restCount)
	r.handle(http.MethodPost, "/_count", n.restCount)
	r.handle(http.MethodGet, "/{index}/_count", n.restCount)
	r.handle(http.MethodPost, "/{index}/_count", n.restCount)
	r.handle(http.MethodGet, "/{index}/_search", n.restSearch)
	r.handle(http.MethodPost, "/{index}/_search", n.restSearch)
}

// validIndexName applies Elasticsearch's index name rules.
func validIndexName(name string) error {
	bad := func(why string) error {
		return errIndex(400, "invalid_index_name_exception", name, "Invalid index name [%s], %s", name, why)
	}
	switch {
	case name != strings.ToLower(name):
		return bad("must be lowercase")
	case strings.ContainsAny(name, `\/*?"<>| ,#:`):
		return bad(`must not contain the following characters [ , ", *, \, <, |, ,, >, /, ?]`)
	case strings.HasPrefix(name, "-") || strings.HasPrefix(name, "_") || strings.HasPrefix(name, "+"):
		return bad("must not start with '_', '-', or '+'")
	case name == "." || name == "..":
		return bad("must not be '.' or '..'")
	case len(name) > 255:
		return bad("index name is too long, (" + strconv.Itoa(len(name)) + " > 255)")
	}
	return nil
}

// restCreateIndex is PUT /<index> with settings.number_of_shards / number_of_replicas (nested
// or dotted, with or without the "index." prefix).
func (n *Node) restCreateIndex(w *response, req *request) {
	name := req.param("index")
	if err := validIndexName(name); err != nil {
		w.error(err)
		return
	}
	var body struct {
		Settings map[string]any `json:"settings"`
	}
	if err := req.body(&body); err != nil {
		w.error(err)
		return
	}
	flat := map[string]*string{}
	flattenSettings("", body.Settings, flat)
	shards, err := intSetting(flat, "number_of_shards", 1, 1, 1024)
	if err != nil {
		w.error(err)
		return
	}
	replicas, err := intSetting(flat, "number_of_replicas", 1, 0, 1<<20)
	if err != nil {
		w.error(err)
		return
	}
	// The dynamic settings modelled; other settings (analysis, codecs, …) are taken and ignored.
	settings := map[string]string{}
	for key, v := range flat {
		k := indexSettingKey(key)
		if !dynamicIndexSetting(k) || k == "number_of_replicas" || v == nil {
			continue
		}
		if err := checkIndexSetting(k, v); err != nil {
			w.error(err)
			return
		}
		settings[k] = *v
	}
	if err := n.toMaster(req.Context(), "create_index", createIndexRequest{Index: name, Shards: shards, Replicas: replicas, Settings: settings}, nil); err != nil {
		w.error(err)
		return
	}
	w.json(http.StatusOK, map[string]any{"acknowledged": true, "shards_acknowledged": true, "index": name})
}

// intSetting reads index.<name> or <name> from flattened settings.
func intSetting(flat map[string]*string, name string, def, lo, hi int) (int, error) {
	v := flat["index."+name]
	if v == nil {
		v = flat[name]
	}
	if v == nil {
		return def, nil
	}
	i, err := strconv.Atoi(*v)
	if err != nil || i < lo || i > hi {
		return 0, errType(400, "illegal_argument_exception", "Failed to parse value [%s] for setting [index.%s] must be >= %d", *v, name, lo)
	}
	return i, nil
}

func (n *Node) restDeleteIndex(w *response, req *request) {
	if err := n.toMaster(req.Context(), "delete_index", indexRequest{Index: req.param("index")}, nil); err != nil {
		w.error(err)
		return
	}
	w.json(http.StatusOK, map[string]any{"acknowledged": true})
}

// restGetIndex is GET /<index> and GET /<index>/_settings (HEAD /<index> for existence).
func (n *Node) restGetIndex(w *response, req *request) {
	st, ok := n.stateFor(w, req)
	if !ok {
		return
	}
	targets, err := resolveIndices(st, req.param("index"))
	if err != nil {
		w.error(err)
		return
	}
	out := map[string]any{}
	for _, name := range targetsOrAll(st, targets) {
		entry := map[string]any{"settings": indexSettings(name, st.Indices[name])}
		if !strings.HasSuffix(req.URL.Path, "/_settings") {
			entry["aliases"], entry["mappings"] = map[string]any{}, map[string]any{}
		}
		out[name] = entry
	}
	w.json(http.StatusOK, out)
}

// indexSettings prints an index's settings as Elasticsearch does: values as strings, nested.
func indexSettings(name string, meta IndexMeta) map[string]any {
	index := nest(meta.Settings)
	for k, v := range map[string]any{
		"number_of_shards": itoa(meta.Shards), "number_of_replicas": itoa(meta.Replicas),
		"uuid": meta.UUID, "provided_name": name,
		"creation_date": strconv.FormatInt(meta.Created.UnixMilli(), 10),
		"version":       map[string]any{"created": meta.Version},
	} {
		index[k] = v
	}
	return map[string]any{"index": index}
}

// restPutIndexSettings is PUT /<index>/_settings: number_of_replicas and the dynamic settings of
// index_settings.go; any other setting is refused as static, and nothing changes.
func (n *Node) restPutIndexSettings(w *response, req *request) {
	var body map[string]any
	if err := req.body(&body); err != nil {
		w.error(err)
		return
	}
	flat := map[string]*string{}
	flattenSettings("", body, flat)
	// {"index": {…}}, {"settings": {"index": {…}}} and bare names mean the same settings.
	r := indexRequest{Index: req.param("index"), Settings: map[string]*string{}}
	for key, v := range flat {
		k := indexSettingKey(key)
		switch {
		case !dynamicIndexSetting(k):
			w.error(errType(400, "illegal_argument_exception", "Can't update non dynamic settings [[index.%s]] for open indices", k))
			return
		case k == "number_of_replicas":
			replicas, err := intSetting(map[string]*string{k: v}, k, 1, 0, 1<<20)
			if err != nil {
				w.error(err)
				return
			}
			r.Replicas = &replicas
		default:
			if err := checkIndexSetting(k, v); err != nil {
				w.error(err)
				return
			}
			r.Settings[k] = v
		}
	}
	if err := n.toMaster(req.Context(), "index_settings", r, nil); err != nil {
		w.error(err)
		return
	}
	w.json(http.StatusOK, map[string]any{"acknowledged": true})
}

func itoa(i int) string { return strconv.Itoa(i) }

func jsonString(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}
