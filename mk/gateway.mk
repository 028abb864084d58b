# The gateway (web widget, hotline console, WeChat, JSON API) and `make run`, which starts the
# action server, Rasa and the gateway on 127.0.0.1 and stops all three on Ctrl-C.
.PHONY: run browser bench-gateway

TEST_SETUP_STEPS += browser
BENCH_STEPS += bench-gateway

run: serve-setup
	@$(SERVE_PY) -m gateway.run

# The browser tests drive Debian's Chromium (never a browser downloaded by a test tool) and
# need CJK fonts to render the pages; installed once, as root (CI) or through sudo. Without
# either, say so and go on: only the browser tests need it, not `make run`.
browser:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo=sudo; else \
	  echo "note: Debian chromium / fonts-noto-cjk missing and no root: browser tests will fail"; \
	  exit 0; fi; \
	echo "installing Debian chromium and fonts-noto-cjk for the browser tests …"; \
	$$sudo apt-get update -qq; \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium fonts-noto-cjk >/dev/null

bench-gateway:
	@$(PY) -m bench.gateway
