#!/usr/bin/env bash
# `make serve-prod`: the platform in production mode under granian (docs/deployment.md).
# Applies migrations, collects static files into STATIC_ROOT (served by WhiteNoise), then
# replaces itself with granian, so that systemd's signals reach granian directly
# (TERM: graceful stop, HUP: the workers restart and load the code afresh).
#
# The server settings are in scripts/granian_conf.py (one worker process per CPU, each running
# the application in a few threads, HTTP/1.1 keep-alive, no access log: the reasons are there),
# each overridable here:
#   SANXIANG_BIND       address to listen on: host:port (default 127.0.0.1:8000) or unix:/path
#   WEB_CONCURRENCY     worker processes (default: one per CPU)
#   WEB_THREADS         application threads per worker (default 4)
#   WEB_HEADER_TIMEOUT  seconds an idle keep-alive connection stays open (default 60, at most 60)
#   WEB_MAX_RSS_MB      a worker above this memory is replaced gracefully (default 1024)
#   WEB_ACCESS_LOG=1    granian's access log on stdout/journal (default off; nginx logs every
#                       request)
#   TRUST_PROXY_HEADERS=1 with FORWARDED_ALLOW_IPS (default 127.0.0.1,::1): the TLS proxy
#                       whose X-Forwarded-Proto / X-Real-IP are believed (sanxiang/wsgi.py)
# Everything else comes from the environment as described in sanxiang/settings.py;
# production mode refuses to start when something required is missing or unsafe.
set -euo pipefail
umask 077 # database files, keys, media and logs: private to the service user
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  echo "错误：缺少 .venv，请先运行 bash scripts/setup_venv.sh。(no .venv: run scripts/setup_venv.sh first)" >&2
  exit 1
fi

mode=$(printf '%s' "${SANXIANG_ENV:-production}" | tr '[:upper:]' '[:lower:]' | tr -d '[:space:]')
if [ "$mode" != "production" ]; then
  echo "错误：serve_prod.sh 只以生产模式运行，但 SANXIANG_ENV=${SANXIANG_ENV}；开发环境请用 make run。" >&2
  echo "(serve_prod.sh runs production mode only; use make run for development)" >&2
  exit 1
fi
export SANXIANG_ENV=production

# the server settings first: a bad value is refused before anything is migrated
if ! args=$("$PY" scripts/granian_conf.py); then
  exit 1
fi
read -r workers threads bind < <("$PY" scripts/granian_conf.py --summary)

"$PY" manage.py migrate --noinput
"$PY" manage.py collectstatic --noinput
echo "==> granian: $workers workers × $threads threads on $bind (SANXIANG_ENV=production)"
# SANXIANG_WSGI_WARM=1: each worker loads the URL configuration and the search segmenter's
# dictionary when it starts, not in its first request (sanxiang/wsgi.py).
export SANXIANG_WSGI_WARM=1
mapfile -t argv <<<"$args"
exec "$PY" -m granian "${argv[@]}"
