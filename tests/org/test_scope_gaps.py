"""Issue #11 item 5: scoping gaps across apps.

* webhook deliveries were visible to any administrator of any agency;
* officer pick-lists were built from ``Officer.objects.all()``, so an error message named
  another agency's officer.

(The 404-for-both answer of access requests is in tests/records/test_access_scope.py.)
"""

import pytest

from sanxiang.core.errors import PermissionDenied
from sanxiang.org.models import Role
from sanxiang.publicity import webhooks
from sanxiang.publicity.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
OTHER_OFFICER = "孙执法"  # officer_b1 (handler_b's officer record)


@pytest.fixture
def deliveries(agency_a, agency_b):
    endpoint = WebhookEndpoint.objects.create(
        name="省级公示平台", url="https://gs.example.invalid/hook", secret="s" * 32
    )
    make = lambda agency, marker: WebhookDelivery.objects.create(  # noqa: E731
        endpoint=endpoint, agency=agency, event="decision.published", body=f'{{"m":"{marker}"}}'
    )
    return make(agency_a, "A-DELIVERY"), make(agency_b, "B-DELIVERY")


@pytest.fixture
def admin_a(agency_a):
    return make_user("admin_a", Role.ADMIN, agency_a, "甲管理员")


def test_agency_admin_sees_only_own_deliveries(deliveries, admin_a, admin_user, supervisor):
    mine, theirs = deliveries
    assert list(webhooks.visible_deliveries(admin_a)) == [mine]
    # the platform superuser (no agency) and the supervising 司法局 still see both
    assert set(webhooks.visible_deliveries(admin_user)) == {mine, theirs}
    assert set(webhooks.visible_deliveries(supervisor)) == {mine, theirs}


def test_agency_admin_page_and_redeliver(deliveries, admin_a, client_for):
    mine, theirs = deliveries
    web = client_for(admin_a)
    page = web.get("/publicity/deliveries/")
    assert page.status_code == 200
    assert f"/publicity/deliveries/{mine.pk}/redeliver/" in page.content.decode()
    assert f"/publicity/deliveries/{theirs.pk}/redeliver/" not in page.content.decode()
    assert web.post(f"/publicity/deliveries/{theirs.pk}/redeliver/").status_code == 404
    with pytest.raises(PermissionDenied):
        webhooks.redeliver(theirs, admin_a)
    assert not WebhookDelivery.objects.filter(redelivery_of=theirs).exists()


def test_open_case_error_never_names_another_agencys_officer(
    handler_a, officer_a1, officer_b1, api_for
):
    r = api_for(handler_a).post(
        "/api/cases/",
        {
            "act_type": "inspection",
            "title": "日常检查",
            "source": "patrol",
            "officers": [officer_b1.pk],
        },
        format="json",
    )
    assert r.status_code == 400
    assert OTHER_OFFICER not in r.content.decode()


def test_on_the_spot_error_never_names_another_agencys_officer(handler_a, officer_b1, api_for):
    r = api_for(handler_a).post(
        "/api/cases/on-the-spot/", {"officers": [officer_b1.pk]}, format="json"
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert OTHER_OFFICER not in body and "officers" in r.json()["fields"]


def test_action_pick_lists_are_the_cases_agency(handler_a, officer_a1, officer_a2, officer_b1):
    from sanxiang.cases import actions
    from sanxiang.cases import services as cases
    from sanxiang.cases.models import CaseSource
    from sanxiang.core.fields import CaseActType

    case = cases.open_case(
        agency=handler_a.agency,
        actor=handler_a,
        act_type=CaseActType.INSPECTION,
        title="日常检查",
        source=CaseSource.PATROL,
        officers=[officer_a2],
    )
    form = actions.CaseAddHandlerIn(context={"case": case})
    assert set(form.fields["officer"].queryset) == {officer_a1, officer_a2}
    event = actions.CaseRecordEventIn(context={"case": case})
    assert officer_b1 not in set(event.fields["officers"].child_relation.queryset)
    # without a case the pick-lists are empty, never every agency's officers
    assert not actions.CaseAddHandlerIn().fields["officer"].queryset.exists()
    bad = actions.CaseAddHandlerIn(data={"officer": officer_b1.pk}, context={"case": case})
    assert not bad.is_valid()
    assert OTHER_OFFICER not in str(bad.errors)
