# Python environments, one per role, each from its pinned list in requirements/:
#   .venv-serve  serving.txt (+ serving-nodeps.txt): the gateway and the action server. No
#                PyTorch, no test tools: all that `make run` installs besides Rasa's.
#   .venv-build  building.txt (serving + PyTorch, transformers, onnx): converts the embedding
#                model (embedding_build/) at setup.
#   .venv        testing.txt (building + pytest, Playwright, schemathesis): the tests and the
#                contract's commands (`.venv/bin/python -m retrieval search` …), `make test`.
# Rasa itself needs older numpy/pydantic/setuptools, so it lives in .venv-rasa (mk/rasa.mk).
# rasa-sdk 3.6 declares Python <3.11 but runs on 3.11: serving-nodeps.txt goes in without its
# metadata checks, after its own requirements (pinned in serving.txt).
SERVE_PY := .venv-serve/bin/python
BUILD_PY := .venv-build/bin/python

.PHONY: env serve-env build-env
env: .venv/.installed
serve-env: .venv-serve/.installed
build-env: .venv-build/.installed

# Each environment is built once per machine in the build cache (mk/cached), keyed by its
# lists, and linked here: a second clone, or a CI run on a fresh clone, links it in a second.
define make_venv
	mk/cached link $(1) $(patsubst .%,%,$(1)) $(filter requirements/%,$^) -- bash -c '\
	  python3 -m venv "$$OUT" && "$$OUT/bin/pip" install -q -r $(2) && \
	  "$$OUT/bin/pip" install -q --no-deps --ignore-requires-python -r requirements/serving-nodeps.txt && \
	  "$$OUT/bin/pip" check'
	touch $(1)/.installed
endef

.venv-serve/.installed: requirements/serving.txt requirements/serving-nodeps.txt
	$(call make_venv,.venv-serve,requirements/serving.txt)

.venv-build/.installed: requirements/building.txt requirements/serving.txt requirements/serving-nodeps.txt
	$(call make_venv,.venv-build,requirements/building.txt)

.venv/.installed: requirements/testing.txt requirements/building.txt requirements/serving.txt \
                  requirements/serving-nodeps.txt
	$(call make_venv,.venv,requirements/testing.txt)
