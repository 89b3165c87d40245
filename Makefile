# Navigator's one Makefile. `make help` lists the targets.
#
# Tools are pinned here and built from the Go module proxy into a cache outside the repository,
# keyed by version (NAVIGATOR_CACHE, default ~/.cache/navigator), then linked into ./bin. Nothing
# is assumed on the machine but Go.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

NAVIGATOR_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/navigator
export NAVIGATOR_CACHE

K8S_VERSION ?= v1.36.3
export K8S_VERSION

CONTROLLER_GEN_VERSION ?= v0.21.0
GOLANGCI_LINT_VERSION ?= v2.15.0
HELM_VERSION ?= v3.21.4

BIN := $(CURDIR)/bin
CONTROLLER_GEN := $(BIN)/controller-gen
GOLANGCI_LINT := $(BIN)/golangci-lint
HELM := $(BIN)/helm

# Images for the local cluster: built from this tree, loaded into its containerd, never pushed.
IMAGE_TAG ?= dev
IMAGE_REPO ?= navigator.local
IMAGES_DIR := $(CURDIR)/_output/images
CLUSTER := test/cluster/cluster.sh

CRD_DIR := config/crd/bases
CHART_DIR := deploy/charts/navigator

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  %-18s %s\n", $$1, $$2 } /^##@/ { printf "\n%s\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development

