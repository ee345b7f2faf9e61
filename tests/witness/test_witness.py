"""The witness (issue #16 items 1–2): cosigns only consistent checkpoints, refuses and
alerts on a rollback, a fork, a rewritten leaf, a bad signature, an unknown origin."""

import pytest
from django.db import transaction

from sanxiang.ledger import heads
from sanxiang.ledger import services as ledger
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.witness import client, service
from sanxiang.witness import note as N
from sanxiang.witness.models import (
    Cosignature,
    CosignedCheckpoint,
    SubmissionStatus,
    WitnessAlert,
    WitnessedLog,
)

from .helpers import FakeLog

pytestmark = pytest.mark.django_db
Kind = WitnessAlert.Kind


def _append(n, tag="x"):
    for i in range(n):
        ledger.append(EventType.OTHER, f"test:{tag}{i}", {"i": i})


def _refusal(body):
    with pytest.raises(service.WitnessRefusal) as exc:
        service.add_checkpoint(body)
    return exc.value


def _cosigned(log, body):
    lines = service.add_checkpoint(body)
    full = N.parse_note(body.split("\n\n", 1)[1] + lines)
    assert N.verify_cosignature(full, service.witness_name(), service.public_raw()) is not None
    return full


def test_two_platform_logs_through_one_witness_and_a_rollback_is_caught(supervisor):
    """Done-when of issue #16: log A (this platform's ledger) and log B (a second
    instance, own origin and key) go through one witness; B rolls back and is caught."""
    _append(5, "a")
    ledger.sign_tree_head()
    client.submit_latest()  # embedded witness registers log A on first use
    b = FakeLog("sanxiang.test/ledger-b", 3)
    service.register_log(b.origin, b.origin, b.public_raw)
    _cosigned(b, b.body(0))
    b.grow(4)
    _cosigned(b, b.body(3))
    _append(2, "a2")
    ledger.sign_tree_head()
    client.submit_latest()
    logs = {log.origin: log for log in WitnessedLog.objects.all()}
    assert logs["sanxiang.test/ledger-a"].tree_size == ledger.tree_size() >= 7
    assert logs["sanxiang.test/ledger-b"].tree_size == 7
    # B's operator (with B's key) rolls back to 5 leaves and signs that checkpoint
    b.leaves = b.leaves[:5]
    refusal = _refusal(b.body(0))
    assert refusal.status == 409 and refusal.kind == Kind.ROLLBACK
    assert refusal.witness_size == 7
    alert = WitnessAlert.objects.get(kind=Kind.ROLLBACK)
    assert alert.origin == b.origin and alert.tree_size == 5 and alert.witness_size == 7
    leaf = Leaf.objects.get(event_type=EventType.WITNESS_ALERT)
    assert leaf.payload["kind"] == "rollback" and leaf.payload["origin"] == b.origin
    # the 司法局's supervisor is told once
    from sanxiang.notifications.models import Notification

    assert Notification.objects.filter(user=supervisor, title__contains="账本回滚").count() == 1
    # the same rollback again: another alert row, no second leaf (no alert/head loop)
    _refusal(b.body(0))
    assert WitnessAlert.objects.filter(kind=Kind.ROLLBACK).count() == 2
    assert Leaf.objects.filter(event_type=EventType.WITNESS_ALERT).count() == 1
    assert Notification.objects.filter(user=supervisor).count() == 1
    # log A was not affected
    assert WitnessedLog.objects.get(origin="sanxiang.test/ledger-a").tree_size >= 7


def test_fork_at_same_size_is_refused():
    b = FakeLog("o.test/b", 4)
    service.register_log(b.origin, b.origin, b.public_raw)
    _cosigned(b, b.body(0))
    b.leaves[2] = b"\x01" * 32  # rewritten leaf, same size
    refusal = _refusal(b.body(4))
    assert refusal.status == 409 and refusal.kind == Kind.FORK


def test_rewritten_leaf_fails_the_consistency_proof():
    b = FakeLog("o.test/b", 4)
    service.register_log(b.origin, b.origin, b.public_raw)
    _cosigned(b, b.body(0))
    b.grow(3)
    b.leaves[1] = b"\x02" * 32  # history rewritten, then extended
    refusal = _refusal(b.body(4))
    assert refusal.status == 422 and refusal.kind == Kind.BAD_PROOF
    assert WitnessedLog.objects.get(origin=b.origin).tree_size == 4
    assert WitnessAlert.objects.filter(kind=Kind.BAD_PROOF).count() == 1


