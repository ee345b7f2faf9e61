"""A handler of agency A sees nothing of agency B — through pages, admin and API;
a supervisor sees its subtree."""

from django.contrib.auth.models import Permission

from sanxiang.org.models import Certificate, Officer
from sanxiang.org.scoping import scope, visible_agencies


def test_scope_call(handler_a, agency_a, agency_b, officer_a1, officer_b1, supervisor, admin_user):
    assert list(visible_agencies(handler_a)) == [agency_a]
    assert set(scope(Officer.objects.all(), handler_a)) == {officer_a1}
    assert set(scope(Officer.objects.all(), supervisor)) == {officer_a1, officer_b1}
    assert set(scope(Officer.objects.all(), admin_user)) == {officer_a1, officer_b1}


def test_pages(client_for, handler_a, agency_b, officer_b1):
    client = client_for(handler_a)
    assert client.get(f"/org/agencies/{agency_b.pk}/").status_code == 404
    page = client.get("/org/agencies/").content.decode()
    assert agency_b.name not in page
    assert (
        client.get(f"/org/certificates/{officer_b1.certificates.get().number}/").status_code == 404
    )


def test_api(api_for, handler_a, agency_a, agency_b, officer_a1, officer_b1):
    api = api_for(handler_a)
    agencies = api.get("/api/org/agencies/").json()["results"]
    assert [a["id"] for a in agencies] == [agency_a.pk]
    assert api.get(f"/api/org/agencies/{agency_b.pk}/").status_code == 404
    officers = api.get("/api/org/officers/").json()["results"]
    assert [o["id"] for o in officers] == [officer_a1.pk]
    assert api.get(f"/api/org/officers/{officer_b1.pk}/").status_code == 404
    cert_b = Certificate.objects.get(officer=officer_b1)
    assert api.get(f"/api/org/certificates/{cert_b.pk}/").status_code == 404
    assert (
        api.get(
            f"/api/org/may-enforce/?officer={officer_b1.pk}&field=environment&region=x"
        ).status_code
        == 404
    )


def test_admin(client_for, head_a, head_b, officer_a1, officer_b1, agency_b):
    client = client_for(head_a)  # heads are staff: they use the scoped admin
    head_a.user_permissions.add(*Permission.objects.filter(content_type__app_label="org"))
    listing = client.get("/admin/org/officer/").content.decode()
    assert officer_a1.name in listing and officer_b1.name not in listing
    assert client.get(f"/admin/org/officer/{officer_b1.pk}/change/").status_code in (302, 404)
    assert client.get(f"/admin/org/agency/{agency_b.pk}/change/").status_code in (302, 404)


def test_supervisor_sees_subtree_through_api(api_for, supervisor, agency_a, agency_b, sfj):
    ids = {a["id"] for a in api_for(supervisor).get("/api/org/agencies/").json()["results"]}
    assert ids == {sfj.pk, agency_a.pk, agency_b.pk}


def test_anonymous_gets_nothing(client, officer_a1):
    assert client.get("/api/org/officers/").status_code in (401, 403)
    assert client.get("/org/agencies/").status_code == 302


def test_enforce_check_page_refuses_a_bad_date(client_for, handler_a, officer_a1):
    page = client_for(handler_a).get(
        f"/org/enforce-check/?officer={officer_a1.pk}&field=market&region=x&date=2026-13-40"
    )
    body = page.content.decode()
    assert "日期格式应为 YYYY-MM-DD" in body and "TEST-A-0001" not in body
