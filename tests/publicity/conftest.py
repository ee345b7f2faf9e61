"""Helpers of the publicity tests: publications built through the real services."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from sanxiang.core.fields import ActType, CaseActType, PartyType, PenaltyKind
from sanxiang.publicity import services

# valid identifiers (GB 11643 / GB 32100 check characters)
PERSON_ID = "110101199003077774"
PERSON_ID_BAD = "110101199003077775"  # wrong check digit: not an ID number
COMPANY_USCI = "91110108MA01ABCD0B"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def today():
    return timezone.localdate()


def company(**over):
    data = {
        "party_type": PartyType.LEGAL_PERSON,
        "name": "测试县好味食品有限公司",
        "usci": COMPANY_USCI,
        "legal_representative": "陈大勇",
        "address": "测试县城关镇兴业路8号",
        "phone": "0571-88880000",
    }
    data.update(over)
    return data


def person(**over):
    data = {
        "party_type": PartyType.NATURAL_PERSON,
        "name": "张三丰",
        "id_number": PERSON_ID,
        "address": "测试县城关镇人民路1号3单元502室",
        "phone": "13912345678",
    }
    data.update(over)
    return data


_counter = {"n": 0}


def publish(agency, *, parties=None, category=ActType.PENALTY, decision_date=None, **over):
    _counter["n"] += 1
    n = _counter["n"]
    kwargs = {
        "agency": agency,
        "source_key": f"test:{n}",
        "category": category,
        "case_act_type": CaseActType.PENALTY_GENERAL if category == ActType.PENALTY else "",
        "decision_date": decision_date or today(),
        "document_number": f"测市监罚决〔2026〕{n}号",
        "parties": parties or [company()],
        "title": "销售超过保质期的食品",
        "outcome": "给予行政处罚",
        "full_text": [
            ("当事人", "测试县好味食品有限公司，法定代表人陈大勇"),
            ("违法事实", "当事人于2026年5月销售超过保质期的牛奶12盒，货值金额240元。"),
            ("处罚依据", "《中华人民共和国食品安全法》第一百二十四条"),
        ],
        "penalty": {
            "kinds": [PenaltyKind.FINE, PenaltyKind.CONFISCATE_INCOME],
            "fine": "50000",
            "confiscated": "240",
            "violation_type": "销售超过保质期的食品",
            "facts": "当事人销售超过保质期的牛奶12盒。",
            "basis": "《中华人民共和国食品安全法》第一百二十四条",
            "content": "罚款人民币50000元，没收违法所得240元",
        }
        if category == ActType.PENALTY
        else None,
    }
    kwargs.update(over)
    return services.publish_decision(**kwargs)


def published(agency, handler, **kw):
    pub = publish(agency, handler_ids=[handler.pk], **kw)
    return services.confirm_publication(pub, handler)


@pytest.fixture
def days():
    return lambda n: today() - dt.timedelta(days=n)
