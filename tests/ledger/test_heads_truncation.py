"""Issue #11 item 9: a head for every committed append batch, truncation reported, and the
public feed of heads that makes a rollback visible to anyone who saved one."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from sanxiang.ledger import heads, services
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import SignedTreeHead, TreeState
from sanxiang.ledger.verify import head_from_dict, verify_ledger
from tests.ledger.test_reconcile import drop_triggers

pytestmark = pytest.mark.django_db

FROZEN = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=True):
        yield


def _commit(django_capture_on_commit_callbacks, entries):
    """One committed append batch. The test's own transaction never commits, so the
    executed callbacks are dropped from the queue here, as a real commit does."""
    pending = len(connection.run_on_commit)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            leaves = services.append_many(entries)
    del connection.run_on_commit[pending:]
    return leaves, callbacks


def _batch(n, tag):
    return [(EventType.OTHER, f"x:{tag}:{i}", {"i": i}) for i in range(n)]


def test_every_committed_batch_is_signed_once(django_capture_on_commit_callbacks):
    start = SignedTreeHead.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            services.append_many(_batch(3, "a"))
            services.append(EventType.OTHER, "x:b", {})
            services.append(EventType.OTHER, "x:c", {})
    assert len(callbacks) == 1  # one signature per transaction, however many appends
    assert SignedTreeHead.objects.count() == start + 1
    head = services.latest_head()
    assert head.tree_size == services.tree_size() and heads.verify_head(head)


def test_rolled_back_batch_signs_nothing(django_capture_on_commit_callbacks):
    start = SignedTreeHead.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.append(EventType.OTHER, "x", {})
            raise RuntimeError
    assert callbacks == [] and SignedTreeHead.objects.count() == start


def test_signing_can_be_turned_off(settings, django_capture_on_commit_callbacks):
    settings.LEDGER_SIGN_ON_COMMIT = False
    _leaves, callbacks = _commit(django_capture_on_commit_callbacks, _batch(2, "off"))
    assert callbacks == []


def _truncate(keep):
    """The rogue DBA: delete the leaves from ``keep`` on, and rebuild the tree state."""
    drop_triggers("ledger_leaf")
    drop_triggers("ledger_nodehash")
    with connection.cursor() as cursor:
        cursor.execute('DELETE FROM ledger_leaf WHERE "index" >= %s', [keep])
        cursor.execute(
            'DELETE FROM ledger_nodehash WHERE (("index" + 1) * (1 << level)) > %s', [keep]
        )
    TreeState.objects.all().delete()
    state = services._rebuild_state()
    state.save()
    assert services.tree_size() == keep


def test_truncation_after_the_last_head_is_reported(django_capture_on_commit_callbacks):
    _commit(django_capture_on_commit_callbacks, _batch(6, "a"))
    _commit(django_capture_on_commit_callbacks, _batch(5, "b"))
    size = services.tree_size()
    assert services.latest_head().tree_size == size  # signed on commit, not in 300 s
    assert verify_ledger().ok
    _truncate(size - 3)
    result = verify_ledger()
    assert not result.ok and result.bad_index == size - 3
    assert f"truncation: signed tree head #{services.latest_head().pk} has size {size}" in (
        result.reason
    )
    assert f"only {size - 3} leaves exist" in result.reason
    with pytest.raises(CommandError, match="truncation") as exc:
        call_command("ledger", "verify", "--no-reconcile", stdout=io.StringIO())
    assert exc.value.returncode == 1


def test_truncation_and_reappend_is_a_root_mismatch(django_capture_on_commit_callbacks):
    _commit(django_capture_on_commit_callbacks, _batch(7, "a"))
    size = services.tree_size()
    signed = services.latest_head()
    _truncate(size - 2)
    # new leaves to the same size (their on-commit head never runs here)
    services.append_many(_batch(2, "forged"))
    result = verify_ledger()
    assert not result.ok and f"#{signed.pk} (size {size}) root differs" in result.reason


def test_deleting_heads_too_is_caught_by_a_saved_feed(
    client, django_capture_on_commit_callbacks, tmp_path
):
    _commit(django_capture_on_commit_callbacks, _batch(4, "a"))
    _commit(django_capture_on_commit_callbacks, _batch(4, "b"))
    size = services.tree_size()
    feed = client.get("/ledger/heads/").json()  # what an outsider archived
    assert feed["heads"][0]["tree_size"] == size
    assert feed["public_key"]["key_id"] == heads.key_id()
    saved = tmp_path / "heads.json"
    saved.write_text(json.dumps(feed), encoding="utf-8")
    # the rogue DBA removes the leaves of the second batch and every head that covers them
    _truncate(size - 4)
    drop_triggers("ledger_signedtreehead")
    SignedTreeHead.objects.filter(tree_size__gt=size - 4).delete()
    assert verify_ledger().ok  # the database alone cannot tell
    result = verify_ledger(known_heads=[head_from_dict(h) for h in feed["heads"]])
    assert not result.ok and f"truncation: saved signed tree head (size {size}" in result.reason
    with pytest.raises(CommandError, match="truncation"):
        call_command(
            "ledger", "verify", "--no-reconcile", "--known-heads", str(saved),
            stdout=io.StringIO(),
        )  # fmt: skip


def test_saved_head_with_forged_signature_is_refused(django_capture_on_commit_callbacks):
    _commit(django_capture_on_commit_callbacks, _batch(3, "a"))
    head = services.latest_head().as_dict()
    head["tree_size"] += 5  # an outsider cannot fake a truncation claim without the key
    result = verify_ledger(known_heads=[head_from_dict(head)])
    assert not result.ok and "bad signature" in result.reason


def test_unreadable_saved_heads_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"heads": [{"tree_size": 1}]}', encoding="utf-8")
    with pytest.raises(CommandError, match="无法读取已保存的树头文件"):
        call_command("ledger", "verify", "--known-heads", str(bad), stdout=io.StringIO())


def test_feed_pages_back(client, django_capture_on_commit_callbacks):
    for i in range(3):
        _commit(django_capture_on_commit_callbacks, _batch(1, i))
    first = client.get("/ledger/heads/?limit=2").json()
    assert len(first["heads"]) == 2 and first["next"]
    ids = [h["id"] for h in first["heads"]]
    assert ids == sorted(ids, reverse=True)
    rest = client.get(first["next"]).json()
    assert rest["heads"] and all(h["id"] < ids[-1] for h in rest["heads"])
    assert client.get("/ledger/heads/?limit=abc").status_code == 200


def test_key_holder_rewrite_is_caught_only_by_a_saved_head(django_capture_on_commit_callbacks):
    """A rogue DBA with the signing key rewrites the tail, deletes the heads and signs new
    ones: the database alone is consistent again; a head saved outside is not explained."""
    _commit(django_capture_on_commit_callbacks, _batch(6, "a"))
    size = services.tree_size()
    saved = services.latest_head().as_dict()
    _truncate(size - 2)
    services.append_many(_batch(2, "forged"))
    drop_triggers("ledger_signedtreehead")
    SignedTreeHead.objects.all().delete()
    services.sign_tree_head()  # with the stolen key
    assert verify_ledger().ok
    result = verify_ledger(known_heads=[head_from_dict(saved)])
    assert not result.ok and f"saved signed tree head (size {size}" in result.reason
    assert "root differs" in result.reason


def test_public_ledger_page_links_the_feed(client):
    page = client.get("/gs/ledger/")
    assert page.status_code == 200 and 'href="/ledger/heads/"' in page.content.decode()
