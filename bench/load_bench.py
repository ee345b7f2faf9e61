"""Load benchmark: the public portal under the production server vs ``runserver``.

``run(args)``:
1. makes a scratch var dir and a scratch PostgreSQL database ``sanxiang_bench_load``
   (at ``LOAD_BENCH_PG``, default postgres://postgres@127.0.0.1:5432/) and uses Redis db 14
   (``LOAD_BENCH_REDIS``, flushed before and after) as the shared cache, i.e. production
   mode exactly as ``scripts/smoke_prod.sh`` sets it up (``SANXIANG_ENV=production``, a
   random ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL``, ``CACHE_URL``,
   ``TRUST_PROXY_HEADERS=1``); migrates it and loads ``manage.py demo_data``;
2. picks the two URLs from the published snapshots: the public search
   ``/gs/jd/?q=<word of a published decision's title>`` and that decision's page
   ``/gs/jd/<publication id>/``, and checks that both answer 200 with the decision;
3. drives ``scripts/serve_prod.sh`` (granian as deployed: scripts/granian_conf.py, one
   worker process per CPU with 4 application threads and keep-alive, no access log) and
   then ``manage.py runserver --noreload`` (same settings, same database and cache: the
   baseline is the server alone) with ``wrk`` — 50 keep-alive connections for 60 s, the
   two URLs alternating, requests as nginx sends them (``Host``, ``X-Forwarded-Proto:
   https``, ``X-Real-IP``). One server runs at a time; wrk is a compiled, event-driven
   client on one thread, so it takes little of the CPU the servers need.

Rows: requests/s (target ≥ 3× runserver, and "met" only with p95 < 300 ms and 0 errors),
p50 / p95 / p99 latency in ms and errors (HTTP status ≥ 400, timeouts after
``LOAD_TIMEOUT`` s, socket errors) for both servers; then two rows that make the numbers
readable on a shared machine: server CPU per request (all processes of the server, from
/proc: what a request costs, nearly independent of other load) and run-queue wait per
request (/proc/<pid>/task/*/schedstat: how long runnable server threads waited for a CPU
that other programs held — when it is several times the CPU figure, the machine, not the
server, set the throughput and latency). The log line of each server also counts granian
worker starts (more than one per worker: a worker replaced during the run).

Reading the ratio: ``runserver`` is one process (threads under one GIL), so it uses at most
one core, and its HTTP handling (``wsgiref``, a thread per connection) is Python; granian's
workers use every core and handle HTTP in Rust. A page served from the cache costs the
application about 0.3 ms of CPU, so the server's own cost per request decides the ratio.

``wrk`` comes from Debian (``apt-get install wrk``); ``scripts/check_system.sh`` installs it
when called with ``WANT_WRK=1``, which this bench does when wrk is missing. Without wrk the
bench is reported as skipped.

Duration and clients: ``LOAD_SECONDS`` (default 60) and ``LOAD_CLIENTS`` (default 50),
``--quick`` = 10 s. The whole bench takes about 2.5 minutes at the defaults, and it shares
the machine's CPUs with whatever else runs: compare the ratio, not the absolute numbers.

    make bench BENCH_ARGS="--only load"
    LOAD_SECONDS=10 python bench/load_bench.py
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
PG_BASE = os.environ.get("LOAD_BENCH_PG", "postgres://postgres@127.0.0.1:5432/")
PG_DB = os.environ.get("LOAD_BENCH_DB", "sanxiang_bench_load")
REDIS_URL = os.environ.get("LOAD_BENCH_REDIS", "redis://127.0.0.1:6379/14")
HOST = "gs.bench.example.gov.cn"
MARK = "LOAD_RESULT="
URLS_MARK = "LOAD_URLS="
P95_TARGET_MS = 300.0
RATIO_TARGET = 3.0

# wrk script: the paths given after "--" alternate; done() prints one JSON line with the
# counts and the latency percentiles (microseconds) of the whole run.
WRK_LUA = r"""
local paths = {}
local i = 0
function init(args)
  for n, p in ipairs(args) do paths[n] = p end
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'LOAD_RESULT={"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""

