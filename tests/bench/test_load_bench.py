"""The load bench's statistics and its wrk script (bench/load_bench.py).

The bench itself (two servers, 60 s each) is run by ``make bench``, never here; these tests
check what it reports: the parsing of wrk's result line, the error count (HTTP ≥ 400 is an
error, the two paths alternate) and the "met" rule (ratio ≥ 3, p95 < 300 ms, 0 errors).
No timing is asserted.
"""

import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.bench import bench_module

lb = bench_module("load_bench")


def result_line(**over):
    raw = {
        "requests": 30000,
        "duration_us": 60_000_000,
        "bytes": 1,
        "connect": 0,
        "read": 0,
        "write": 0,
        "status": 0,
        "timeout": 0,
        "p50_us": 80_000,
        "p95_us": 250_000,
        "p99_us": 400_000,
        "max_us": 900_000,
    }
    raw.update(over)
    import json

    return "Running 1m test\n" + lb.MARK + json.dumps(raw) + "\nmore text\n"


def test_parse_wrk_derives_rate_percentiles_and_every_kind_of_error():
    r = lb.parse_wrk(result_line(status=2, timeout=3, connect=1, read=4, write=5))
    assert r["requests"] == 30000
    assert r["rps"] == 500.0
    assert (r["p50_ms"], r["p95_ms"], r["p99_ms"], r["max_ms"]) == (80.0, 250.0, 400.0, 900.0)
    assert r["errors"] == 15


def test_parse_wrk_without_result_line_is_an_error():
    with pytest.raises(ValueError):
        lb.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def _rows(**prod_over):
    prod = lb.parse_wrk(result_line(**prod_over))
    dev = lb.parse_wrk(result_line(requests=9000, p95_us=2_000_000))  # 150 req/s
    return {
        r["benchmark"].rsplit("(", 1)[1].rstrip(")"): r for r in lb.make_rows(prod, dev, 50, 60, 5)
    }


def test_met_when_ratio_p95_and_errors_all_hold():
    rows = _rows()
    assert rows["throughput"]["ratio"] == pytest.approx(500 / 150)
    assert rows["throughput"]["met"] is True
    assert rows["p95"]["met"] is True and rows["errors"]["met"] is True
    assert rows["p95"]["ours"] == 250.0 and rows["p95"]["baseline"] == 2000.0
    assert rows["errors"]["ratio"] is None


@pytest.mark.parametrize(
    "over, failed",
    [
        ({"requests": 26000}, "throughput"),  # 433 req/s = 2.9× runserver
        ({"p95_us": 300_000}, "p95"),  # 300 ms is not under 300 ms
        ({"status": 1}, "errors"),  # one 5xx
        ({"timeout": 1}, "errors"),
        ({"requests": 0}, "errors"),  # nothing answered is not "0 errors"
    ],
)
def test_one_missed_target_fails_the_row(over, failed):
    rows = _rows(**over)
    assert rows["throughput"]["met"] is False
    assert rows[failed]["met"] is False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as wrk uses it

    def do_GET(self):
        ok = self.path.startswith("/ok")
        body = b"ok" if ok else b"broken"
        self.send_response(200 if ok else 500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk not installed (apt-get install wrk)")
@pytest.mark.skipif(
    "faketime" in os.environ.get("LD_PRELOAD", ""),
    reason="under libfaketime (scripts/test_year_end.sh) subprocess timeouts fail with EINVAL; "
    "the load tool's statistics do not depend on the date and run in make test",
)
def test_wrk_script_alternates_paths_and_counts_server_errors(tiny_server, tmp_path):
    wrk = shutil.which("wrk")
    good = lb.drive(wrk, tiny_server, ["/ok?q=1", "/ok/2/"], 2, 1, tmp_path)
    assert good["requests"] > 0 and good["errors"] == 0
    mixed = lb.drive(wrk, tiny_server, ["/ok", "/bad"], 1, 1, tmp_path)
    # one connection, strictly alternating: every second request is a 500
    assert mixed["requests"] > 0
    assert mixed["raw"]["status"] in (mixed["requests"] // 2, (mixed["requests"] + 1) // 2)
    assert mixed["errors"] == mixed["raw"]["status"]


def test_cpu_and_run_queue_rows_only_when_measured():
    prod = lb.parse_wrk(result_line())
    dev = lb.parse_wrk(result_line(requests=9000))
    assert len(lb.make_rows(prod, dev, 50, 60, 5)) == 5
    prod.update(cpu_ms=3.0, runq_ms=10.0)
    dev.update(cpu_ms=2.4, runq_ms=18.0)
    rows = lb.make_rows(prod, dev, 50, 60, 5)
    cpu, wait = rows[5], rows[6]
    assert (cpu["ours"], cpu["baseline"], cpu["ratio"]) == (3.0, 2.4, 2.4 / 3.0)
    assert (wait["ours"], wait["baseline"], wait["ratio"]) == (10.0, 18.0, None)
    assert "met" not in cpu and "met" not in wait


def test_group_usage_counts_this_process_group():
    import os

    cpu, wait = lb.group_usage(os.getpgrp())
    assert cpu > 0 and wait >= 0
    assert lb.group_usage(-1) == (0.0, 0.0)  # no such group
