# Cluster mode: PostgreSQL (tracker store), Redis (Rasa's lock store, the gateway's shared
# limits), two Rasa replicas, two gateway workers, one action server — all from Debian
# packages and this project's environments, no Docker (gateway/cluster.py). `make run` keeps
# its embedded defaults (SQLite, one of each).
.PHONY: cluster cluster-setup bench-cluster
SETUP_STEPS += cluster-setup
BENCH_STEPS += bench-cluster

cluster: setup cluster-setup
	@$(PY) -m gateway.cluster

# The Debian packages postgresql and redis-server (also for the tests of the gateway's Redis
# state, which start their own redis-server), installed once as root (CI) or through
# sudo. The servers themselves run from the project's data/cluster directory, never as the
# system's services.
cluster-setup:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v redis-server >/dev/null; \
	then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo=sudo; else \
	  echo "note: Debian postgresql / redis-server missing and no root: make cluster and its tests will fail"; \
	  exit 0; fi; \
	echo "installing Debian postgresql and redis-server for the cluster mode …"; \
	$$sudo apt-get update -qq; \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq postgresql redis-server >/dev/null; \
	for unit in postgresql redis-server; do $$sudo systemctl disable --now $$unit >/dev/null 2>&1 || true; done

bench-cluster: cluster-setup
	@$(PY) -m bench.cluster
