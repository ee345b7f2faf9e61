"""The production server's settings (scripts/granian_conf.py, issue #12).

What ``scripts/serve_prod.sh`` starts: granian's WSGI interface, one worker process per
CPU, a bounded number of application threads each, HTTP/1.1 keep-alive longer-lived than
nginx's upstream pool, no access log of its own. The arguments are parsed by granian's own
command line (click) so that a misspelt option or a value out of range fails here, not at
the first deployment. No timing is asserted: the figures come from ``bench/load_bench.py``.
"""

import gc
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from granian.cli import cli

ROOT = Path(__file__).resolve().parents[2]
PATH = ROOT / "scripts" / "granian_conf.py"


def load_conf():
    spec = importlib.util.spec_from_file_location("granian_conf_under_test", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conf = load_conf()


def parsed(environ, cpus=2):
    """The arguments as granian itself reads them."""
    return cli.make_context("granian", conf.server_args(environ, cpus=cpus)).params


def test_workers_are_one_per_cpu_with_bounded_threads_and_keep_alive():
    for cpus in (1, 2, 8):
        p = parsed({}, cpus=cpus)
        assert p["workers"] == cpus
        assert p["interface"].value == "wsgi"
        # granian's own default for WSGI is backpressure/2 = 256 threads per worker, each
        # able to hold a database connection
        assert p["blocking_threads"] == 4
        assert p["http"].value == "1" and p["websockets"] is False
        assert p["http1_keep_alive"] is True
        # an idle connection lives 60 s, longer than nginx's upstream keepalive_timeout 50 s
        assert p["http1_header_read_timeout"] == 60_000
        assert p["respawn_failed_workers"] is True
        assert p["workers_max_rss"] == 1024
        assert p["workers_kill_timeout"] == 30
        assert (p["host"], p["port"], p["uds"]) == ("127.0.0.1", 8000, None)
        assert p["app"] == "sanxiang.wsgi:application"


def test_nginx_closes_idle_connections_before_granian():
    guide = (ROOT / "docs" / "deployment.md").read_text()
    assert "keepalive_timeout 50s;" in guide
    assert parsed({})["http1_header_read_timeout"] > 50_000


def test_cpu_count_is_the_affinity_mask(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert conf.cpu_count() == 3
    assert conf.server_settings({})["workers"] == 3


def test_access_log_is_off_unless_asked_for():
    assert parsed({})["log_access_enabled"] is False
    assert parsed({"WEB_ACCESS_LOG": "1"})["log_access_enabled"] is True


def test_environment_overrides_and_refuses_nonsense():
    p = parsed(
        {
            "WEB_CONCURRENCY": "5",
            "WEB_THREADS": "8",
            "WEB_HEADER_TIMEOUT": "20",
            "WEB_MAX_RSS_MB": "512",
            "SANXIANG_BIND": "10.0.0.5:9000",
        }
    )
    assert (p["workers"], p["blocking_threads"], p["http1_header_read_timeout"]) == (5, 8, 20_000)
    assert (p["workers_max_rss"], p["host"], p["port"]) == (512, "10.0.0.5", 9000)
    unix = parsed({"SANXIANG_BIND": "unix:/run/sanxiang/web.sock"})
    assert unix["uds"] == Path("/run/sanxiang/web.sock")
    assert unix["uds_permissions"] == 0o660
    for bad in ("0", "-1", "two", "1.5"):
        with pytest.raises(ValueError, match="WEB_CONCURRENCY"):
            conf.server_settings({"WEB_CONCURRENCY": bad}, cpus=2)
    with pytest.raises(ValueError, match="WEB_HEADER_TIMEOUT"):
        conf.server_settings({"WEB_HEADER_TIMEOUT": "75"}, cpus=2)  # granian's maximum is 60
    for bind in ("localhost", ":8000", "127.0.0.1:http", "127.0.0.1:70000", "unix:web.sock"):
        with pytest.raises(ValueError, match="SANXIANG_BIND"):
            conf.server_args({"SANXIANG_BIND": bind}, cpus=2)


def test_gunicorn_settings_of_earlier_versions_are_refused_not_ignored():
    with pytest.raises(ValueError, match="GUNICORN_THREADS is no longer read.*WEB_THREADS"):
        conf.server_settings({"GUNICORN_THREADS": "8"}, cpus=2)


def test_command_line_prints_arguments_or_a_chinese_error():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEB_", "GUNICORN_"))}
    ok = subprocess.run(
        [sys.executable, str(PATH)], env=env, capture_output=True, text=True, check=True
    )
    assert ok.stdout.splitlines()[-1] == "sanxiang.wsgi:application"
    summary = subprocess.run(
        [sys.executable, str(PATH), "--summary"], env=env, capture_output=True, text=True
    )
    assert summary.stdout.split()[1:] == ["4", "127.0.0.1:8000"]
    bad = subprocess.run(
        [sys.executable, str(PATH)],
        env={**env, "WEB_THREADS": "many"},
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert "错误：服务器设置无效" in bad.stderr and "WEB_THREADS" in bad.stderr


def test_serve_prod_starts_granian_with_these_arguments():
    script = (ROOT / "scripts" / "serve_prod.sh").read_text()
    assert 'args=$("$PY" scripts/granian_conf.py)' in script
    assert 'exec "$PY" -m granian "${argv[@]}"' in script
    assert "SANXIANG_WSGI_WARM=1" in script


def test_warm_worker_freezes_what_it_loaded():
    """``SANXIANG_WSGI_WARM=1``: a worker loads the URL configuration and the segmenter
    when it starts and moves them out of the garbage collector's reach."""
    code = (
        "import gc; import sanxiang.wsgi; "
        "print(gc.get_freeze_count() > 100000, sanxiang.wsgi.application is not None)"
    )
    env = {**os.environ, "SANXIANG_WSGI_WARM": "1", "DJANGO_SETTINGS_MODULE": "sanxiang.settings"}
    env.pop("SANXIANG_ENV", None)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "True"]
    gc.collect()
