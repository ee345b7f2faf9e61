"""Issue #11 item 4: the ledger API showed every agency's leaf content to anyone logged in.

Leaf content (actor, payload with party names and facts) is now scoped to the agencies the
user may see; the leaf hash, proofs and signed heads stay public.
"""

import base64
import json

import pytest
from rest_framework.test import APIClient

from sanxiang.cases import services as cases
from sanxiang.cases.models import CaseSource
from sanxiang.core.fields import CaseActType
from sanxiang.core.ids import ric_check_char
from sanxiang.ledger import api_scope, merkle, personal, services
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf

pytestmark = pytest.mark.django_db
API = "/api/ledger/"
PARTY = "张三丰"


@pytest.fixture
def case_leaves(agency_a, handler_a, officer_a1, officer_a2, head_a):
    """Leaves of a case of agency A whose payloads carry a party's name and the facts."""
    case = cases.open_case(
        agency=agency_a,
        actor=handler_a,
        act_type=CaseActType.INSPECTION,
        title="某超市销售过期食品案",
        source=CaseSource.PATROL,
        officers=[officer_a2],
    )
    first17 = "33010119800101001"
    cases.add_party(
        case,
        handler_a,
        party_type="natural_person",
        name=PARTY,
        id_number=first17 + ric_check_char(first17),
    )
    leaves = list(Leaf.objects.filter(subject=f"case:{case.pk}").order_by("index"))
    # the party's name is in no leaf in clear, only its keyed hash (#11.4)
    assert leaves and not any(PARTY in leaf.content for leaf in leaves)
    assert any(_mark() in leaf.content for leaf in leaves)
    services.sign_tree_head()
    return case, leaves


def _mark():
    """What a leaf holds for the party's name: its keyed hash (still the agency's data)."""
    return personal.digest(PARTY)


def _with_party(leaves):
    return next(leaf for leaf in leaves if _mark() in leaf.content)


def test_other_agency_gets_the_hash_but_not_the_content(case_leaves, handler_b, api_for):
    _case, leaves = case_leaves
    leaf = _with_party(leaves)
    r = api_for(handler_b).get(API + f"leaves/{leaf.index}/")
    body = r.json()
    assert r.status_code == 200
    assert body["withheld"] is True
    assert body["content"] is None and body["subject"] is None
    assert _mark() not in r.content.decode()
    assert base64.b64decode(body["leaf_hash"]) == bytes(leaf.leaf_hash)
    # the public inclusion proof still proves the hash, without any login
    proof = APIClient().get(API + "proofs/inclusion/", {"index": leaf.index}).json()
    assert proof["leaf_hash"] == body["leaf_hash"]
    assert merkle.verify_inclusion(
        base64.b64decode(proof["leaf_hash"]),
        leaf.index,
        proof["tree_size"],
        [base64.b64decode(p) for p in proof["proof"]],
        base64.b64decode(proof["root_hash"]),
    )


def test_other_agency_gets_no_bundle(case_leaves, handler_b, api_for):
    _case, leaves = case_leaves
    indices = ",".join(str(leaf.index) for leaf in leaves)
    r = api_for(handler_b).get(API + "bundles/", {"indices": indices})
    assert r.status_code == 404
    assert _mark() not in r.content.decode()
    # the same answer as for a leaf that does not exist
    assert api_for(handler_b).get(API + "bundles/", {"indices": "999999"}).status_code == 404


def test_own_agency_and_supervisor_read_the_content(
    case_leaves, handler_a2, reviewer_a, supervisor, admin_user, api_for
):
    from sanxiang.ledger.verify_bundle import verify

    _case, leaves = case_leaves
    leaf = _with_party(leaves)
    for user in (handler_a2, reviewer_a, supervisor, admin_user):
        body = api_for(user).get(API + f"leaves/{leaf.index}/").json()
        assert body["withheld"] is False and _mark() in body["content"], user
        assert merkle.leaf_hash(body["content"].encode()) == bytes(leaf.leaf_hash)
    indices = ",".join(str(x.index) for x in leaves)
    r = api_for(handler_a2).get(API + "bundles/", {"indices": indices})
    assert r.status_code == 200 and verify(r.json()).startswith("OK:")


def test_mixed_bundle_is_refused(case_leaves, handler_b, agency_b, api_for):
    _case, leaves = case_leaves
    own = services.append(EventType.AGENCY_CHANGED, f"agency:{agency_b.pk}", {"x": 1})
    services.sign_tree_head()
    assert api_for(handler_b).get(API + "bundles/", {"indices": str(own.index)}).status_code == 200
    mixed = f"{own.index},{leaves[0].index}"
    assert api_for(handler_b).get(API + "bundles/", {"indices": mixed}).status_code == 404


def test_subject_resolution(agency_a, agency_b, handler_a, handler_b, officer_a1, sfj):
    from sanxiang.complaints import services as complaints

    complaint, _code = complaints.submit(
        kind="report", agency=agency_a, content="举报内容", name="", phone=""
    )
    holiday = services.append(EventType.HOLIDAY_CHANGED, "holiday-year:2027", {"y": 2027})
    unknown = services.append(EventType.OTHER, "mystery:1", {"secret": 1})
    mine = services.append(EventType.OTHER, "mystery:2", {"secret": 2}, actor=handler_b)
    certificate = Leaf.objects.filter(subject="certificate:TEST-A-0001").first()
    filed = Leaf.objects.get(subject=f"complaint:{complaint.number}")
    owners = api_scope.leaf_agencies([holiday, unknown, certificate, filed])
    assert owners[holiday.index] == api_scope.PUBLIC
    assert owners[unknown.index] == set()
    assert owners[certificate.index] == {agency_a.pk}
    assert owners[filed.index] == {agency_a.pk}
    assert api_scope.readable(handler_a, [holiday, unknown, certificate, filed, mine]) == {
        holiday.index,
        certificate.index,
        filed.index,
    }
    # fail closed for an unknown subject, except for the leaf's own actor
    assert api_scope.readable(handler_b, [unknown, mine, certificate]) == {mine.index}


def test_a_count_of_what_a_handler_of_another_agency_can_read(case_leaves, handler_b):
    """The probe of the issue: walk every leaf as another agency's handler."""
    readable = api_scope.readable(handler_b, Leaf.objects.all())
    for leaf in Leaf.objects.filter(index__in=readable):
        assert PARTY not in leaf.content and _mark() not in leaf.content
        payload = json.loads(leaf.content)["payload"]
        assert payload.get("agency") in (None, handler_b.agency_id) or leaf.subject.startswith(
            "agency:"
        )
