"""Records benchmark: upload a large file through the real HTTP endpoint (tus PATCH).

``run(args)``:
1. makes a scratch ``SANXIANG_VAR_DIR`` (SQLite database, media, uploads) in a temp dir and
   migrates it; creates an agency, a handler with an officer, a case and an API token
   through the real services;
2. starts ``manage.py runserver --noreload`` on a free 127.0.0.1 port;
3. generates a file of ``--upload-mb`` MB (default 2048; an MP4 'ftyp' head followed by
   pseudo-random blocks) and times ``openssl dgst -sha256`` on it (the baseline: hashing
   alone, the floor for any ingest that must hash);
4. uploads it with the tus protocol in 256 MB PATCH requests (``socket.sendfile``), timing
   create → last byte → recording registered, while sampling the server's RSS from
   /proc/<pid>/status;
5. checks the server's SHA-256 equals openssl's, removes everything.

Rows: upload throughput vs openssl (target ≥ 0.5×), the same vs ``dd bs=4M`` copying the file on
the same filesystem (the disk-write limit: on machines whose page-cache writes are slower than
SHA-256, e.g. ~210 MB/s virtio disks vs ~700-900 MB/s SHA-NI hashing, storing the bytes is the
bound, not hashing), and server RSS growth (target < 100 MB).

    python bench/records_bench.py --upload-mb 512
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PATCH_BYTES = 256 * 1024 * 1024

SETUP = r"""
import datetime as dt, json
from sanxiang.apitokens.services import create_token
from sanxiang.core.fields import CaseActType, EnforcementField
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyLevel, Officer, Role
from sanxiang.cases import services as cases
from sanxiang.cases.models import CaseSource
agency = org.create_agency(name="基准测试市场监督管理局", short_name="基准局", level=AgencyLevel.COUNTY,
    usci=make_usci("11", "339999", "MB1BENCH1"), region="基准县", fields=[EnforcementField.MARKET])
user = org.create_user(username="bench_handler", password="Bench-pass-2026", role=Role.HANDLER,
    agency=agency, full_name="基准承办人")
head = org.create_user(username="bench_head", password="Bench-pass-2026", role=Role.HEAD,
    agency=agency, full_name="基准局长")
officer = Officer.objects.create(agency=agency, user=user, name="基准承办人")
org.issue_certificate(officer=officer, number="BENCH-0001", fields=[EnforcementField.MARKET],
    region="基准县", issued_on=dt.date(2024, 1, 1), expires_on=dt.date(2029, 12, 31))
case = cases.open_case(agency=agency, actor=user, act_type=CaseActType.INSPECTION,
    title="基准测试检查", source=CaseSource.PATROL)
case = cases.approve_opening(case, head)
token, secret = create_token(user, name="bench")
print("BENCH_SETUP=" + json.dumps({"case": case.pk, "officer": officer.pk, "token": secret}))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid, field="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def make_file(path: Path, size: int):
    block = os.urandom(64 * 1024 * 1024)
    head = (24).to_bytes(4, "big") + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2"
    head += (size - 24).to_bytes(4, "big") if size - 24 < 2**32 else (1).to_bytes(4, "big")
    head += b"mdat"
    with open(path, "wb") as fh:
        fh.write(head)
        written = len(head)
        i = 0
        while written < size:
            n = min(len(block), size - written)
            # vary each block so the content is not one repeated pattern
            fh.write(bytes([i & 0xFF]) + block[1:n] if n > 1 else block[:n])
            written += n
            i += 1


def meta(d):
    return ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in d.items())


