"""The production server's gunicorn settings (scripts/gunicorn_conf.py, issue #12).

What ``scripts/serve_prod.sh`` starts: gthread workers with keep-alive, one process per
CPU, no access log of its own, the preloaded application frozen out of the workers'
garbage collections. Checked against gunicorn's own settings so that a misspelt name
(which gunicorn would ignore in silence) fails here. No timing is asserted: the figures
come from ``bench/load_bench.py``.
"""

import gc
import importlib.util
import os
from pathlib import Path

import pytest
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]
PATH = ROOT / "scripts" / "gunicorn_conf.py"


def load_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conf = load_conf()


def test_workers_are_one_per_cpu_threaded_and_kept_alive():
    for cpus in (1, 2, 8):
        s = conf.server_settings({}, cpus=cpus)
        assert s["workers"] == cpus
        assert s["worker_class"] == "gthread"
        assert s["threads"] == 4
        assert s["keepalive"] == 75  # longer than nginx's upstream keepalive_timeout 60 s
        assert s["preload_app"] is True
        assert s["max_requests"] == 10000
        assert s["timeout"] == 120
        assert s["bind"] == ["127.0.0.1:8000"]


def test_cpu_count_is_the_affinity_mask(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert conf.cpu_count() == 3
    assert conf.server_settings({})["workers"] == 3


def test_access_log_is_off_unless_asked_for():
    assert conf.server_settings({}, cpus=2)["accesslog"] is None
    assert conf.server_settings({"GUNICORN_ACCESS_LOG": "-"}, cpus=2)["accesslog"] == "-"


def test_environment_overrides_and_refuses_nonsense():
    s = conf.server_settings(
        {
            "WEB_CONCURRENCY": "5",
            "GUNICORN_THREADS": "8",
            "GUNICORN_KEEPALIVE": "10",
            "GUNICORN_TIMEOUT": "30",
            "SANXIANG_BIND": "unix:/run/sanxiang.sock",
        },
        cpus=2,
    )
    assert (s["workers"], s["threads"], s["keepalive"], s["timeout"]) == (5, 8, 10, 30)
    assert s["bind"] == ["unix:/run/sanxiang.sock"]
    for bad in ("0", "-1", "two", "1.5"):
        with pytest.raises(ValueError, match="WEB_CONCURRENCY"):
            conf.server_settings({"WEB_CONCURRENCY": bad}, cpus=2)


def test_proxy_headers_are_believed_only_with_trust_proxy_headers():
    assert conf.server_settings({}, cpus=2)["forwarded_allow_ips"] == ""
    trusted = conf.server_settings({"TRUST_PROXY_HEADERS": "1"}, cpus=2)
    assert trusted["forwarded_allow_ips"] == "127.0.0.1,::1"
    own = conf.server_settings(
        {"TRUST_PROXY_HEADERS": "yes", "FORWARDED_ALLOW_IPS": "10.0.0.5"}, cpus=2
    )
    assert own["forwarded_allow_ips"] == "10.0.0.5"


def test_every_name_is_a_gunicorn_setting_with_a_valid_value():
    cfg = Config()
    for name, value in conf.server_settings({"TRUST_PROXY_HEADERS": "1"}, cpus=2).items():
        assert name in cfg.settings, f"{name} is not a gunicorn setting"
        cfg.set(name, value)  # runs gunicorn's validator
    assert cfg.worker_class_str == "gthread"
    assert cfg.workers == 2 and cfg.threads == 4 and cfg.keepalive == 75
    assert cfg.preload_app is True and cfg.control_socket_disable is True
    # the module-level names gunicorn reads are those of server_settings()
    for name, value in conf.server_settings().items():
        assert getattr(conf, name) == value


def test_pre_fork_freezes_what_the_master_loaded():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        conf.pre_fork(None, None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_serve_prod_starts_gunicorn_with_this_file():
    script = (ROOT / "scripts" / "serve_prod.sh").read_text()
    assert "-m gunicorn -c scripts/gunicorn_conf.py sanxiang.wsgi:application" in script
    assert "SANXIANG_WSGI_WARM=1" in script
