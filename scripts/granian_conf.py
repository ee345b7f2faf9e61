"""granian settings of production mode (``scripts/serve_prod.sh``, docs/deployment.md).

``python scripts/granian_conf.py`` prints granian's command-line arguments, one per line,
for serve_prod.sh; ``--summary`` prints "<workers> <threads> <bind>". Every value can be
overridden from the environment (the names below); the defaults are what
``bench/load_bench.py`` measured best on the 2-core reference machine.

* granian, not gunicorn (issue #12, docs/architecture.md): its HTTP/1.1 server (keep-alive,
  parsing, the connection loop) is Rust, so a request served from the cache costs the
  Python side only the application. Measured with ``bench/load_bench.py`` on the same
  machine and settings: gunicorn's gthread workers (pure-Python HTTP) reached 1.3× the
  throughput of ``runserver``, granian 3–4×.
* Workers from the CPU count: one process per CPU (``WEB_CONCURRENCY``), each running the
  WSGI application in ``WEB_THREADS`` threads (default 4; granian's own default would be
  hundreds, each able to hold a database connection). Python holds one CPU per process at a
  time, so more processes than CPUs only add switches and memory; the threads cover the
  waits on PostgreSQL and Redis, and a slow request (a PDF, a seal) holds one thread.
  Fewer threads measured faster on cached pages (less contention for the interpreter
  lock) but leave less room for slow requests; 4 is what gunicorn ran too.
* HTTP/1.1 only (nginx speaks HTTP/1.1 to its upstream), no WebSockets (none are served).
* Keep-alive is on; granian closes a connection that sends no request headers for
  ``WEB_HEADER_TIMEOUT`` seconds (default 60, its maximum), which is longer than nginx's
  upstream ``keepalive_timeout`` (50 s, docs/deployment.md), so nginx, not granian, closes
  an idle connection and never sends on a half-closed one.
* A worker that exits unexpectedly is started again (``--respawn-failed-workers``); a
  worker above ``WEB_MAX_RSS_MB`` (default 1024 MiB) is replaced gracefully, which takes the
  place of gunicorn's recycling every N requests. ``TERM`` stops gracefully (workers that
  do not finish within 30 s are killed), ``HUP`` restarts the workers, which load the code
  afresh (the main process never imports the application).
* No access log by default: nginx writes one for every request already (docs/deployment.md
  §7); ``WEB_ACCESS_LOG=1`` turns granian's on (stdout, i.e. the journal).
* ``TRUST_PROXY_HEADERS`` / ``FORWARDED_ALLOW_IPS`` are applied by the application itself
  (``sanxiang/wsgi.py``), whichever server runs it.
"""

from __future__ import annotations

import os
import sys

TRUTHY = {"1", "true", "yes", "on"}
RENAMED = {
    "GUNICORN_THREADS": "WEB_THREADS",
    "GUNICORN_ACCESS_LOG": "WEB_ACCESS_LOG",
    "GUNICORN_KEEPALIVE": "WEB_HEADER_TIMEOUT",
    "GUNICORN_TIMEOUT": "nginx 的 proxy_read_timeout",
}


def cpu_count() -> int:
    """CPUs this process may run on (the affinity mask, e.g. a systemd ``CPUAffinity=``),
    not merely the CPUs the machine has."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def positive_int(environ, name: str, default: int, maximum: int | None = None) -> int:
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        limit = f" not above {maximum}" if maximum is not None else ""
        raise ValueError(f"{name} must be a positive integer{limit}, not {raw!r}")
    return int(raw)


def bind_args(bind: str) -> list[str]:
    """``host:port``, ``[v6]:port`` or ``unix:/path`` as granian's arguments."""
    if bind.startswith("unix:"):
        path = bind[len("unix:") :]
        if not path.startswith("/"):
            raise ValueError(f"SANXIANG_BIND unix socket must be an absolute path, not {bind!r}")
        return ["--uds", path, "--uds-permissions", "0o660"]
    host, sep, port = bind.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"SANXIANG_BIND must be host:port or unix:/path, not {bind!r}")
    return ["--host", host, "--port", port]


def server_settings(environ=os.environ, cpus: int | None = None) -> dict:
    """The settings for this environment (tests/core/test_production_server.py)."""
    for old, new in RENAMED.items():
        if environ.get(old):
            raise ValueError(f"{old} is no longer read (the server is granian): use {new}")
    cpus = cpu_count() if cpus is None else cpus
    return {
        "bind": (environ.get("SANXIANG_BIND") or "127.0.0.1:8000").strip(),
        "workers": positive_int(environ, "WEB_CONCURRENCY", cpus),
        "threads": positive_int(environ, "WEB_THREADS", 4),
        "header_timeout": positive_int(environ, "WEB_HEADER_TIMEOUT", 60, maximum=60),
        "max_rss_mb": positive_int(environ, "WEB_MAX_RSS_MB", 1024),
        "access_log": (environ.get("WEB_ACCESS_LOG") or "").strip().lower() in TRUTHY,
    }


def server_args(environ=os.environ, cpus: int | None = None) -> list[str]:
    """granian's arguments (after ``granian``), the application last."""
    s = server_settings(environ, cpus)
    return [
        "--interface",
        "wsgi",
        "--http",
        "1",
        "--no-ws",
        *bind_args(s["bind"]),
        "--workers",
        str(s["workers"]),
        "--blocking-threads",
        str(s["threads"]),
        "--http1-keep-alive",
        "--http1-header-read-timeout",
        str(s["header_timeout"] * 1000),
        "--respawn-failed-workers",
        "--workers-max-rss",
        str(s["max_rss_mb"]),
        "--workers-kill-timeout",
        "30",
        "--access-log" if s["access_log"] else "--no-access-log",
        "--log-level",
        "info",
        "sanxiang.wsgi:application",
    ]


def main(argv: list[str]) -> int:
    try:
        if argv[1:] == ["--summary"]:
            s = server_settings()
            print(s["workers"], s["threads"], s["bind"])
        else:
            print("\n".join(server_args()))
    except ValueError as exc:
        print(f"错误：服务器设置无效：{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