# run inside the scratch production environment: the URLs to load
PICK_URLS = r"""
import json
from django.test import Client
from sanxiang.publicity.models import Snapshot
from sanxiang.publicity.search import public_q
public = Snapshot.objects.filter(public_q()).exclude(title="").order_by("-published_at", "-id")
# a penalty decision: its title names the violation, the words people search for
snap = public.filter(category="penalty").first() or public.first()
if snap is None:
    raise SystemExit("no published decision in the demo data")
print("LOAD_URLS=" + json.dumps({"publication": snap.publication_id, "title": snap.title},
                                ensure_ascii=False))
"""


# --- statistics (pure; tested in tests/bench/test_load_bench.py) -----------------------


def parse_wrk(stdout: str) -> dict:
    """The result line of WRK_LUA's done() as a dict with derived figures.

    ``errors`` counts every failed request: HTTP status ≥ 400 (wrk counts 4xx/5xx as
    ``status`` errors; 1xx-3xx are answers), timeouts, and connect/read/write errors.
    """
    for line in stdout.splitlines():
        if line.startswith(MARK):
            raw = json.loads(line[len(MARK) :])
            break
    else:
        raise ValueError("wrk printed no result line (LOAD_RESULT=...)")
    seconds = raw["duration_us"] / 1e6
    errors = raw["status"] + raw["timeout"] + raw["connect"] + raw["read"] + raw["write"]
    return {
        "requests": raw["requests"],
        "seconds": seconds,
        "rps": raw["requests"] / seconds if seconds > 0 else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": errors,
        "raw": raw,
    }


def _row(benchmark, size, ours, baseline, target, unit, higher_is_better=False):
    ratio = None
    if ours and baseline:
        ratio = ours / baseline if higher_is_better else baseline / ours
    return {
        "benchmark": benchmark,
        "size": size,
        "ours": ours,
        "baseline": baseline,
        "ratio": ratio,
        "target": target,
        "unit": unit,
    }


def make_rows(prod: dict, dev: dict, clients: int, seconds: int, workers) -> list[dict]:
    """Table rows for the production server (``prod``) against runserver (``dev``).

    The throughput row is "met" only when all three targets hold: ratio ≥ 3, p95 < 300 ms
    and no error at all; the p95 and error rows judge their own target.
    """
    size = f"{clients}c×{seconds}s"
    shape = workers if isinstance(workers, str) else f"{workers}w"
    name = f"load /gs search+decision: granian {shape} vs runserver"
    p95_ok = prod["p95_ms"] < P95_TARGET_MS
    no_errors = prod["errors"] == 0 and prod["requests"] > 0
    rps = _row(
        name + " (throughput)",
        size,
        prod["rps"],
        dev["rps"],
        f"≥{RATIO_TARGET:g}×, p95<{P95_TARGET_MS:g}ms, 0 err",
        "req/s",
        higher_is_better=True,
    )
    rps["met"] = bool(rps["ratio"] and rps["ratio"] >= RATIO_TARGET and p95_ok and no_errors)
    p50 = _row(name + " (p50)", size, prod["p50_ms"], dev["p50_ms"], "—", "ms")
    p95 = _row(name + " (p95)", size, prod["p95_ms"], dev["p95_ms"], "<300 ms", "ms")
    p95["met"] = p95_ok
    p99 = _row(name + " (p99)", size, prod["p99_ms"], dev["p99_ms"], "—", "ms")
    err = _row(name + " (errors)", size, prod["errors"], dev["errors"], "0", "requests")
    err["ratio"] = None  # a ratio of error counts means nothing
    err["met"] = no_errors
    rows = [rps, p50, p95, p99, err]
    if "cpu_ms" in prod and "cpu_ms" in dev:
        # robust to other load on the machine: what one request costs the server
        rows.append(
            _row(name + " (server CPU/request)", size, prod["cpu_ms"], dev["cpu_ms"], "—", "ms")
        )
        # how long runnable server threads waited for a CPU per request: other load
        wait = _row(
            name + " (run-queue wait/request)", size, prod["runq_ms"], dev["runq_ms"], "—", "ms"
        )
        wait["ratio"] = None
        rows.append(wait)
    return rows


