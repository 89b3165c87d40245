package node

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// restHandler answers the REST API. Elasticsearch's routes do not fit net/http's pattern
// rules (an index name and an API name share the first path segment), so a small router
// matches segments in registration order: literals exactly, {index} only on names that do not
// start with an underscore, other {names} on anything.
func (n *Node) restHandler() http.Handler {
	r := &router{}
	n.rootRoutes(r)
	n.clusterRoutes(r)
	n.nodesRoutes(r)
	n.catRoutes(r)
	n.docRoutes(r)
	return r
}

type route struct {
	method string
	segs   []string
	fn     func(w *response, req *request)
}

type router struct{ routes []route }

// request is a REST request with its path parameters.
type request struct {
	*http.Request
	params map[string]string
}

func (r *request) param(name string) string { return r.params[name] }

// query returns a query-string parameter.
func (r *request) query(name string) string { return r.URL.Query().Get(name) }

// flag reads a boolean query parameter: present without a value means true.
func (r *request) flag(name string) bool {
	q := r.URL.Query()
	if !q.Has(name) {
		return false
	}
	v := q.Get(name)
	return v == "" || v == "true"
}

// duration reads a time value parameter ("30s", "1m", "500ms").
func (r *request) duration(name string, def time.Duration) (time.Duration, error) {
	v := r.query(name)
	if v == "" {
		return def, nil
	}
	d, err := parseTime(v)
	if err != nil {
		return 0, errType(400, "illegal_argument_exception", "failed to parse setting [%s] with value [%s] as a time value: unit is missing or unrecognized", name, v)
	}
	return d, nil
}

func (r *request) body(v any) error {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return errType(400, "x_content_parse_exception", "[1:1] failed to parse request body: %v", err)
	}
	return nil
}

func (rt *router) handle(method, path string, fn func(w *response, req *request)) {
	rt.routes = append(rt.routes, route{method: method, segs: split(path), fn: fn})
}

func split(path string) []string {
	path = strings.Trim(path, "/")
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

func (rt *router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	segs := split(req.URL.Path)
	resp := &response{w: w, pretty: req.URL.Query().Has("pretty"), head: req.Method == http.MethodHead}
	method := req.Method
	if method == http.MethodHead {
		method = http.MethodGet // HEAD answers as GET without a body
	}
	pathMatched := false
	for _, rt := range rt.routes {
		params, ok := match(rt.segs, segs)
		if !ok {
			continue
		}
		pathMatched = true
		if rt.method != method {
			continue
		}
		rt.fn(resp, &request{Request: req, params: params})
		return
	}
	if pathMatched {
		resp.error(errType(405, "method_not_allowed", "Incorrect HTTP method for uri [%s] and method [%s]", req.URL.RequestURI(), req.Method))
		return
	}
	resp.error(errType(400, "illegal_argument_exception", "request [%s] contains unrecognized path [%s]", req.Method, req.URL.Path))
}

func match(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range pattern {
		switch {
		case p == "{index}":
			if strings.HasPrefix(segs[i], "_") {
				return nil, false
			}
			params["index"] = segs[i]
		case strings.HasPrefix(p, "{"):
			params[strings.Trim(p, "{}")] = segs[i]
		case p != segs[i]:
			return nil, false
		}
	}
	return params, true
}

// response writes answers with the headers a real node sends: the official clients refuse a
// server without X-Elastic-Product.
type response struct {
	w      http.ResponseWriter
	pretty bool
	head   bool
}

func (r *response) json(status int, v any) {
	h := r.w.Header()
	h.Set("X-Elastic-Product", "Elasticsearch")
	h.Set("Content-Type", "application/json")
	var raw []byte
	if r.pretty {
		raw, _ = json.MarshalIndent(v, "", "  ")
	} else {
		raw, _ = json.Marshal(v)
	}
	raw = append(raw, '\n')
	r.w.WriteHeader(status)
	if !r.head {
		_, _ = r.w.Write(raw)
	}
}

func (r *response) text(status int, body string) {
	h := r.w.Header()
	h.Set("X-Elastic-Product", "Elasticsearch")
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	r.w.WriteHeader(status)
	if !r.head {
		_, _ = io.WriteString(r.w, body)
	}
}

// error answers in Elasticsearch's error format:
// {"error":{"root_cause":[…],"type":…,"reason":…},"status":…}.
func (r *response) error(err error) {
	te := &transportError{}
	if !errors.As(err, &te) {
		te = errType(500, "exception", "%v", err)
	}
	cause := map[string]any{"type": te.Type, "reason": te.Reason}
	if te.Index != "" {
		cause["index"], cause["index_uuid"], cause["resource.type"], cause["resource.id"] = te.Index, "_na_", "index_or_alias", te.Index
	}
	body := map[string]any{}
	for k, v := range cause {
		body[k] = v
	}
	body["root_cause"] = []any{cause}
	r.json(te.Status, map[string]any{"error": body, "status": te.Status})
}

// errIndex is an error about an index, which Elasticsearch names in the error body.
func errIndex(status int, typ, index, format string, args ...any) *transportError {
	te := errType(status, typ, format, args...)
	te.Index = index
	return te
}

func errIndexNotFound(index string) *transportError {
	return errIndex(404, "index_not_found_exception", index, "no such index [%s]", index)
}

// ctxFor bounds a request by a timeout.
func ctxFor(req *request, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(req.Context(), d)
}

// parseTime reads an Elasticsearch time value.
func parseTime(v string) (time.Duration, error) {
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"nanos", time.Nanosecond}, {"micros", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}, {"d", 24 * time.Hour}} {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			var f float64
			if err := json.Unmarshal([]byte(num), &f); err != nil {
				return 0, err
			}
			return time.Duration(f * float64(u.unit)), nil
		}
	}
	if v == "-1" || v == "0" {
		return 0, nil
	}
	return 0, errors.New("unit is missing or unrecognized")
}

// formatTime prints a duration as Elasticsearch's TimeValue does: in the largest whole unit.
func formatTime(d time.Duration) string {
	for _, u := range []struct {
		unit   time.Duration
		suffix string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if d >= u.unit && d%u.unit == 0 {
			return strconv.FormatInt(int64(d/u.unit), 10) + u.suffix
		}
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}
