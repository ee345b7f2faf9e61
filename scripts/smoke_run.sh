#!/usr/bin/env bash
# CI smoke test of the README's first command: `make run` on a fresh var dir serves the
# zh-hans login page and, after logging in with a printed demo account, the workbench.
set -uo pipefail
cd "$(dirname "$0")/.."
export SANXIANG_VAR_DIR=$(mktemp -d /tmp/sanxiang-smoke.XXXXXX)
PORT=${SMOKE_PORT:-8765}
log=$SANXIANG_VAR_DIR/run.log
setsid make run PORT=$PORT > "$log" 2>&1 &
pid=$!
cleanup() { kill -- -$pid 2>/dev/null || kill $pid 2>/dev/null; }
trap cleanup EXIT
for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$PORT/accounts/login/" -o "$SANXIANG_VAR_DIR/login.html" 2>/dev/null; then break; fi
  if ! kill -0 $pid 2>/dev/null; then echo "make run exited early:"; cat "$log"; exit 1; fi
  sleep 1
done
grep -q "登录三项制度执法平台" "$SANXIANG_VAR_DIR/login.html" || { echo "login page not served"; cat "$log"; exit 1; }
grep -q "http://127.0.0.1:$PORT/" "$log" || { echo "URL not printed"; cat "$log"; exit 1; }
grep -q "scj_zf01" "$log" || { echo "demo logins not printed"; cat "$log"; exit 1; }
.venv/bin/python - "$PORT" <<'PY'
import re, sys, urllib.request, urllib.parse, http.cookiejar
base = f"http://127.0.0.1:{sys.argv[1]}"
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = opener.open(base + "/accounts/login/").read().decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
data = urllib.parse.urlencode({"username": "scj_zf01", "password": "Sanxiang@2026", "csrfmiddlewaretoken": token}).encode()
req = urllib.request.Request(base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"})
body = opener.open(req).read().decode()
assert "工作台" in body and "执法案件" in body, body[:500]
assert "青禾县市场监督管理局" in opener.open(base + "/org/agencies/").read().decode()
print("smoke: make run served the login page and the workbench as scj_zf01")
PY