# --- orchestration ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_admin(sql):
    import psycopg

    with psycopg.connect(PG_BASE.rstrip("/") + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _flush_redis():
    import redis

    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).flushdb()


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    env = dict(os.environ, WANT_WRK="1")
    subprocess.run(["bash", "scripts/check_system.sh"], cwd=ROOT, env=env, check=False)
    return shutil.which("wrk")


def production_env(tmp: Path) -> dict:
    env = dict(os.environ)
    for name in (
        "DEBUG",
        "WEB_CONCURRENCY",
        "MEDIA_ROOT",
        "STORAGE_URL",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "FORWARDED_ALLOW_IPS",
        "CELERY_BROKER_URL",  # unset: tasks run in-process, nothing waits in a queue
    ):
        env.pop(name, None)
    env.update(
        {
            "SANXIANG_ENV": "production",
            "SANXIANG_VAR_DIR": str(tmp / "var"),
            "STATIC_ROOT": str(tmp / "static"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": PG_BASE.rstrip("/") + "/" + PG_DB,
            "CACHE_URL": REDIS_URL,
            "TRUST_PROXY_HEADERS": "1",
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "ERROR",
        }
    )
    return env


def _manage(env, *argv, capture=False):
    done = subprocess.run(
        [PY, "manage.py", *argv], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(argv)} failed:\n{done.stderr[-3000:]}")
    return done.stdout if capture else None


def prepare(env) -> tuple[list[str], dict]:
    """Migrate + demo data; the search URL and the decision URL to load."""
    _manage(env, "migrate", "--noinput", "-v", "0")
    # the demo renders public pages in-process (网上巡查's page check), which in production
    # mode needs the collected static manifest
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    _manage(env, "demo_data")
    out = _manage(env, "shell", "-c", PICK_URLS, capture=True)
    picked = next(
        json.loads(line[len(URLS_MARK) :])
        for line in out.splitlines()
        if line.startswith(URLS_MARK)
    )
    # a word a visitor would type: the first run of Chinese characters of the title
    term = (re.findall(r"[\u4e00-\u9fff]{2,}", picked["title"]) or [picked["title"]])[0][:4]
    search = "/gs/jd/?" + urllib.parse.urlencode({"q": term})
    return [search, f"/gs/jd/{picked['publication']}/"], picked


def _headers():
    return {"Host": HOST, "X-Forwarded-Proto": "https", "X-Real-IP": "203.0.113.7"}


def _get(port, path, timeout=10):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=_headers())
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_up(port, proc, log: Path, seconds=300):
    for _ in range(seconds * 4):
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()[-3000:]}")
        try:
            _get(port, "/gs/", timeout=5)
            return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"server did not answer within {seconds} s:\n{log.read_text()[-3000:]}")


def check_urls(port, paths, title):
    for path in paths:
        status, body = _get(port, path)
        if status != 200 or title not in body:
            raise RuntimeError(f"{path}: HTTP {status}, decision title present: {title in body}")


def stop(proc):
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def group_usage(pgid: int) -> tuple[float, float]:
    """(CPU seconds, run-queue wait seconds) of every process in the server's group.

    CPU includes reaped children (a worker replaced after --max-requests is counted by
    the master); the run-queue wait (/proc/<pid>/task/<tid>/schedstat) is the time a
    runnable server thread waited for a CPU, i.e. how much other load took from it.
    """
    tick = os.sysconf("SC_CLK_TCK")
    cpu = wait = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:
                continue
            cpu += sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
            for tid in os.listdir(f"/proc/{pid}/task"):
                wait += int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return cpu, wait / 1e9


