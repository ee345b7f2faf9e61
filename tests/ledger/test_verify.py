"""manage.py ledger verify / sign / export-key, including a rogue DBA's edit."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sanxiang.ledger import heads, services
from sanxiang.ledger.events import EventType
from sanxiang.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db


def _run(*args):
    out = io.StringIO()
    call_command("ledger", *args, stdout=out)
    return out.getvalue()


def _fill(n=20):
    base = services.tree_size()
    services.append_many([(EventType.OTHER, f"x:{i}", {"i": i}) for i in range(n // 2)])
    services.sign_tree_head()
    for i in range(n - n // 2):
        services.append(EventType.CASE_EVENT, f"case:{i}", {"备注": "记录"})
    services.sign_tree_head()
    return base


def _drop_triggers(cursor, table):
    # What a rogue DBA does first. DDL is transactional on both vendors, so the test's
    # rollback restores the triggers.
    if connection.vendor == "postgresql":
        cursor.execute(f'DROP TRIGGER "{table}_append_only" ON "{table}"')
    else:
        cursor.execute(f'DROP TRIGGER "{table}_append_only_update"')
        cursor.execute(f'DROP TRIGGER "{table}_append_only_delete"')


def test_verify_intact_ledger():
    _fill()
    out = _run("verify", "--chunk-size", "7")
    assert "ledger intact" in out and f"{services.tree_size()} leaves" in out
    result = verify_ledger()
    assert result.ok and result.heads == 2 and result.root == services.root_at(result.size)


def test_verify_empty_ledger():
    assert verify_ledger().ok


def test_rogue_dba_edit_is_named(capsys):
    base = _fill()
    victim = base + 13
    with connection.cursor() as cursor:
        _drop_triggers(cursor, "ledger_leaf")
        cursor.execute(
            "UPDATE ledger_leaf SET content = REPLACE(content, '记录', '篡改') WHERE \"index\" = %s",
            [victim],
        )
    with pytest.raises(CommandError, match=rf"leaf {victim}\b") as exc:
        _run("verify")
    assert exc.value.returncode == 1
    assert "content does not match" in str(exc.value)


def test_rewritten_hash_is_caught_by_subtree_hashes():
    base = _fill(32)
    victim = base + 4
    leaf = services.get_leaf(victim)
    forged = leaf.content.replace('"i":4', '"i":5')
    from sanxiang.ledger.merkle import leaf_hash

    with connection.cursor() as cursor:
        _drop_triggers(cursor, "ledger_leaf")
        cursor.execute(
            'UPDATE ledger_leaf SET content = %s, leaf_hash = %s WHERE "index" = %s',
            [forged, leaf_hash(forged.encode()), victim],
        )
    result = verify_ledger()
    assert not result.ok
    assert result.bad_index is not None and result.bad_index <= victim
    assert "altered" in result.reason


def test_missing_leaf_is_reported():
    base = _fill()
    with connection.cursor() as cursor:
        _drop_triggers(cursor, "ledger_leaf")
        cursor.execute('DELETE FROM ledger_leaf WHERE "index" = %s', [base + 5])
    result = verify_ledger()
    assert not result.ok and result.bad_index == base + 5 and "missing" in result.reason


def test_forged_head_signature_is_reported():
    _fill()
    with connection.cursor() as cursor:
        _drop_triggers(cursor, "ledger_signedtreehead")
        cursor.execute("UPDATE ledger_signedtreehead SET timestamp_ms = timestamp_ms + 1")
    result = verify_ledger()
    assert not result.ok and "signature" in result.reason


def test_sign_and_export_key():
    services.append(EventType.OTHER, "x", {})
    head = json.loads(_run("sign"))
    assert head["tree_size"] == services.tree_size()
    assert "BEGIN PUBLIC KEY" in _run("export-key")
    assert _run("export-key", "--format", "raw").strip() == heads.public_key_raw_b64()
    info = json.loads(_run("export-key", "--format", "json"))
    assert info["key_id"] == heads.key_id()
    with pytest.raises(CommandError):
        _run("sign", "--size", str(services.tree_size() + 10))


@pytest.mark.parametrize("chunk", [2, 4, 8, 4096])
def test_chunked_verification_with_heads_inside_chunks(chunk):
    base = services.tree_size()
    for n in (3, 5, 8, 13, 16, 21):
        services.append_many([(EventType.OTHER, "x", {"i": i}) for i in range(n)])
        services.sign_tree_head()
    services.sign_tree_head(base + 1)
    result = verify_ledger(chunk_size=chunk)
    assert result.ok, result.summary()
    assert result.size == services.tree_size()
    assert result.root == services.root_at(result.size)


@pytest.mark.parametrize("chunk", [2, 8])
def test_tampered_high_level_node_is_found(chunk):
    base = services.tree_size()
    services.append_many([(EventType.OTHER, "x", {"i": i}) for i in range(64)])
    size = services.tree_size()
    level = 5  # above the chunk level: checked when the chunk is folded in
    idx = (base >> level) + 1
    with connection.cursor() as cursor:
        _drop_triggers(cursor, "ledger_nodehash")
        cursor.execute(
            'UPDATE ledger_nodehash SET hash = %s WHERE level = %s AND "index" = %s',
            [b"\x00" * 32, level, idx],
        )
    assert size >= (idx + 1) << level
    result = verify_ledger(chunk_size=chunk)
    assert not result.ok and result.bad_index == idx << level
    assert f"({level}, {idx})" in result.reason


def test_extra_node_is_found():
    services.append_many([(EventType.OTHER, "x", {"i": i}) for i in range(6)])
    from sanxiang.ledger.models import NodeHash

    NodeHash.objects.create(level=1, index=10**6, hash=b"\x01" * 32)
    result = verify_ledger()
    assert not result.ok and "beyond" in result.reason


def test_verify_jobs_option():
    _fill()
    with pytest.raises(CommandError, match="--jobs"):
        _run("verify", "--jobs", "0")
    # inside the test's transaction workers could not see the leaves: one process
    assert "checked by 1 process)" in _run("verify", "--jobs", "2", "--chunk-size", "2")
