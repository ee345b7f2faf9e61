#!/usr/bin/env bash
# Second half of `make run`: periodic jobs in the background, then the web server.
set -euo pipefail
umask 077 # var/ (database, keys, media, logs): private to this user
cd "$(dirname "$0")/.."
PORT=${PORT:-8000}
.venv/bin/python manage.py print_logins --url "http://127.0.0.1:${PORT}/"
# Periodic jobs of the embedded default (signed tree heads, deadline flags, fixity):
.venv/bin/python manage.py periodic --loop --interval 300 > var/periodic.log 2>&1 &
PERIODIC_PID=$!
trap 'kill $PERIODIC_PID 2>/dev/null || true' EXIT INT TERM
exec_status=0
.venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload || exec_status=$?
exit $exec_status
