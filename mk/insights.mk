# The staff page (/insights) draws its plots with ECharts, from the npm registry: pinned with
# its integrity hashes in gateway/npm/package-lock.json, installed with `npm ci` and copied into
# gateway/static/vendor/ (gitignored), so the page loads no script from elsewhere at run time.
# Without npm (and no root to install it) the page still works: tables and CSV, no plots.
ECHARTS := gateway/static/vendor/echarts/echarts.min.js

.PHONY: echarts
SETUP_STEPS += echarts

echarts: $(ECHARTS)

$(ECHARTS): gateway/npm/package.json gateway/npm/package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo=sudo; else \
	    echo "note: npm missing and no root: the staff page will show tables and CSV, no plots"; \
	    exit 0; fi; \
	  $$sudo apt-get install -y -qq npm >/dev/null \
	    || { $$sudo apt-get update -qq && $$sudo apt-get install -y -qq npm >/dev/null; }; \
	fi; \
	npm ci --prefix gateway/npm --no-audit --no-fund --ignore-scripts --loglevel=error; \
	mkdir -p $(@D); \
	cp gateway/npm/node_modules/echarts/dist/echarts.min.js gateway/npm/node_modules/echarts/LICENSE $(@D)/
