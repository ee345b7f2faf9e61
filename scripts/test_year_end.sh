#!/usr/bin/env bash
# The suite once more on SQLite with the machine's clock moved (libfaketime) to 28 December of
# the last year whose State Council holiday schedule the platform has built in: every deadline
# of the last days of the year then runs into a year computed provisionally. The date is
# computed here, not hard-coded, so the check moves on when chinese_calendar is upgraded.
# Usage: bash scripts/test_year_end.sh [pytest args]   (make test-year-end)
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if ! command -v faketime >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q faketime >/dev/null) \
      || { echo "错误：无法安装 faketime (could not install faketime)" >&2; exit 1; }
  else
    echo "错误：缺少 faketime。请运行：sudo apt-get install faketime (faketime is required)" >&2; exit 1
  fi
fi
last=$($PY -c "import chinese_calendar as c; print(max(d.year for d in c.holidays))")
when="${last}-12-28 10:00:00"
export SANXIANG_VAR_DIR=$(mktemp -d /tmp/sanxiang-yearend.XXXXXX)
export TZ=Asia/Shanghai
# FAKETIME_DONT_FAKE_MONOTONIC=1: with a faked monotonic clock, timed waits on locks and
# conditions (threads in the tests) block for the offset (weeks). The price (libfaketime
# 0.9.10): time.sleep() fails with EINVAL, so the one test that
# needs it (multi-process numbering) skips itself here and runs in make test.
echo "==> test suite on SQLite under faketime at ${when} (last built-in holiday schedule: ${last})"
FAKETIME_DONT_FAKE_MONOTONIC=1 DATABASE_URL="sqlite:///${SANXIANG_VAR_DIR}/test.sqlite3" \
  faketime -f "@${when}" $PY -c "import datetime; print('    clock reads', datetime.datetime.now())"
FAKETIME_DONT_FAKE_MONOTONIC=1 DATABASE_URL="sqlite:///${SANXIANG_VAR_DIR}/test.sqlite3" \
  faketime -f "@${when}" $PY -m pytest -q -n 2 "$@"
