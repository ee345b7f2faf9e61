"""Recording leaves carry no personal data in clear (issue #11 item 4), and the
reconciliation (item 8) still finds an edited row through the keyed digests.

A recording's place, what it proves, its file name and the reasons of its interruptions
are free text that may name a witness or a home: the ``records.ingested`` leaf holds
their ``ledger.personal`` digest; ids, hashes, sizes, times and kinds stay readable. The
same holds for the other records leaves (access purpose and request reason, the head's
note, a waiver's reason, a long-term mark's note).
"""

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection

from sanxiang.core.fields import RecordedActivity
from sanxiang.ledger import personal, reconcile
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.ledger.verify import verify_ledger
from sanxiang.records import access, requirements, retention
from sanxiang.records.models import AccessAction, LongTermReason, Recording
from tests.ledger.test_reconcile import drop_triggers
from tests.records.conftest import _var, case_a, ingest, png_bytes  # noqa: F401

pytestmark = pytest.mark.django_db

FROZEN = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)
WITNESS = "孙志强"
HOME = "东风路17号3单元"
PLACE = f"证人{WITNESS}家中（{HOME}）"
PROVES = f"{WITNESS}陈述曾在该超市购得过期食品"
FILENAME = f"{WITNESS}询问.png"
PAUSE = f"{WITNESS}要求暂停录像"
SECRETS = (WITNESS, HOME)


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path):
    settings.KEYS_DIR = tmp_path / "keys"
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def recording(case_a, ingest):  # noqa: F811
    start = FROZEN - dt.timedelta(hours=1)
    pause = start + dt.timedelta(minutes=5)
    return ingest(
        case_a,
        png_bytes(),
        place=PLACE,
        proves=PROVES,
        filename=FILENAME,
        recorded_start=start.isoformat(),
        recorded_end=(start + dt.timedelta(minutes=30)).isoformat(),
        interruptions=[
            {
                "stopped_at": pause.isoformat(),
                "restarted_at": (pause + dt.timedelta(minutes=2)).isoformat(),
                "reason": PAUSE,
            }
        ],
    )


def leaked():
    """(index, secret) for every leaf whose content holds a secret in clear."""
    return [
        (index, s)
        for index, content in Leaf.objects.values_list("index", "content")
        for s in SECRETS
        if s in content
    ]


def ingest_labels(rec):
    leaf = Leaf.objects.get(event_type=EventType.RECORDING_INGESTED, subject=f"recording:{rec.pk}")
    return json.loads(leaf.content)["payload"]


def test_upload_leaf_commits_to_free_text_by_keyed_hash(recording):
    assert recording.place == PLACE and recording.proves == PROVES
    assert recording.original_name == FILENAME
    assert leaked() == []
    payload = ingest_labels(recording)
    labels = payload["labels"]
    for key, clear in (("place", PLACE), ("proves", PROVES), ("filename", FILENAME)):
        assert labels[key].startswith(personal.PREFIX)
        assert personal.matches(clear, labels[key])
    assert personal.matches(PAUSE, labels["interruptions"][0]["reason"])
    # what the archive, the verifier and a reader of the proof need stays readable
    assert payload["sha256"] == recording.sha256 and payload["size"] == recording.size
    assert payload["storage_key"] == recording.storage_key
    assert labels["kind"] == "photo" and labels["activity"] == recording.activity
    assert labels["collector"] == recording.collector_id
    assert dt.datetime.fromisoformat(labels["recorded_start"]) == recording.recorded_start
    assert labels["interruptions"][0]["stopped_at"]
    # the row agrees with its leaf
    assert reconcile.reconcile() == []


@pytest.mark.parametrize(
    "column,value",
    [
        ("place", "青禾县某超市"),
        ("proves", "篡改后的证明事项"),
        ("original_name", "other.png"),
        ("recorded_start", FROZEN - dt.timedelta(days=3)),
    ],
)
def test_edited_row_still_detected_through_the_digest(recording, column, value):
    drop_triggers("records_recording")
    Recording.objects.filter(pk=recording.pk).update(**{column: value})
    assert verify_ledger().ok  # the ledger's own tables are untouched
    found = reconcile.reconcile()
    assert [(m.table, m.pk, m.field) for m in found] == [
        ("records_recording", recording.pk, column)
    ]
    assert leaked() == []


def test_edited_interruption_reason_detected(recording):
    drop_triggers("records_recording")
    items = [dict(recording.interruptions[0], reason="电量不足")]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE records_recording SET interruptions = %s WHERE id = %s",
            [json.dumps(items, ensure_ascii=False), recording.pk],
        )
    found = reconcile.reconcile()
    assert [(m.pk, m.field) for m in found] == [(recording.pk, "interruptions")]


def test_leaf_written_in_clear_before_the_change_still_reconciles(recording):
    """A leaf from before #11.4 holds the text in clear: ``personal.matches`` accepts it."""
    from sanxiang.ledger.reconcile import _agrees

    assert _agrees(PLACE, PLACE) and not _agrees("篡改", PLACE)
    assert _agrees(PLACE, personal.digest(PLACE)) and not _agrees("篡改", personal.digest(PLACE))


def test_other_records_leaves_hold_no_free_text_in_clear(
    recording,
    case_a,  # noqa: F811
    head_a,
    handler_a,
    reviewer_a,  # noqa: F811
):
    req = access.request_access(reviewer_a, case_a, f"核对{WITNESS}的陈述", recording=recording)
    access.decide_access(req, head_a, True, note=f"仅限核对{WITNESS}部分", valid_days=2)
    entry = access.record_access(recording, reviewer_a, f"查看{HOME}现场", AccessAction.VIEW)
    retention.mark_long_term(recording, LongTermReason.OTHER, head_a, note=f"{WITNESS}已投诉")
    waiver = requirements.request_waiver(
        case_a,
        handler_a,
        RecordedActivity.ON_SITE_INSPECTION,
        FROZEN.date(),
        f"{WITNESS}拒绝录像，现场无法记录",
    )
    requirements.approve_waiver(waiver, head_a, True, note=f"{WITNESS}情况属实")
    assert leaked() == []
    granted = Leaf.objects.get(index=entry.ledger_index)
    assert personal.matches(entry.purpose, json.loads(granted.content)["payload"]["purpose"])
