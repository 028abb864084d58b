# The gateway (web widget, hotline console, WeChat, JSON API) and `make run`, which starts the
# action server, Rasa and the gateway on 127.0.0.1 and stops all three on Ctrl-C.
.PHONY: run browser bench-gateway

SETUP_STEPS += browser
BENCH_STEPS += bench-gateway

run: setup
	@$(PY) -m gateway.run

# The browser tests drive Debian's Chromium (never a browser downloaded by a test tool) and
# need CJK fonts to render the pages; installed once, as root or through sudo.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  echo "installing Debian chromium and fonts-noto-cjk for the browser tests …"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

bench-gateway:
	@$(PY) -m bench.gateway