.PHONY: generate
generate: $(CONTROLLER_GEN) ## Generate deepcopy code, CRDs (config and chart) and RBAC from markers.
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./api/...
	rm -f $(CRD_DIR)/*.yaml
	$(CONTROLLER_GEN) crd paths=./api/... output:crd:artifacts:config=$(CRD_DIR)
	$(CONTROLLER_GEN) rbac:roleName=navigator-controller paths=./internal/... output:rbac:artifacts:config=config/rbac
	mkdir -p $(CHART_DIR)/crds && rm -f $(CHART_DIR)/crds/*.yaml && cp $(CRD_DIR)/*.yaml $(CHART_DIR)/crds/
	cp config/rbac/role.yaml $(CHART_DIR)/files/controller-role.yaml

.PHONY: fmt
fmt: $(GOLANGCI_LINT) ## Format the Go code.
	$(GOLANGCI_LINT) fmt

.PHONY: lint
lint: $(GOLANGCI_LINT) ## Run golangci-lint.
	$(GOLANGCI_LINT) run ./...

.PHONY: verify
verify: $(CONTROLLER_GEN) $(HELM) ## Fail if generated files or go.mod are stale, or lint finds anything.
	hack/verify.sh
	$(MAKE) lint
	$(HELM) lint --strict $(CHART_DIR)

.PHONY: build
build: ## Build Navigator's binaries (static) into ./_output/bin.
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o $(CURDIR)/_output/bin/ ./cmd/...

# Elasticsearch versions the simulator images stand in for: 7.17.x, two 8.x (the e2e upgrade
# walks 8.17 → 8.18 → 9.1) and 9.x.
ES_SIM_VERSIONS := 7.17.29 8.18.8 8.19.7 9.1.5
ES_HOME := /usr/share/elasticsearch

# OpenSearch versions the simulator answers as, for the end-to-end tier's OpenSearchCluster (real
# OpenSearch cannot run in a pod on these machines: docs/design/0011): the two patch releases of
# its rolling upgrade, as the real images below.
OS_SIM_VERSIONS := 2.19.5 2.19.6
OS_HOME := /usr/share/opensearch

# Cassandra versions the simulator images stand in for: 4.0.x, 4.1.x and 5.0.x.
CASS_SIM_VERSIONS := 4.0.17 4.1.10 5.0.5
CASSANDRA_HOME := /opt/cassandra

# Real Cassandra, built from Maven Central by test/real/cassandra/image.sh: two 5.0 patch
# releases, so that a real rolling upgrade can be tested (5.0.8 → 5.0.9).
CASS_REAL_VERSIONS := 5.0.8 5.0.9

# Real OpenSearch, built from Maven Central by test/real/opensearch/image.sh: the two newest 2.19
# patch releases whose modules all run on Java 17, so that a real rolling upgrade can be tested.
OS_REAL_VERSIONS := 2.19.5 2.19.6


# image NAME BINARY PATH-IN-IMAGE: a one-layer image of one static binary, run as a non-root user.
define image
	go run ./test/cluster/imagebuild -tag $(IMAGE_REPO)/$(1):$(IMAGE_TAG) -o $(IMAGES_DIR)/$(1).tar \
	  -user 65532:65532 -file _output/bin/$(2):$(3) -entrypoint $(3)
endef

.PHONY: images
images: build ## Build image tarballs (no Docker): navigator-controller, navigator-pilot, and test images.
	mkdir -p $(IMAGES_DIR)
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o $(CURDIR)/_output/bin/ \
	  ./test/cluster/netcheck ./test/pilot/testpilot ./test/pilot/testdb
	$(call image,navigator-controller,navigator-controller,/navigator-controller)
	# The pilot, with the Jolokia agent its init container puts beside it for the Cassandra engine.
	go run ./test/cluster/imagebuild -tag $(IMAGE_REPO)/navigator-pilot:$(IMAGE_TAG) -o $(IMAGES_DIR)/navigator-pilot.tar \
	  -user 65532:65532 -file _output/bin/navigator-pilot:/navigator-pilot \
	  -file "$$(hack/jolokia-agent.sh)":/agents/jolokia-jvm.jar:0644 -entrypoint /navigator-pilot
	$(call image,netcheck,netcheck,/netcheck)
	# The pilot with the test engine, installed like the real one, and the database it wraps.
	$(call image,testpilot,testpilot,/navigator-pilot)
	$(call image,testdb,testdb,/testdb)
	# The Elasticsearch simulator, one image per simulated version, laid out like the upstream
	# image (tagged with the version, as docker.elastic.co/elasticsearch/elasticsearch is).
	for v in $(ES_SIM_VERSIONS); do $(MAKE) --no-print-directory es-sim-image ES_SIM_VERSION=$$v || exit 1; done
	# The same simulator answering as OpenSearch, as opensearch-sim:<version>.
	for v in $(OS_SIM_VERSIONS); do $(MAKE) --no-print-directory os-sim-image OS_SIM_VERSION=$$v || exit 1; done
	# The Cassandra simulator, likewise, as cassandra-sim:<version>.
	for v in $(CASS_SIM_VERSIONS); do $(MAKE) --no-print-directory cass-sim-image CASS_SIM_VERSION=$$v || exit 1; done
	# Real Cassandra, laid out like the upstream image, tagged with the version as it is.
	for v in $(CASS_REAL_VERSIONS); do test/real/cassandra/image.sh image $$v $(IMAGE_REPO)/cassandra:$$v $(IMAGES_DIR)/cassandra-$$v.tar || exit 1; done
	# Real OpenSearch, laid out like opensearchproject/opensearch, tagged with the version.
	for v in $(OS_REAL_VERSIONS); do test/real/opensearch/image.sh image $$v $(IMAGE_REPO)/opensearch:$$v $(IMAGES_DIR)/opensearch-$$v.tar || exit 1; done

# The simulator at the real binary's path, its folders writable by group 0 as in the upstream
# image, running as uid 1000; the version is linked in.
.PHONY: es-sim-image
es-sim-image:
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$(ES_SIM_VERSION)" \
	  -o $(CURDIR)/_output/bin/elasticsearch-$(ES_SIM_VERSION) ./test/sim/elasticsearch/cmd/elasticsearch
	go run ./test/cluster/imagebuild -tag $(IMAGE_REPO)/elasticsearch:$(ES_SIM_VERSION) -o $(IMAGES_DIR)/elasticsearch-$(ES_SIM_VERSION).tar \
	  -user 1000:0 -file _output/bin/elasticsearch-$(ES_SIM_VERSION):$(ES_HOME)/bin/elasticsearch:0755 \
	  -dir $(ES_HOME)/config:0775 -dir $(ES_HOME)/data:0775 -dir $(ES_HOME)/logs:0775 \
	  -env ES_PATH_CONF=$(ES_HOME)/config -entrypoint $(ES_HOME)/bin/elasticsearch

# The simulator installed as bin/opensearch, which makes it answer as OpenSearch, laid out like
# opensearchproject/opensearch (and like the real images of test/real/opensearch/image.sh):
# /usr/share/opensearch, its folders writable by group 0, uid 1000; the version is linked in.
.PHONY: os-sim-image
os-sim-image:
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$(OS_SIM_VERSION)" \
	  -o $(CURDIR)/_output/bin/opensearch-sim-$(OS_SIM_VERSION) ./test/sim/elasticsearch/cmd/elasticsearch
	go run ./test/cluster/imagebuild -tag $(IMAGE_REPO)/opensearch-sim:$(OS_SIM_VERSION) -o $(IMAGES_DIR)/opensearch-sim-$(OS_SIM_VERSION).tar \
	  -user 1000:0 -workdir $(OS_HOME) -file _output/bin/opensearch-sim-$(OS_SIM_VERSION):$(OS_HOME)/bin/opensearch:0755 \
	  -dir $(OS_HOME)/config:0775 -dir $(OS_HOME)/data:0775 -dir $(OS_HOME)/logs:0775 \
	  -env OPENSEARCH_HOME=$(OS_HOME) -env PATH=$(OS_HOME)/bin:/usr/local/bin:/usr/bin:/bin \
	  -entrypoint $(OS_HOME)/bin/opensearch

# The simulator and its nodetool at the upstream image's paths (CASSANDRA_HOME /opt/cassandra,
# CASSANDRA_CONF /etc/cassandra, /opt/cassandra/bin on PATH), data under /var/lib/cassandra, the
# folders writable by group 0, running as the upstream image's cassandra uid 999; the version is
# linked into both binaries.
.PHONY: cass-sim-image
cass-sim-image:
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$(CASS_SIM_VERSION)" \
	  -o $(CURDIR)/_output/bin/cassandra-$(CASS_SIM_VERSION) ./test/sim/cassandra/cmd/cassandra
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$(CASS_SIM_VERSION)" \
	  -o $(CURDIR)/_output/bin/nodetool-$(CASS_SIM_VERSION) ./test/sim/cassandra/cmd/nodetool
	go run ./test/cluster/imagebuild -tag $(IMAGE_REPO)/cassandra-sim:$(CASS_SIM_VERSION) -o $(IMAGES_DIR)/cassandra-sim-$(CASS_SIM_VERSION).tar \
	  -user 999:0 -file _output/bin/cassandra-$(CASS_SIM_VERSION):$(CASSANDRA_HOME)/bin/cassandra:0755 \
	  -file _output/bin/nodetool-$(CASS_SIM_VERSION):$(CASSANDRA_HOME)/bin/nodetool:0755 \
	  -dir /etc/cassandra:0775 -dir /var/lib/cassandra:0775 \
	  -env CASSANDRA_HOME=$(CASSANDRA_HOME) -env CASSANDRA_CONF=/etc/cassandra \
	  -env PATH=$(CASSANDRA_HOME)/bin:/usr/local/bin:/usr/bin:/bin \
	  -entrypoint $(CASSANDRA_HOME)/bin/cassandra -entrypoint -f

##@ Local cluster

.PHONY: cluster-up
cluster-up: ## Start the local single-node Kubernetes (builds and caches what it needs; root).
	$(CLUSTER) up

.PHONY: cluster-down
cluster-down: ## Stop the local cluster and clean its mounts and network state.
	$(CLUSTER) down

.PHONY: load-images
load-images: images ## Build Navigator's images and load them into the local cluster.
	$(CLUSTER) load-image $(IMAGES_DIR)/*.tar

.PHONY: demo
demo: $(HELM) ## Bring up (or reuse) the local cluster and install Navigator with Helm.
	hack/demo.sh

.PHONY: demo-down
demo-down: ## Stop the demo's local cluster.
	$(CLUSTER) down

##@ Test

.PHONY: test
test: test-unit test-integration test-real test-e2e ## Run every test tier.
	@echo "make test: tiers run: unit, integration, real engines, e2e"

.PHONY: test-unit
test-unit: ## Unit tests: pure code, no API server; the failpoints and the pilot's survival of them also with their build tag.
	go test ./...
	go test -tags failpoints ./internal/failpoint/ ./internal/elasticsearch/pilot/

.PHONY: test-integration
test-integration: ## Integration tests on a real kube-apiserver and etcd (built and cached on first use).
	KUBEBUILDER_ASSETS="$$(hack/k8s-binaries.sh kube-apiserver etcd)" \
	  go test -tags integration -count=1 ./test/integration/...

.PHONY: test-flaky
test-flaky: ## Unit and integration tiers RUNS times in a row (default 30) with -race, one core kept busy.
	hack/test-flaky.sh

# The newest real release runs the conformance suite.
CASS_REAL_LATEST := $(lastword $(CASS_REAL_VERSIONS))

OS_REAL_LATEST := $(lastword $(OS_REAL_VERSIONS))

.PHONY: test-real
test-real: ## Real Cassandra 5.0 and OpenSearch 2.19 nodes as processes: the conformance suites the simulators also pass, and the pilot's OpenSearch engine.
	home=$$(test/real/cassandra/image.sh home $(CASS_REAL_LATEST)); java=$$(test/real/cassandra/image.sh java); \
	agent=$$(hack/jolokia-agent.sh); \
	NAVIGATOR_CASSANDRA_HOME=$$home NAVIGATOR_CASSANDRA_JAVA=$$java NAVIGATOR_JOLOKIA_AGENT=$$agent NAVIGATOR_REAL_REQUIRED=1 \
	  go test -count=1 -timeout 20m -run '^TestConformance.*/real$$' ./internal/cassandra/...
	# The Elasticsearch simulator held to real OpenSearch on the APIs the two engines share, and
	# the pilot's OpenSearch engine on real nodes.
	home=$$(test/real/opensearch/image.sh home $(OS_REAL_LATEST)); \
	NAVIGATOR_OPENSEARCH_HOME=$$home NAVIGATOR_REAL_REQUIRED=1 \
	  go test -count=1 -timeout 10m -run '^TestConformance$$/^real$$' ./test/sim/elasticsearch/conformance/ && \
	NAVIGATOR_OPENSEARCH_HOME=$$home NAVIGATOR_REAL_REQUIRED=1 \
	  go test -count=1 -timeout 10m -run '^TestOnRealOpenSearch$$' ./internal/opensearch/pilot/

