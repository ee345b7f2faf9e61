"""The forms of the on-site acts synced from the phone: validated per act kind with
Chinese errors; a valid one becomes a case event carrying its fields (issue #18)."""

import datetime as dt
import uuid

import pytest

from sanxiang.cases.models import CaseEvent
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.field import acts, services

from .conftest import FROZEN, investigating_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(FROZEN, tick=False)


@pytest.fixture
def case(agency_a, handler_a, head_a, officer_a1, officer_a2):
    return investigating_case(agency_a, handler_a, head_a, officer_a2, FROZEN)


@pytest.fixture
def send(case, handler_a, officer_a1, officer_a2):
    device = services.register_device(handler_a, str(uuid.uuid4()), "测试手机")

    def _send(activity, act, **over):
        data = {
            "client_id": str(uuid.uuid4()),
            "device_id": device.device_id,
            "case": case.pk,
            "activity": activity,
            "captured_at": (FROZEN - dt.timedelta(hours=1)).isoformat(),
            "place": "青禾县某超市",
            "officers": [officer_a1.pk, officer_a2.pk],
            "act": act,
            "files": [],
        }
        data.update(over)
        answer, _created = services.submit_act(handler_a, data)
        return CaseEvent.objects.get(pk=answer["case_event"])

    return _send


INSPECTION = {"checked": "食品货架、冷柜", "findings": "冷柜温度 12℃，高于标示的 0–4℃"}
INTERVIEW = {
    "interviewee": "李四",
    "id_number": "11010519491231002x",
    "relation": "店员",
    "qa": [{"q": "这些食品是谁进的货？", "a": "老板张三"}, {"q": "", "a": ""}],
}
EVIDENCE = {"items": [{"name": "过期牛奶", "quantity": "3 箱", "kept_at": "本店仓库（已贴封条）"}]}
SEIZURE = {
    "items": [{"name": "电动三轮车", "spec": "蓝色 无牌", "quantity": "1 辆"}],
    "custody_place": "县市场监管局暂扣物品仓库",
    "legal_basis": "《中华人民共和国行政强制法》第二十二条",
}

VALID = {
    "on_site_inspection": INSPECTION,
    "interview": INTERVIEW,
    "evidence_preservation": EVIDENCE,
    "seizure": SEIZURE,
}


def _without(base, path, value=""):
    """A copy of ``base`` with the field at ``path`` (keys/indexes) set to ``value``."""
    import copy

    out = copy.deepcopy(base)
    node = out
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return out


MISSING = [
    ("on_site_inspection", INSPECTION, ("checked",), "请填写检查（勘验）的对象和内容。"),
    ("on_site_inspection", INSPECTION, ("findings",), "请填写现场检查（勘验）发现的情况。"),
    ("interview", INTERVIEW, ("interviewee",), "请填写被询问人姓名。"),
    ("interview", INTERVIEW, ("relation",), "请填写被询问人与当事人的关系。"),
    ("interview", INTERVIEW, ("qa",), "询问笔录请至少记录一组问答。"),
    ("interview", INTERVIEW, ("qa", 0, "a"), "第 1 组问答缺少回答。"),
    ("interview", INTERVIEW, ("qa", 0, "q"), "第 1 组问答缺少提问。"),
    ("evidence_preservation", EVIDENCE, ("items",), "证据登记保存请至少登记一项证据。"),
    ("evidence_preservation", EVIDENCE, ("items", 0, "name"), "第 1 项证据缺少名称。"),
    ("evidence_preservation", EVIDENCE, ("items", 0, "quantity"), "第 1 项证据缺少数量。"),
    ("evidence_preservation", EVIDENCE, ("items", 0, "kept_at"), "第 1 项证据缺少保存地点。"),
    ("seizure", SEIZURE, ("items",), "查封扣押请至少列明一项物品。"),
    ("seizure", SEIZURE, ("items", 0, "name"), "第 1 项物品缺少名称。"),
    ("seizure", SEIZURE, ("items", 0, "quantity"), "第 1 项物品缺少数量。"),
    ("seizure", SEIZURE, ("custody_place",), "请填写查封扣押物品的存放地点。"),
    ("seizure", SEIZURE, ("legal_basis",), "请填写查封扣押的法律依据。"),
]


@pytest.mark.parametrize(("activity", "base", "path", "message"), MISSING)
def test_each_missing_required_field_is_refused_in_chinese(send, activity, base, path, message):
    value = [] if path in (("qa",), ("items",)) else ""
    with pytest.raises(DomainError) as err:
        send(activity, _without(base, path, value))
    assert err.value.message == message
    assert err.value.code == ErrorCode.REQUIRED
    assert not CaseEvent.objects.filter(activity=activity).exists()


@pytest.mark.parametrize("activity", list(VALID))
def test_no_form_at_all_is_refused(send, activity):
    with pytest.raises(DomainError) as err:
        send(activity, None)
    assert err.value.code == ErrorCode.REQUIRED


