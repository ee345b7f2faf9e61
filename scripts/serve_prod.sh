#!/usr/bin/env bash
# `make serve-prod`: the platform in production mode under gunicorn (docs/deployment.md).
# Applies migrations, collects static files into STATIC_ROOT (served by WhiteNoise), then
# replaces itself with gunicorn, so that systemd's signals reach gunicorn directly
# (TERM: graceful stop, HUP: graceful reload of the workers).
#
#   SANXIANG_BIND     address to listen on: host:port (default 127.0.0.1:8000) or unix:/path
#   WEB_CONCURRENCY   worker processes (default 2 × CPUs + 1)
#   GUNICORN_TIMEOUT  seconds one request may take before its worker is replaced (default 120)
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

cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
workers=${WEB_CONCURRENCY:-$((2 * cpus + 1))}
if ! [[ "$workers" =~ ^[1-9][0-9]*$ ]]; then
  echo "错误：WEB_CONCURRENCY 应为正整数，而不是 '$workers'。(WEB_CONCURRENCY must be a positive integer)" >&2
  exit 1
fi
bind=${SANXIANG_BIND:-127.0.0.1:8000}
# gunicorn honours X-Forwarded-Proto from FORWARDED_ALLOW_IPS too: same switch as Django.
case "$(printf '%s' "${TRUST_PROXY_HEADERS:-0}" | tr '[:upper:]' '[:lower:]')" in
  1 | true | yes | on) allow=${FORWARDED_ALLOW_IPS:-127.0.0.1,::1} ;;
  *) allow="" ;;
esac

"$PY" manage.py migrate --noinput
"$PY" manage.py collectstatic --noinput
echo "==> gunicorn: $workers workers on $bind (SANXIANG_ENV=production)"
# --preload with SANXIANG_WSGI_WARM=1: the application, its URL configuration and the
# search segmenter's dictionary are loaded once in the master and shared by the forked
# workers (a worker that re-imported them spent about 2 s of CPU before its first answer);
# workers are recycled every ~10,000 requests, not 1,000 (bench/load_bench.py measured 15
# recycles a minute at 1,000, which doubled the CPU per request and gave a 1-2 s tail).
# With --preload, HUP reloads the workers but not new code: restart the service to deploy.
export SANXIANG_WSGI_WARM=1
exec "$PY" -m gunicorn sanxiang.wsgi:application \
  --preload \
  --bind "$bind" \
  --workers "$workers" \
  --timeout "${GUNICORN_TIMEOUT:-120}" \
  --graceful-timeout 30 \
  --max-requests 10000 --max-requests-jitter 1000 \
  --forwarded-allow-ips "$allow" \
  --no-control-socket \
  --access-logfile - \
  --error-logfile -
