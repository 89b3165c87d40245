package jolokia

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"time"
)

// timeout bounds one request: the agent answers from the JVM's memory, so a slow answer is a
// node that does not answer.
const timeout = 10 * time.Second

// Client talks to one agent.
type Client struct {
	// URL is the agent's endpoint, such as http://127.0.0.1:8778/jolokia/.
	URL  string
	HTTP *http.Client
}

// New returns a client of the agent at url.
func New(url string) *Client {
	return &Client{URL: url, HTTP: &http.Client{Timeout: timeout}}
}

// Request is one read or exec request of a bulk request.
type Request struct {
	Type      string   `json:"type"`
	MBean     string   `json:"mbean"`
	Attribute []string `json:"attribute,omitempty"`
	Operation string   `json:"operation,omitempty"`
	Arguments []any    `json:"arguments,omitempty"`
}

// Read asks for attributes of an MBean; the value is an object of them.
func Read(mbean string, attributes ...string) Request {
	return Request{Type: "read", MBean: mbean, Attribute: attributes}
}

// Exec calls an operation (with its signature when it is overloaded, "getRack(java.lang.String)").
func Exec(mbean, operation string, args ...any) Request {
	return Request{Type: "exec", MBean: mbean, Operation: operation, Arguments: args}
}

// response is one answer of a bulk request.
type response struct {
	Value     json.RawMessage `json:"value"`
	Status    int             `json:"status"`
	Error     string          `json:"error"`
	ErrorType string          `json:"error_type"`
}

// Error is a request the agent answered with an error: the MBean or attribute is missing, the
// operation threw, or the policy refused it.
type Error struct {
	Request Request
	Status  int
	Type    string
	Message string
}

func (e *Error) Error() string {
	what := e.Request.Operation
	if e.Request.Type == "read" {
		what = fmt.Sprint(e.Request.Attribute)
	}
	return fmt.Sprintf("jolokia %s %s %s: %d %s", e.Request.Type, e.Request.MBean, what, e.Status, e.Message)
}

// Do sends the requests in one bulk request and decodes each value into the matching element of
// into (pointers; nil skips a value). The first request that failed is returned as an *Error.
func (c *Client) Do(ctx context.Context, reqs []Request, into ...any) error {
	failed, err := c.DoEach(ctx, reqs, into...)
	if err != nil {
		return err
	}
	for _, e := range failed {
		if e != nil {
			return e
		}
	}
	return nil
}

// DoEach is Do going on past the requests that failed: failed[i] is request i's *Error, or nil
// when its value was decoded. err is the bulk request's own failure.
func (c *Client) DoEach(ctx context.Context, reqs []Request, into ...any) (failed []error, err error) {
	if len(into) != len(reqs) {
		return nil, fmt.Errorf("jolokia: %d requests and %d values", len(reqs), len(into))
	}
	body, err := json.Marshal(reqs)
	if err != nil {
		return nil, err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Content-Type", "application/json")
	res, err := c.HTTP.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("jolokia: %w", err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("jolokia: reading the answer: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jolokia: %s: %.200s", res.Status, raw)
	}
	var answers []response
	if err := json.Unmarshal(raw, &answers); err != nil {
		return nil, fmt.Errorf("jolokia: the answer is no bulk response: %w", err)
	}
	if len(answers) != len(reqs) {
		return nil, fmt.Errorf("jolokia: %d answers to %d requests", len(answers), len(reqs))
	}
	failed = make([]error, len(reqs))
	for i, a := range answers {
		if a.Status != http.StatusOK {
			failed[i] = &Error{Request: reqs[i], Status: a.Status, Type: a.ErrorType, Message: a.Error}
			continue
		}
		if into[i] == nil {
			continue
		}
		if err := json.Unmarshal(a.Value, into[i]); err != nil {
			return nil, fmt.Errorf("jolokia: the value of %s %s: %w", reqs[i].MBean, reqs[i].Type, err)
		}
	}
	return failed, nil
}

// Gone reports whether err is the agent refusing connections. The JVM agent stops its HTTP
// server once no thread of the main thread group that is not a daemon is left
// (org.jolokia.jvmagent.CleanupThread): meant to let a finished program exit, it also happens in
// a Cassandra process that keeps running on threads of its own groups, such as a node whose
// bootstrap failed (JOINING_FAILED), whose main thread returned without starting the native
// transport. Cassandra's own JMX server still answers then.
func Gone(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
