# The actions environment (.venv): actions, retrieval, rules, gateway and tests.
# Rasa itself needs older numpy/pydantic/setuptools, so it lives in its own .venv-rasa (mk/rasa.mk).
.PHONY: env
env: .venv/.installed

# torch first and alone: the pinned CPU wheel is on this machine's local wheel path; any other
# order lets pip pull the CUDA build (several GB). rasa-sdk 3.6 declares Python <3.11 but runs on
# 3.11, so it goes in without its metadata checks, after its own requirements (in the lock).
.venv/.installed: requirements/actions.txt
	test -x .venv/bin/python || python3 -m venv .venv
	.venv/bin/pip install -q torch==2.13.0
	.venv/bin/pip install -q -r requirements/actions.txt
	.venv/bin/pip install -q --no-deps --ignore-requires-python rasa-sdk==3.6.2
	.venv/bin/pip check
	touch $@
