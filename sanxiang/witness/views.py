"""HTTP side of the witness (plain text, C2SP formats; no login: a checkpoint is public).

* ``POST /witness/add-checkpoint`` — tlog-witness: body ``old <n>``, proof lines, empty
  line, checkpoint. 200 cosignature line(s); 409 ``text/x.tlog.size`` with the size held;
  403 no valid log signature; 404 unknown origin; 400 malformed; 422 bad proof.
* ``GET /witness/key`` — the witness's verifier key (``name+keyid+base64(0x04||key)``).
* ``GET /api/witness/checkpoint`` — the platform's latest cosigned checkpoint (signed note
  with the log's signature and every witness cosignature); 404 when none yet.
* ``GET /api/witness/consistency?first=N&second=M`` — RFC 9162 consistency proof between
  two sizes of this platform's log, one base64 hash per line (split-view check).
  Both name the log's Merkle hash (``sha256`` or ``sm3``, docs/ledger.md) in the header
  ``X-Sanxiang-Hash-Algorithm``; the C2SP bodies stay unchanged.
* ``GET /witness/verifier/sanxiang_verify.py`` — the standalone verifier, served from
  ``tools/verifier/`` (the file on disk is the source of truth).
"""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import client, service
from . import note as N

MAX_BODY = 64 * 1024
TEXT = "text/plain; charset=utf-8"
HASH_HEADER = "X-Sanxiang-Hash-Algorithm"


def _text(body, status=200, content_type=TEXT):
    response = HttpResponse(body, status=status, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def add_checkpoint(request):
    if len(request.body) > MAX_BODY:
        return _text("请求过大 request too large\n", 413)
    try:
        body = request.body.decode("utf-8")
    except UnicodeDecodeError:
        return _text("请求不是 UTF-8 not UTF-8\n", 400)
    try:
        lines = service.add_checkpoint(body)
    except service.WitnessRefusal as exc:
        if exc.status == 409 and exc.witness_size is not None:
            return _text(f"{exc.witness_size}\n", 409, "text/x.tlog.size")
        return _text(f"{exc}\n", exc.status)
    return _text(lines)


@require_GET
def witness_key(request):
    return _text(service.verifier_key() + "\n")


@require_GET
def latest_checkpoint(request):
    data = client.latest_cosigned()
    if data is None:
        return _text("尚无已见证的检查点 no cosigned checkpoint yet\n", 404)
    response = _text(data)
    response["Cache-Control"] = "public, max-age=5"
    response[HASH_HEADER] = _log_algorithm()
    return response


def _log_algorithm() -> str:
    from sanxiang.ledger.algorithm import log_algorithm

    return log_algorithm()


@require_GET
def consistency(request):
    from sanxiang.core.errors import DomainError
    from sanxiang.ledger import services

    try:
        first, second = int(request.GET["first"]), int(request.GET["second"])
    except (KeyError, ValueError):
        return _text("需要整数参数 first 与 second need integer first and second\n", 400)
    if not 0 <= first <= second:
        return _text("须 0 ≤ first ≤ second\n", 400)
    try:
        proof = services.consistency_proof(first, second) if 0 < first < second else []
    except DomainError as exc:
        return _text(f"{exc}\n", 404)
    response = _text("".join(N.b64(p) + "\n" for p in proof))
    response[HASH_HEADER] = _log_algorithm()
    return response


def verifier_path() -> Path:
    return Path(settings.BASE_DIR) / "tools" / "verifier" / "sanxiang_verify.py"


@require_GET
def verifier_download(request):
    path = verifier_path()
    if not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename="sanxiang_verify.py",
        content_type="text/x-python; charset=utf-8",
    )
    return response