.PHONY: test-e2e
test-e2e: $(HELM) ## End-to-end tests on $$KUBECONFIG, or on a local cluster brought up and torn down for the run.
	hack/e2e.sh

# make chaos: how long the schedule runs (empty: three steps with seed 1), and its seed (empty:
# the clock's, printed, so that a failing run can be repeated with CHAOS_SEED=…).
CHAOS_DURATION ?= 10m
CHAOS_SEED ?=
CHAOS_TESTS := TestAPIServerOutageDuringRollingUpgrade|TestCoreDNSDownDuringBootstrap|TestPartitionDuringScaleIn|TestChaosSchedule

.PHONY: chaos
chaos: $(HELM) ## The faults that need the cluster to themselves or time (API server down, DNS down, a pod cut off), then a seeded random schedule for CHAOS_DURATION.
	E2E_TAGS=e2e,failpoints,chaos E2E_CHAOS_DURATION=$(CHAOS_DURATION) E2E_CHAOS_SEED=$(CHAOS_SEED) \
	  E2E_TEST_ARGS='-run ^($(CHAOS_TESTS))$$ -v -timeout 3h' hack/e2e.sh

.PHONY: bench-e2e
bench-e2e: $(HELM) images ## Benchmarks on the local cluster: apply→Ready against its floor, writes of a settled cluster.
	E2E_TEST_ARGS='-run ^$$ -bench . -benchtime 3x' hack/e2e.sh

.PHONY: bench-e2e-real
bench-e2e-real: $(HELM) images ## The real-Cassandra benchmark alone: three real 5.0 nodes, apply→Ready against its floor.
	E2E_TEST_ARGS='-run ^$$ -bench RealCassandra -benchtime 3x' hack/e2e.sh

##@ Tools

$(CONTROLLER_GEN): Makefile
	hack/install-tool.sh $@ sigs.k8s.io/controller-tools/cmd/controller-gen $(CONTROLLER_GEN_VERSION)

$(GOLANGCI_LINT): Makefile
	hack/install-tool.sh $@ github.com/golangci/golangci-lint/v2/cmd/golangci-lint $(GOLANGCI_LINT_VERSION)

$(HELM): Makefile
	hack/install-tool.sh $@ helm.sh/helm/v3/cmd/helm $(HELM_VERSION)
