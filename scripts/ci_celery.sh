#!/usr/bin/env bash
# CI job (issue #16 item 5): the periodic jobs and the long work in a real Celery worker with
# beat against Redis (127.0.0.1:6379 unless REDIS_HOST/REDIS_PORT say otherwise).
#  * its own Redis database (CELERY_REDIS_DB, default 13) and a temporary key namespace
#    (sxci-<pid>-<random>:) for broker and results, deleted afterwards;
#  * a temporary SQLite database (or DATABASE_URL when set), migrated here and shared by the
#    worker, beat and the tests (tests/scaleout/test_celery.py);
#  * the tests kill the worker process running a task (the prefork pool's child) with
#    SIGKILL mid-task and expect the task to be redelivered (acks_late +
#    reject_on_worker_lost) and the ledger to record its export once; the worker itself
#    runs under a supervising loop that restarts it should it die, as systemd would;
#  * worker, beat and loop are stopped whatever happens (trap); nothing is left running.
# Usage: bash scripts/ci_celery.sh [pytest args, instead of tests/scaleout/test_celery.py]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
CELERY=.venv/bin/celery
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
REDIS_DB=${CELERY_REDIS_DB:-13}

WORK=$(mktemp -d /tmp/sanxiang-celery.XXXXXX)
PREFIX="sxci-$$-$($PY -c 'import secrets; print(secrets.token_hex(4))'):"
LOOP_PID=""
BEAT_PID=""

stop() {
  local status=$?
  # the loop sees the stop file and ends once the worker it waits for has ended (TERMing
  # the loop first would leave the worker to init, unreaped)
  touch "$WORK/stop"
  [ -n "$BEAT_PID" ] && kill -TERM "$BEAT_PID" 2>/dev/null || true
  if [ -f "$WORK/worker.pid" ]; then
    kill -TERM "$(cat "$WORK/worker.pid")" 2>/dev/null || true
  fi
  # warm shutdown: the worker joins its pool's children (up to 30 s before SIGKILL)
  for _ in $(seq 1 150); do
    alive=0
    for pid in $BEAT_PID $LOOP_PID; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ -f "$WORK/worker.pid" ] && kill -0 "$(cat "$WORK/worker.pid")" 2>/dev/null && alive=1
    [ "$alive" -eq 0 ] && break
    sleep 0.2
  done
  for pid in $BEAT_PID $LOOP_PID; do kill -KILL "$pid" 2>/dev/null || true; done
  if [ -f "$WORK/worker.pid" ]; then kill -KILL "$(cat "$WORK/worker.pid")" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  # the temporary namespace in Redis
  $PY - "$REDIS_HOST" "$REDIS_PORT" "$REDIS_DB" "$PREFIX" <<'PYEOF' || true
import sys
import redis

host, port, db, prefix = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
r = redis.Redis(host=host, port=port, db=db)
keys = list(r.scan_iter(match=prefix + "*", count=1000))
if keys:
    r.delete(*keys)
print(f"    redis db {db}: {len(keys)} keys of {prefix} removed")
PYEOF
  if [ "$status" -ne 0 ]; then
    for log in worker beat; do
      if [ -f "$WORK/$log.log" ]; then
        echo "---- celery $log log (last 40 lines) ----" >&2
        tail -n 40 "$WORK/$log.log" >&2 || true
      fi
    done
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

$PY - "$REDIS_HOST" "$REDIS_PORT" "$REDIS_DB" <<'PYEOF'
import sys
import redis

host, port, db = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
try:
    redis.Redis(host=host, port=port, db=db, socket_connect_timeout=3).ping()
except redis.RedisError as err:
    sys.exit(f"错误：无法连接 Redis {host}:{port}: {err}")
PYEOF

export DJANGO_SETTINGS_MODULE=tests.scaleout.celery_settings
export SANXIANG_CELERY_PREFIX="$PREFIX"
export CELERY_BROKER_URL="redis://${REDIS_HOST}:${REDIS_PORT}/${REDIS_DB}"
export CELERY_RESULT_BACKEND="$CELERY_BROKER_URL"
export SANXIANG_CELERY_WORKER_PIDFILE="$WORK/worker.pid"
export SANXIANG_VAR_DIR="$WORK/var"
export DATABASE_URL="${DATABASE_URL:-sqlite:///${WORK}/celery.sqlite3}"
mkdir -p "$SANXIANG_VAR_DIR"

echo "==> [${SECONDS}s] database ${DATABASE_URL%%:*}: migrate"
$PY manage.py migrate --noinput -v 0

echo "==> [${SECONDS}s] celery worker + beat on redis://${REDIS_HOST}:${REDIS_PORT}/${REDIS_DB} (prefix ${PREFIX})"
# the supervising loop: restarts the worker when it died (the tests kill it), until stop
(
  trap 'exit 0' TERM
  while [ ! -f "$WORK/stop" ]; do
    "$CELERY" -A sanxiang worker --pool=prefork --concurrency=1 --without-gossip --without-mingle \
      --include=tests.scaleout.celery_probe --hostname="sxci-$$@%h" \
      --pidfile="$WORK/worker.pid" --loglevel=INFO >>"$WORK/worker.log" 2>&1 &
    wait $! || true
    [ -f "$WORK/stop" ] || echo "---- worker exited; restarting" >>"$WORK/worker.log"
    sleep 0.5
  done
) 2>>"$WORK/worker.log" &
LOOP_PID=$!
"$CELERY" -A sanxiang beat --schedule="$WORK/beat-schedule" --pidfile="$WORK/beat.pid" \
  --loglevel=INFO >"$WORK/beat.log" 2>&1 &
BEAT_PID=$!

# ready = the worker answers a ping
$PY - <<'PYEOF'
import sys, time
import django

django.setup()
from sanxiang.celery import app

deadline = time.monotonic() + 90
while not app.control.ping(timeout=1.0):
    if time.monotonic() > deadline:
        sys.exit("celery worker not ready after 90 s")
print("    worker ready")
PYEOF

echo "==> [${SECONDS}s] tests against the worker"
[ "$#" -eq 0 ] && set -- tests/scaleout/test_celery.py
$PY -m pytest --ds=tests.scaleout.celery_settings -p no:randomly -q -rfs "$@"
