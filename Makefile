# 政策助手 — the two commands a user needs are `make run` and `make test`.
# Everything else is a step they depend on; each step redoes work only when its inputs changed.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PY      := .venv/bin/python
BUILD   := build

# No network at run time: nothing may try a model hub or phone home.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

# Each area's mk/*.mk file adds its own steps to these lists.
SETUP_STEPS :=
TEST_SETUP_STEPS :=
TEST_STEPS  :=
BENCH_STEPS :=

.PHONY: help setup serve-setup test bench clean clean-cache
help:
	@echo "make run    set everything up and start the assistant (http://127.0.0.1:8000)"
	@echo "make test   set everything up and run all tests"
	@echo "make bench  print retrieval, rules, bot and gateway figures"

include $(sort $(wildcard mk/*.mk))

# What `make run` needs (serving and building environments, Rasa, the derived files); `setup`
# adds the testing environment (.venv) that the tests and the contract's commands use.
serve-setup: serve-env derived $(SETUP_STEPS)

setup: serve-setup env

# Two test processes (tests/conftest.py says which tests share one); TEST_WORKERS=0 runs them in one.
# The cluster tests come after, alone: they load two Rasa replicas on the machine's two cores.
TEST_WORKERS ?= 2
test: setup $(TEST_SETUP_STEPS)
	$(PY) -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup -m "not cluster" tests
	$(PY) -m pytest -q -p no:cacheprovider -m cluster tests
	@for step in $(TEST_STEPS); do $(MAKE) --no-print-directory $$step; done

bench: setup
	@for step in $(BENCH_STEPS); do $(MAKE) --no-print-directory $$step; done

clean:
	rm -rf $(BUILD) data results models

# The environments, models and indexes this machine's clones share (mk/cached).
clean-cache:
	@cache=$${POLICY_BUILD_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/zhengce-build}; \
	if [ "$$cache" != off ]; then rm -rf "$$cache"; fi
