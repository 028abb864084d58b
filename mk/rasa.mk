# The Rasa assistant: its own environment (.venv-rasa), a trained model, its tests and bench.
# Rasa 3.6 declares Python <3.11 and pins numpy/pydantic/setuptools that the actions environment
# cannot share, so Rasa lives in .venv-rasa; the action server runs from .venv (rules, retrieval).
RASA       := .venv-rasa/bin/rasa
RASA_REQS  := requirements/rasa.lock.txt requirements/rasa-constraints.txt
RASA_MODEL := models/bot.tar.gz
# What a model is trained from: a change to any of these retrains, nothing else does.
RASA_TRAINING := config.yml domain.yml $(sort $(wildcard nlu/*.yml nlu/*/*.yml bot/*.yml)) \
                 $(wildcard knowledge/jieba/*)

.PHONY: rasa-env rasa-model rasa-test bench-bot
SETUP_STEPS += rasa-env rasa-model
TEST_STEPS  += rasa-test
BENCH_STEPS += bench-bot

rasa-env: .venv-rasa/.installed

# matplotlib 3.5 (a Rasa dependency) has no cp311 wheel: it is compiled against the system's
# freetype and qhull, told so through MPLSETUPCFG, or its build tries to download them.
$(BUILD)/mplsetup.cfg:
	@mkdir -p $(BUILD)
	printf '[libs]\nsystem_freetype = true\nsystem_qhull = true\n' > $@

.venv-rasa/.installed: $(RASA_REQS) $(BUILD)/mplsetup.cfg
	@if ! dpkg -s libqhull-dev libfreetype-dev pkg-config >/dev/null 2>&1; then \
	  apt-get install -y -q libqhull-dev libfreetype-dev pkg-config \
	  || { apt-get update -q && apt-get install -y -q libqhull-dev libfreetype-dev pkg-config; }; \
	fi
	mk/cached link .venv-rasa venv-rasa $^ -- bash -c '\
	  python3 -m venv "$$OUT" && MPLSETUPCFG=$(CURDIR)/$(BUILD)/mplsetup.cfg "$$OUT/bin/pip" install -q \
	    --ignore-requires-python -c requirements/rasa-constraints.txt \
	    -r requirements/rasa.lock.txt rasa==3.6.21 && "$$OUT/bin/pip" check'
	touch $@

rasa-model: $(RASA_MODEL)

# One model file, replaced in place, so `rasa run --model models` always serves this one.
# Kept in the build cache by the content of what it is trained from (and Rasa's own lists), so a
# fresh clone of an unchanged bot does not train again.
$(RASA_MODEL): $(RASA_TRAINING) .venv-rasa/.installed
	mk/cached copy $@ rasa-model $(RASA_TRAINING) $(RASA_REQS) -- \
	  $(RASA) train --data nlu bot --domain domain.yml --config config.yml \
	    --out models --fixed-model-name bot
	touch $@

# Data validation, then the end-to-end test stories: each user text goes through the trained
# NLU model and every bot action must be the one the policies predict. `rasa test` replays the
# stories' own events instead of running custom actions, so it needs no action server; the
# actions themselves are tested on real trackers (tests/test_actions*.py) and over REST
# against the running stack (tests/test_bot*.py).
rasa-test: $(RASA_MODEL)
	$(RASA) data validate --data nlu bot --domain domain.yml --config config.yml
	$(RASA) test core --stories tests/stories --model $(RASA_MODEL) \
	  --out $(BUILD)/rasa-test --fail-on-prediction-errors

bench-bot: $(RASA_MODEL)
	$(PY) -m bench.bot