def test_bad_signature_unknown_origin_and_stale_size():
    b = FakeLog("o.test/b", 2)
    service.register_log(b.origin, b.origin, b.public_raw)
    other = FakeLog("o.test/b", 2)  # same origin, another key: a forger
    assert _refusal(other.body(0)).status == 403
    assert _refusal(FakeLog("o.test/unknown", 1).body(0)).status == 404
    _cosigned(b, b.body(0))
    b.grow(2)
    stale = _refusal(b.body(0))  # client does not know the witness's size
    assert stale.status == 409 and stale.witness_size == 2
    kinds = set(WitnessAlert.objects.values_list("kind", flat=True))
    assert kinds == {Kind.BAD_SIGNATURE, Kind.UNKNOWN_ORIGIN}  # a stale size is no alert
    assert (
        _refusal(N.build_add_checkpoint(3, [], b.checkpoint(2))).status == 400
    )  # old size above the checkpoint's
    _cosigned(b, b.body(2))
    assert Cosignature.objects.filter(log__origin=b.origin).count() == 2


def test_key_of_a_registered_log_cannot_be_replaced():
    b = FakeLog("o.test/b", 1)
    service.register_log(b.origin, b.origin, b.public_raw)
    with pytest.raises(Exception, match="另一把公钥"):
        service.register_log(b.origin, b.origin, FakeLog("x.test/y").public_raw)


def test_http_endpoint_speaks_tlog_witness(client):
    b = FakeLog("o.test/http", 3)
    service.register_log(b.origin, b.origin, b.public_raw)
    url = "/witness/add-checkpoint"
    r = client.post(url, b.body(0), content_type="text/plain")
    assert r.status_code == 200
    assert r.content.decode().startswith("\u2014 sfj.test/witness ")
    b.grow(2)
    r = client.post(url, b.body(0), content_type="text/plain")
    assert r.status_code == 409 and r["Content-Type"] == "text/x.tlog.size"
    assert r.content == b"3\n"
    assert client.post(url, b.body(3), content_type="text/plain").status_code == 200
    b.leaves[0] = b"\x03" * 32
    b.grow(1)
    assert client.post(url, b.body(5), content_type="text/plain").status_code == 422
    assert client.post(url, "garbage", content_type="text/plain").status_code == 400
    assert client.get(url).status_code == 405
    key = client.get("/witness/key").content.decode().strip()
    assert key.startswith("sfj.test/witness+") and len(key.split("+", 2)) == 3


@pytest.mark.django_db(transaction=True)
def test_platform_submits_each_head_after_commit():
    with transaction.atomic():
        _append(3)
    cp = CosignedCheckpoint.objects.get()
    assert cp.tree_size == 3
    note = N.parse_note(client.latest_cosigned())
    assert N.verify_note_ed25519(note, client.log_origin(), heads.public_key_raw())
    assert N.verify_cosignature(note, service.witness_name(), service.public_raw())
    with transaction.atomic():
        _append(2, "y")
    assert CosignedCheckpoint.objects.order_by("-tree_size").first().tree_size == 5
    assert WitnessedLog.objects.get().tree_size == 5