def drive(wrk, port, paths, clients, seconds, tmp: Path) -> dict:
    script = tmp / "load.lua"
    script.write_text(WRK_LUA)
    timeout = os.environ.get("LOAD_TIMEOUT", "5")
    cmd = [wrk, "-t1", f"-c{clients}", f"-d{seconds}s", f"--timeout={timeout}s", "-s", str(script)]
    for k, v in _headers().items():
        cmd += ["-H", f"{k}: {v}"]
    cmd += [f"http://127.0.0.1:{port}/", "--", *paths]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode:
        raise RuntimeError(f"wrk failed: {done.stderr[-2000:]}")
    return parse_wrk(done.stdout)


def measure(server, env, wrk, paths, title, clients, seconds, tmp: Path) -> dict:
    port = free_port()
    log = tmp / f"{server}.log"
    if server == "granian":
        cmd = ["bash", "scripts/serve_prod.sh"]
        run_env = dict(env, SANXIANG_BIND=f"127.0.0.1:{port}")
    else:
        cmd = [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        run_env = env
    proc = None
    with open(log, "w") as fh:
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=run_env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            wait_up(port, proc, log)
            check_urls(port, paths, title)
            for path in paths * 5:  # warm: imports, templates, the page cache
                _get(port, path)
            cpu0, wait0 = group_usage(proc.pid)
            result = drive(wrk, port, paths, clients, seconds, tmp)
            cpu1, wait1 = group_usage(proc.pid)
        finally:
            stop(proc)
    done = max(1, result["requests"])
    result["cpu_ms"] = 1000 * (cpu1 - cpu0) / done
    result["runq_ms"] = 1000 * (wait1 - wait0) / done
    result["boots"] = log.read_text().count("Spawning worker")
    print(
        f"    {server}: {result['requests']} requests in {result['seconds']:.1f} s = "
        f"{result['rps']:.1f}/s, p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, errors {result['errors']}; server CPU "
        f"{result['cpu_ms']:.2f} ms/request, run-queue wait {result['runq_ms']:.2f} ms/request, "
        f"worker starts {result['boots']}; wrk {result['raw']}",
        flush=True,
    )
    return result


def server_shape() -> str:
    """``<workers>w×<threads>t`` as scripts/granian_conf.py sizes granian here."""
    done = subprocess.run(
        [PY, "scripts/granian_conf.py", "--summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    workers, threads, _bind = done.stdout.split()
    return f"{workers}w×{threads}t"


def settings_from(args):
    quick = bool(getattr(args, "quick", False))
    seconds = int(os.environ.get("LOAD_SECONDS") or (10 if quick else 60))
    clients = int(os.environ.get("LOAD_CLIENTS") or 50)
    if seconds < 1 or clients < 1:
        raise ValueError("LOAD_SECONDS and LOAD_CLIENTS must be positive integers")
    return seconds, clients


def run(args) -> list[dict]:
    seconds, clients = settings_from(args)
    wrk = ensure_wrk()
    if wrk is None:
        print("load bench skipped: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return []
    workers = server_shape()
    tmp = Path(tempfile.mkdtemp(prefix="load-bench-"))
    try:
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{PG_DB}"')
        _flush_redis()
    except Exception as exc:  # no PostgreSQL or Redis here: report, keep the other benches
        print(f"load bench skipped: PostgreSQL/Redis not reachable: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
        return []
    try:
        env = production_env(tmp)
        t = time.perf_counter()
        paths, picked = prepare(env)
        print(f"    demo data in {time.perf_counter() - t:.1f} s; loading {paths}", flush=True)
        title = picked["title"]
        prod = measure("granian", env, wrk, paths, title, clients, seconds, tmp)
        _flush_redis()  # the baseline starts from the same cold cache
        dev = measure("runserver", env, wrk, paths, title, clients, seconds, tmp)
        return make_rows(prod, dev, clients, seconds, workers)
    finally:
        try:
            _pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            _flush_redis()
        except Exception as exc:
            print(f"load bench cleanup: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10 s per server")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "bench"))
    from run import print_table

    print_table(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
