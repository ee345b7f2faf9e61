#!/usr/bin/env bash
# `make serve-prod`: the platform in production mode under gunicorn (docs/deployment.md).
# Applies migrations, collects static files into STATIC_ROOT (served by WhiteNoise), then
# replaces itself with gunicorn, so that systemd's signals reach gunicorn directly
# (TERM: graceful stop, HUP: graceful reload of the workers).
#
# The gunicorn settings are in scripts/gunicorn_conf.py (gthread workers with keep-alive,
# one process per CPU, no access log: the reasons are there), each overridable here:
#   SANXIANG_BIND     address to listen on: host:port (default 127.0.0.1:8000) or unix:/path
#   WEB_CONCURRENCY   worker processes (default: one per CPU)
#   GUNICORN_THREADS  threads per worker (default 4)
#   GUNICORN_KEEPALIVE seconds an idle keep-alive connection stays open (default 75)
#   GUNICORN_TIMEOUT  seconds a worker may stay silent before it is replaced (default 120)
#   GUNICORN_ACCESS_LOG  "-" (stdout/journal) or a path: gunicorn's access log (default off;
#                     nginx logs every request)
#   TRUST_PROXY_HEADERS=1 with FORWARDED_ALLOW_IPS (default 127.0.0.1,::1): the TLS proxy
#                     whose X-Forwarded-Proto / X-Real-IP are believed (sanxiang/settings.py)
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

for name in WEB_CONCURRENCY GUNICORN_THREADS GUNICORN_KEEPALIVE GUNICORN_TIMEOUT; do
  value=${!name:-1}
  if ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then
    echo "错误：$name 应为正整数，而不是 '$value'。($name must be a positive integer)" >&2
    exit 1
  fi
done

"$PY" manage.py migrate --noinput
"$PY" manage.py collectstatic --noinput
read -r workers threads < <("$PY" scripts/gunicorn_conf.py)
echo "==> gunicorn: $workers workers × $threads threads on ${SANXIANG_BIND:-127.0.0.1:8000} (SANXIANG_ENV=production)"
# SANXIANG_WSGI_WARM=1 with preload_app (gunicorn_conf.py): the application, its URL
# configuration and the search segmenter's dictionary are loaded once in the master and
# shared by the forked workers (a worker that re-imported them spent about 2 s of CPU
# before its first answer). HUP reloads the workers but not new code: restart to deploy.
export SANXIANG_WSGI_WARM=1
exec "$PY" -m gunicorn -c scripts/gunicorn_conf.py sanxiang.wsgi:application
