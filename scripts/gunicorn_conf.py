"""gunicorn settings of production mode (``scripts/serve_prod.sh``, docs/deployment.md).

Read by ``gunicorn -c scripts/gunicorn_conf.py sanxiang.wsgi:application``. Every value
can be overridden from the environment (the names below); the defaults are what
``bench/load_bench.py`` measured best on the 2-core reference machine.

* ``gthread`` workers, not ``sync``: a sync worker answers ``Connection: close`` and
  serves one request at a time, so every request costs a new TCP connection and a worker
  waiting on PostgreSQL or Redis holds its CPU idle. A gthread worker keeps connections
  open (``keepalive``; nginx reuses them with ``keepalive`` in its ``upstream`` block) and
  runs a few requests at once in threads, which overlap one request's database wait with
  another's Python work.
* Workers from the CPU count: one process per CPU (``WEB_CONCURRENCY``), ``GUNICORN_THREADS``
  threads each (default 4). Python holds one CPU per process at a time, so more processes
  than CPUs only add context switches and memory; the threads cover the waits.
* No access log by default: nginx writes one for every request already (docs/deployment.md
  §7); ``GUNICORN_ACCESS_LOG=-`` (stdout, i.e. the journal) or a path turns it on.
* ``preload_app`` with ``SANXIANG_WSGI_WARM=1`` (set by serve_prod.sh): the application,
  its URL configuration and the search segmenter's dictionary are loaded once in the
  master and shared by the forked workers; ``gc.freeze()`` before the fork moves those
  objects out of the garbage collector's reach, so no worker rescans (and copies, by
  touching reference counts) the shared dictionary in each full collection. With
  preloading, HUP restarts the workers but not the code: restart the service to deploy.
* Workers are recycled every ~10,000 requests (``--max-requests``), not 1,000 (the load
  bench measured 15 recycles a minute at 1,000, which doubled the CPU per request).
"""

from __future__ import annotations

import gc
import os

TRUTHY = {"1", "true", "yes", "on"}


def cpu_count() -> int:
    """CPUs this process may run on (the affinity mask, e.g. a systemd ``CPUAffinity=``),
    not merely the CPUs the machine has."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def positive_int(environ, name: str, default: int) -> int:
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a positive integer, not {raw!r}")
    return int(raw)


def default_workers(cpus: int) -> int:
    """One worker process per CPU."""
    return max(1, cpus)


def server_settings(environ=os.environ, cpus: int | None = None) -> dict:
    """The gunicorn settings for this environment (module-level names below)."""
    cpus = cpu_count() if cpus is None else cpus
    trust = (environ.get("TRUST_PROXY_HEADERS") or "0").strip().lower() in TRUTHY
    access_log = (environ.get("GUNICORN_ACCESS_LOG") or "").strip() or None
    return {
        "bind": [environ.get("SANXIANG_BIND") or "127.0.0.1:8000"],
        "worker_class": "gthread",
        "workers": positive_int(environ, "WEB_CONCURRENCY", default_workers(cpus)),
        "threads": positive_int(environ, "GUNICORN_THREADS", 4),
        # longer than nginx's upstream keepalive_timeout (60 s), so that nginx, not
        # gunicorn, closes an idle connection and never sends on a half-closed one
        "keepalive": positive_int(environ, "GUNICORN_KEEPALIVE", 75),
        "timeout": positive_int(environ, "GUNICORN_TIMEOUT", 120),
        "graceful_timeout": 30,
        "max_requests": 10000,
        "max_requests_jitter": 1000,
        "preload_app": True,
        # gunicorn honours X-Forwarded-Proto from these peers too: same switch as Django
        "forwarded_allow_ips": (environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1")
        if trust
        else "",
        "control_socket_disable": True,
        "accesslog": access_log,
        "errorlog": "-",
    }


globals().update(server_settings())


def pre_fork(server, worker):
    """Before each fork: what the master loaded stays out of the workers' collections."""
    gc.freeze()


if __name__ == "__main__":  # serve_prod.sh and smoke_prod.sh: "<workers> <threads>"
    print(workers, threads)  # noqa: F821  (set by globals().update above)
