# Redis: the gateway's shared rate limits and WeChat de-duplication when REDIS_URL is set
# (several gateway workers), and the tests of that backend, which start their own
# redis-server on a free port. Debian's package, installed once, as root (CI) or through
# sudo; without either, say so and go on: `make run` keeps everything in one process.
.PHONY: redis

SETUP_STEPS += redis

redis:
	@if [ -x /usr/bin/redis-server ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo=sudo; else \
	  echo "note: Debian redis-server missing and no root: the Redis tests will fail"; \
	  exit 0; fi; \
	echo "installing Debian redis-server for the shared gateway state and its tests …"; \
	$$sudo apt-get update -qq; \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq redis-server >/dev/null
