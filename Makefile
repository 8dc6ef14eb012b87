# goalgraph: two commands on a fresh machine — `make demo` and `make test`. Both install what they need.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
OUT    ?= build

.PHONY: demo test install bench equality fuzz docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## The main job on the embedded default: read the Yantai document, build the graph, validate, report.
demo: $(STAMP)
	$(BIN)/goalgraph read data/raw/yantai-2022-performance-targets.txt
	$(BIN)/goalgraph build data/raw/yantai-2022-performance-targets.txt --out $(OUT)
	$(BIN)/goalgraph site --store $(OUT)/store --out $(OUT)/site
	@echo "open $(OUT)/site/index.html (site), $(OUT)/report.md (findings), $(OUT)/graph.ttl (graph)"

## The whole test suite (integration tests run when .ci/run has started the servers).
test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

## Issue #4: fast validation = unmodified pyshacl.validate on the seed replicated N times (time, peak RSS).
EQUALITY_ARGS ?= --copies 1 3 10 30 100 --reference-max 30
equality: $(STAMP)
	$(BIN)/python -m benchmarks.equality $(EQUALITY_ARGS)

fuzz: $(STAMP)
	$(BIN)/python -m pytest -q tests/fuzz --hypothesis-profile=fuzz $(PYTEST_ARGS)

## Ontology documentation as HTML (pyLODE, offline) into build/docs/ontology.html.
docs: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,docs]'
	mkdir -p $(OUT)/docs
	$(BIN)/pylode ontology/goalgraph.ttl -o $(OUT)/docs/ontology.html

clean:
	rm -rf $(OUT) .pytest_cache