def test_failed_submission_is_recorded_never_blocks_and_is_retried(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.SANXIANG_WITNESSES = [
        {"name": "remote.test/w", "public_key": N.b64(service.public_raw()), "url": "http://w"}
    ]

    def down(url, body):
        raise OSError("connection refused")

    monkeypatch.setattr(client, "_http_post", down)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            _append(2)
    assert ledger.tree_size() == 2 and ledger.latest_head().tree_size == 2  # committed
    status = SubmissionStatus.objects.get()
    assert status.failures == 1 and "refused" in status.last_error
    assert not CosignedCheckpoint.objects.exists()
    # the witness is back (its name differs, so use the in-process witness over "HTTP")
    settings.SANXIANG_WITNESS_NAME = "remote.test/w"
    monkeypatch.setattr(client, "_http_post", lambda url, body: client._in_process(body))
    from io import StringIO

    from sanxiang.witness import periodic

    out = StringIO()
    periodic.run(out)
    assert "已见证树大小 2" in out.getvalue()
    status.refresh_from_db()
    assert status.failures == 0 and status.last_size == 2


def test_remote_refusal_is_ledgered_once(settings, monkeypatch):
    settings.SANXIANG_WITNESSES = [
        {"name": "remote.test/w", "public_key": N.b64(service.public_raw()), "url": "http://w"}
    ]
    monkeypatch.setattr(client, "_http_post", lambda url, body: (422, "bad proof"))
    _append(2)
    ledger.sign_tree_head()
    client.submit_latest()
    client.submit_latest()
    leaves = Leaf.objects.filter(event_type=EventType.WITNESS_REFUSED)
    assert leaves.count() == 1 and leaves.get().payload["status"] == 422


def test_forged_cosignature_from_witness_is_not_stored(settings, monkeypatch):
    settings.SANXIANG_WITNESSES = [
        {"name": "remote.test/w", "public_key": N.b64(service.public_raw()), "url": "http://w"}
    ]
    monkeypatch.setattr(
        client, "_http_post", lambda url, body: (200, "\u2014 remote.test/w AAAAAAAAAAAA\n")
    )
    _append(1)
    ledger.sign_tree_head()
    client.submit_latest()
    assert not CosignedCheckpoint.objects.exists()
    assert SubmissionStatus.objects.get().failures == 1


def test_public_checkpoint_and_consistency_endpoints(client):
    assert client.get("/api/witness/checkpoint").status_code == 404
    _append(3)
    ledger.sign_tree_head()
    from sanxiang.witness import client as wclient

    wclient.submit_latest()
    first = client.get("/api/witness/checkpoint")
    assert first.status_code == 200 and first["Content-Type"].startswith("text/plain")
    cp1 = N.parse_checkpoint_text(N.parse_note(first.content.decode()).text)
    _append(4, "z")
    ledger.sign_tree_head()
    wclient.submit_latest()
    cp2 = N.parse_checkpoint_text(
        N.parse_note(client.get("/api/witness/checkpoint").content.decode()).text
    )
    r = client.get(f"/api/witness/consistency?first={cp1.size}&second={cp2.size}")
    proof = [N.unb64(line) for line in r.content.decode().splitlines()]
    assert N.verify_consistency(cp1.size, cp2.size, cp1.root, cp2.root, proof)
    assert client.get("/api/witness/consistency?first=5&second=2").status_code == 400
    assert client.get("/api/witness/consistency?first=1&second=99").status_code == 404
    page = client.get("/gs/ledger/")
    assert page.status_code == 200
    assert "见证方签名的最新检查点" in page.content.decode()
    assert cp2.origin in page.content.decode()


def test_bundle_carries_the_witness_section():
    from sanxiang.ledger.bundle import export_bundle

    _append(3)
    ledger.sign_tree_head()
    client.submit_latest()
    _append(2, "b")
    bundle = export_bundle([0, 4])
    section = bundle["witness"]
    assert section["format"] == "sanxiang-witness/1"
    cp = N.parse_checkpoint_text(N.parse_note(section["checkpoint"]).text)
    assert cp.size == 3 and bundle["tree_head"]["tree_size"] == 5
    proof = [N.unb64(p) for p in section["consistency_proof"]]
    assert N.verify_consistency(3, 5, cp.root, ledger.root_at(5), proof)


def test_admin_pages_are_read_only(client, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    admin_client = client
    b = FakeLog("o.test/adm", 1)
    service.register_log(b.origin, b.origin, b.public_raw)
    _refusal(FakeLog("o.test/unknown", 1).body(0))
    for model in ("witnessedlog", "witnessalert", "cosignature", "cosignedcheckpoint"):
        assert admin_client.get(f"/admin/witness/{model}/").status_code == 200
        assert admin_client.get(f"/admin/witness/{model}/add/").status_code == 403
    alert = WitnessAlert.objects.get()
    assert admin_client.get(f"/admin/witness/witnessalert/{alert.pk}/change/").status_code == 200


def test_key_holder_rewriting_this_platforms_ledger_is_refused():
    """The rogue DBA with the signing key (docs/ledger.md §8): the database alone passes
    ``ledger verify`` after the rewrite, but the witness already holds the old head."""
    from sanxiang.ledger.models import SignedTreeHead
    from sanxiang.ledger.verify import verify_ledger
    from tests.ledger.test_heads_truncation import _truncate
    from tests.ledger.test_reconcile import drop_triggers

    _append(6, "a")
    ledger.sign_tree_head()
    client.submit_latest()
    size = ledger.tree_size()
    assert WitnessedLog.objects.get().tree_size == size
    # rewrite the last two leaves, delete the heads, re-sign with the stolen key
    _truncate(size - 2)
    _append(2, "forged")
    drop_triggers("ledger_signedtreehead")
    SignedTreeHead.objects.all().delete()
    ledger.sign_tree_head()
    assert verify_ledger().ok  # the database alone is consistent again
    client.submit_latest()
    assert WitnessAlert.objects.get().kind == Kind.FORK
    assert WitnessedLog.objects.get().tree_size == size  # the witness kept the true head
    assert SubmissionStatus.objects.get().failures == 1
    assert CosignedCheckpoint.objects.filter(tree_size=size).count() == 1  # only the true one
    # and a plain truncation below the witnessed size is a rollback (triggers still off)
    from django.db import connection

    from sanxiang.ledger.models import TreeState

    keep = size - 3
    with connection.cursor() as cursor:
        cursor.execute('DELETE FROM ledger_leaf WHERE "index" >= %s', [keep])
        cursor.execute(
            'DELETE FROM ledger_nodehash WHERE (("index" + 1) * (1 << level)) > %s', [keep]
        )
    TreeState.objects.all().delete()
    ledger._rebuild_state().save()
    SignedTreeHead.objects.all().delete()
    ledger.sign_tree_head()
    client.submit_latest()
    assert set(WitnessAlert.objects.values_list("kind", flat=True)) == {Kind.FORK, Kind.ROLLBACK}