def upload(port, token, path: Path, case_id, officer_id):
    size = path.stat().st_size
    now = dt.datetime.now(dt.UTC)
    labels = {
        "case": case_id,
        "activity": "on_site_inspection",
        "recorded_start": (now - dt.timedelta(hours=1)).isoformat(),
        "recorded_end": now.isoformat(),
        "place": "基准测试现场",
        "collector": officer_id,
        "proves": "基准测试",
        "filename": "bench.mp4",
        "kind": "video",
        "interruptions": "[]",
    }
    auth = {"Authorization": f"Token {token}", "Tus-Resumable": "1.0.0"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request(
        "POST",
        "/api/records/uploads/",
        headers={**auth, "Upload-Length": str(size), "Upload-Metadata": meta(labels)},
    )
    resp = conn.getresponse()
    resp.read()
    if resp.status != 201:
        raise RuntimeError(f"create failed: {resp.status}")
    location = resp.getheader("Location")
    url = location.split(f":{port}", 1)[-1]
    conn.close()
    offset = 0
    sha = None
    # one keep-alive connection for every PATCH (and a HEAD in between, as a client
    # resuming would do): also proves the server leaves the connection in a clean state
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    with open(path, "rb") as fh:
        while offset < size:
            count = min(PATCH_BYTES, size - offset)
            conn.putrequest("PATCH", url, skip_accept_encoding=True)
            for k, v in {
                **auth,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(offset),
                "Content-Length": str(count),
            }.items():
                conn.putheader(k, v)
            conn.endheaders()
            conn.sock.sendfile(fh, offset, count)
            resp = conn.getresponse()
            body = resp.read()
            if resp.status != 204:
                raise RuntimeError(f"PATCH failed: {resp.status} {body[:300]!r}")
            offset = int(resp.getheader("Upload-Offset"))
            sha = resp.getheader("Recording-Sha256") or sha
            if os.environ.get("RECORDS_BENCH_DEBUG"):
                print("PATCH will_close", resp.will_close, file=sys.stderr)
            if resp.getheader("Connection", "").lower() == "close" or resp.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            if offset < size:
                conn.request("HEAD", url, headers=auth)
                head = conn.getresponse()
                head.read()
                if int(head.getheader("Upload-Offset")) != offset:
                    raise RuntimeError("HEAD offset differs from PATCH offset")
                if head.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.close()
    return sha


def run(args):
    size_mb = int(getattr(args, "upload_mb", 2048) or 2048)
    if getattr(args, "quick", False):
        size_mb = min(size_mb, 256)
    size = size_mb * 1024 * 1024
    tmp = Path(tempfile.mkdtemp(prefix="records-bench-"))
    server = None
    try:
        env = dict(os.environ)
        env.update(
            {
                "SANXIANG_VAR_DIR": str(tmp / "var"),
                "DATABASE_URL": f"sqlite:///{tmp / 'var' / 'bench.sqlite3'}",
                "MEDIA_ROOT": str(tmp / "var" / "media"),
                "DEBUG": "0",
                "LOG_LEVEL": "ERROR",
            }
        )
        env.pop("STORAGE_URL", None)
        subprocess.run(
            [PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        out = subprocess.run(
            [PY, "manage.py", "shell", "-c", SETUP],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        setup = json.loads(out.split("BENCH_SETUP=", 1)[1].strip().splitlines()[0])
        port = free_port()
        server = subprocess.Popen(
            [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        data = tmp / "upload.mp4"
        make_file(data, size)
        t0 = time.perf_counter()
        digest = subprocess.run(
            ["openssl", "dgst", "-sha256", "-r", str(data)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[0]
        t_openssl = time.perf_counter() - t0
        # second baseline: the disk's write speed (plain copy of the same file, same fs);
        # an ingest must store every byte, so this is the physical limit on this machine
        t0 = time.perf_counter()
        subprocess.run(
            ["dd", f"if={data}", f"of={tmp / 'copy.bin'}", "bs=4M", "status=none"], check=True
        )
        t_copy = time.perf_counter() - t0
        (tmp / "copy.bin").unlink()
        # warm the server (first request imports the URLconf, DRF, ...)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "OPTIONS", "/api/records/uploads/", headers={"Authorization": f"Token {setup['token']}"}
        )
        conn.getresponse().read()
        conn.close()
        base_rss = rss_kb(server.pid)
        peak = [base_rss or 0]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                value = rss_kb(server.pid)
                if value:
                    peak[0] = max(peak[0], value)
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t0 = time.perf_counter()
        sha = upload(port, setup["token"], data, setup["case"], setup["officer"])
        t_upload = time.perf_counter() - t0
        stop.set()
        sampler.join()
        if sha != digest:
            raise RuntimeError(f"server SHA-256 {sha} differs from openssl {digest}")
        growth_mb = (peak[0] - (base_rss or 0)) / 1024
        mbps_ours = size_mb / t_upload
        mbps_openssl = size_mb / t_openssl
        return [
            {
                "benchmark": "records: HTTP upload (tus) incl. SHA-256 + ingest, vs openssl dgst",
                "size": f"{size_mb} MB",
                "ours": round(mbps_ours, 1),
                "baseline": round(mbps_openssl, 1),
                "ratio": round(mbps_ours / mbps_openssl, 3),
                "target": "≥ 0.5",
                "met": mbps_ours / mbps_openssl >= 0.5,
                "unit": "MB/s",
            },
            {
                "benchmark": "records: HTTP upload (tus) vs dd bs=4M copy of the file (write limit)",
                "size": f"{size_mb} MB",
                "ours": round(mbps_ours, 1),
                "baseline": round(size_mb / t_copy, 1),
                "ratio": round(mbps_ours / (size_mb / t_copy), 3),
                "target": "(info)",
                "unit": "MB/s",
            },
            {
                "benchmark": "records: server peak RSS growth during upload",
                "size": f"{size_mb} MB",
                "ours": round(growth_mb, 1),
                "baseline": round((base_rss or 0) / 1024, 1),
                "ratio": None,
                "target": "< 100 MB",
                "met": growth_mb < 100,
                "unit": "MB (baseline: RSS before)",
            },
        ]
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--upload-mb", type=int, default=2048)
    parser.add_argument("--quick", action="store_true")
    for r in run(parser.parse_args()):
        print(r)