def test_bad_id_number_refused_but_optional(send):
    with pytest.raises(DomainError) as err:
        send("interview", _without(INTERVIEW, ("id_number",), "110105194912310021"))
    assert "身份证号码" in err.value.message and err.value.code == ErrorCode.BAD_FORMAT
    event = send("interview", _without(INTERVIEW, ("id_number",), ""))
    assert event.data["field"]["act"]["id_number"] == ""


def test_malformed_form_refused(send):
    with pytest.raises(DomainError) as err:
        send("interview", _without(INTERVIEW, ("qa",), "问：谁？答：老板"))
    assert err.value.message == "现场笔录内容格式不正确。"
    with pytest.raises(DomainError) as err:
        send("seizure", ["电动三轮车"])
    assert err.value.code == ErrorCode.BAD_FORMAT


def test_only_the_four_field_act_kinds(send):
    with pytest.raises(DomainError) as err:
        send("hearing", {"checked": "x", "findings": "y"})
    assert err.value.code == ErrorCode.BAD_CHOICE and "移动端只能记录" in err.value.message


def test_field_act_kinds_are_recorded_activities(handler_a, case):
    from sanxiang.core.fields import RecordedActivity

    kinds = [a["value"] for a in services.tasks_for(handler_a)["activities"]]
    assert kinds == list(VALID) and set(kinds) == set(acts.FORMS)
    assert all(k in RecordedActivity.values for k in kinds)


@pytest.mark.parametrize("activity", list(VALID))
def test_valid_act_creates_the_event_with_its_fields(send, activity):
    event = send(activity, VALID[activity], notes="当事人在场")
    assert event.activity == activity
    field = event.data["field"]
    assert field["form"] == str(acts.FORMS[activity])
    assert "location" not in field  # not allowed by the officer: nothing stored
    stored = field["act"]
    if activity == "interview":
        assert stored["qa"] == [{"q": "这些食品是谁进的货？", "a": "老板张三"}]  # blank row dropped
        assert stored["id_number"] == "11010519491231002X"
        assert "被询问人：李四（与当事人关系：店员" in event.summary
        assert "问：这些食品是谁进的货？ 答：老板张三" in event.summary
    else:
        assert stored == VALID[activity]
    if activity == "seizure":
        assert (
            "行政强制法》第二十二条" in event.summary
            and "电动三轮车 蓝色 无牌 1 辆" in event.summary
        )
    if activity == "evidence_preservation":
        assert "过期牛奶 3 箱（保存于本店仓库（已贴封条））" in event.summary
    if activity == "on_site_inspection":
        assert "冷柜温度 12℃" in event.summary
    assert "备注：当事人在场" in event.data["description"]


def test_location_stored_and_shown_when_allowed(send):
    loc = {"latitude": 26.0745, "longitude": 119.2965, "accuracy": 15.4, "taken_at": "x"}
    event = send("on_site_inspection", INSPECTION, location=loc)
    assert event.data["field"]["location"] == {
        "latitude": 26.0745,
        "longitude": 119.2965,
        "accuracy": 15.4,
        "taken_at": "x",
    }
    assert "定位：纬度 26.074500，经度 119.296500（精度约 15 米）" in event.summary


@pytest.mark.parametrize(
    "loc",
    [
        {"latitude": 91, "longitude": 119.3, "accuracy": 5},
        {"latitude": 26, "longitude": 181, "accuracy": 5},
        {"latitude": 26, "longitude": 119, "accuracy": -1},
        {"latitude": "北纬", "longitude": 119, "accuracy": 5},
        {"latitude": "nan", "longitude": 119, "accuracy": 5},
        "26,119",
    ],
)
def test_bad_location_refused(send, loc):
    with pytest.raises(DomainError) as err:
        send("on_site_inspection", INSPECTION, location=loc)
    assert "定位数据" in err.value.message and err.value.code == ErrorCode.BAD_FORMAT


def test_act_api_returns_the_chinese_error(api_for, handler_a, case, officer_a1, officer_a2):
    api = api_for(handler_a)
    device_id = str(uuid.uuid4())
    assert (
        api.post("/api/field/session/", {"device_id": device_id}, format="json").status_code == 200
    )
    data = {
        "client_id": str(uuid.uuid4()),
        "device_id": device_id,
        "case": case.pk,
        "activity": "interview",
        "captured_at": FROZEN.isoformat(),
        "place": "青禾县某超市",
        "officers": [officer_a1.pk, officer_a2.pk],
        "act": _without(INTERVIEW, ("relation",)),
        "files": [],
    }
    r = api.post("/api/field/acts/", data, format="json")
    assert r.status_code == 400 and r.json()["detail"] == "请填写被询问人与当事人的关系。"
    data["act"] = INTERVIEW
    r = api.post("/api/field/acts/", data, format="json")
    assert r.status_code == 201
    assert (
        CaseEvent.objects.get(pk=r.json()["case_event"]).data["field"]["act"]["interviewee"]
        == "李四"
    )
