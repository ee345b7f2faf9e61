"""Admin edits of agencies, users, officers and case policies go through the services and
are ledgered; read-only admin pages refuse POST (issue #11 item 12)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.forms import CheckboxInput

from sanxiang.cases.models import CasePolicy
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.org import services
from sanxiang.org.demo import make_usci
from sanxiang.org.models import Agency, AgencyLevel, Officer, Role, User
from tests.conftest import make_officer


def form_data(client, url):
    """The admin form's current values as POST data (as a browser would send them)."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    for inline in response.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def leaves(event_type):
    return list(Leaf.objects.filter(event_type=event_type).order_by("index"))


@pytest.fixture
def root(admin_user, client_for):
    return client_for(admin_user)


def test_agency_change_writes_agency_changed_with_before_and_after(root, agency_a, admin_user):
    url = f"/admin/org/agency/{agency_a.pk}/change/"
    data = form_data(root, url)
    data.update(name="测试县市场监督管理局（更名）", phone="0571-88886666")
    response = root.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agency_a.refresh_from_db()
    assert agency_a.name == "测试县市场监督管理局（更名）"
    [leaf] = leaves(EventType.AGENCY_CHANGED)
    assert leaf.subject == f"agency:{agency_a.pk}"
    assert leaf.actor_id == admin_user.pk
    changes = leaf.payload["changes"]
    assert changes == {
        "name": {"before": "测试县市场监督管理局", "after": "测试县市场监督管理局（更名）"},
        "phone": {"before": "", "after": "0571-88886666"},
    }


def test_agency_unchanged_post_writes_nothing(root, agency_a):
    url = f"/admin/org/agency/{agency_a.pk}/change/"
    assert root.post(url, form_data(root, url)).status_code == 302
    assert leaves(EventType.AGENCY_CHANGED) == []


def test_agency_added_in_admin_goes_through_the_service(root, sfj):
    url = "/admin/org/agency/add/"
    data = form_data(root, url)
    usci = make_usci("11", "339999", "MB1TQ0077")
    data.update(
        name="测试县应急管理局",
        level=AgencyLevel.COUNTY,
        usci=usci,
        region="测试县",
        parent=str(sfj.pk),
        fields="[]",
    )
    response = root.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agency = Agency.objects.get(usci=usci)
    assert agency.path == f"{sfj.path}{agency.pk}/"  # the service sets the tree path
    assert leaves(EventType.AGENCY_CREATED)[-1].subject == f"agency:{agency.pk}"


def test_agency_moved_under_its_own_subtree_is_refused_and_nothing_written(root, sfj, agency_a):
    url = f"/admin/org/agency/{sfj.pk}/change/"
    data = form_data(root, url)
    data.update(parent=str(agency_a.pk), name="改了名字")
    response = root.post(url, data, follow=True)
    assert "不能把机关移到其自身或其下级机关之下" in response.content.decode()
    sfj.refresh_from_db()
    assert sfj.parent_id is None and sfj.name == "测试县司法局"
    assert leaves(EventType.AGENCY_CHANGED) == []


def test_agency_move_rewrites_subtree_paths(sfj, agency_a, agency_b, admin_user):
    services.update_agency(agency_b, actor=admin_user, changes={"parent": agency_a})
    agency_b.refresh_from_db()
    assert agency_b.path == f"{agency_a.path}{agency_b.pk}/"
    [leaf] = leaves(EventType.AGENCY_CHANGED)
    assert leaf.payload["changes"]["parent"] == {"before": sfj.pk, "after": agency_a.pk}


def test_user_change_is_ledgered_and_contact_data_only_digested(root, handler_a, admin_user):
    url = f"/admin/org/user/{handler_a.pk}/change/"
    data = form_data(root, url)
    data.update(role=Role.REVIEWER, phone="13800138000")
    response = root.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    handler_a.refresh_from_db()
    assert handler_a.role == Role.REVIEWER
    [leaf] = leaves(EventType.USER_CHANGED)
    changes = leaf.payload["changes"]
    assert changes["role"] == {"before": Role.HANDLER, "after": Role.REVIEWER}
    assert set(changes["phone"]) == {"before_sha256", "after_sha256"}
    assert "13800138000" not in str(leaf.payload)


def test_user_admin_cannot_make_an_agency_user_superuser(root, handler_a):
    url = f"/admin/org/user/{handler_a.pk}/change/"
    data = form_data(root, url)
    data.update(is_superuser="on")
    response = root.post(url, data, follow=True)
    assert "只有系统管理员账号可以拥有超级用户权限" in response.content.decode()
    handler_a.refresh_from_db()
    assert not handler_a.is_superuser
    assert leaves(EventType.USER_CHANGED) == []


def test_user_form_has_no_groups_or_permissions(root, handler_a):
    response = root.get(f"/admin/org/user/{handler_a.pk}/change/")
    fields = response.context["adminform"].form.fields
    assert "groups" not in fields and "user_permissions" not in fields


def test_user_added_in_admin_is_ledgered(root, agency_a, admin_user):
    url = "/admin/org/user/add/"
    data = form_data(root, url)
    data.update(
        username="newhandler",
        usable_password="true",
        password1="Zx9!long-enough-pass",
        password2="Zx9!long-enough-pass",
        agency=str(agency_a.pk),
        role=Role.HANDLER,
        full_name="新承办人",
    )
    response = root.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="newhandler")
    assert user.agency == agency_a and user.check_password("Zx9!long-enough-pass")
    leaf = leaves(EventType.USER_CREATED)[-1]
    assert leaf.subject == f"user:{user.pk}" and leaf.actor_id == admin_user.pk
    assert "Zx9" not in str(leaf.payload)


def test_password_set_by_admin_is_ledgered(root, handler_a):
    url = f"/admin/org/user/{handler_a.pk}/password/"
    response = root.post(
        url,
        {"password1": "Qw3!another-long-pass", "password2": "Qw3!another-long-pass"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    handler_a.refresh_from_db()
    assert handler_a.check_password("Qw3!another-long-pass")
    [leaf] = leaves(EventType.USER_CHANGED)
    assert leaf.payload["changes"] == {"password": {"reset_by_admin": True}}


def test_officer_change_and_add_are_ledgered(root, handler_a, agency_a):
    officer = make_officer(handler_a, "market", "TEST-A-0901")
    url = f"/admin/org/officer/{officer.pk}/change/"
    data = form_data(root, url)
    data.update(position="副科长")
    assert root.post(url, data).status_code == 302
    [leaf] = leaves(EventType.OFFICER_CHANGED)
    assert leaf.payload["changes"] == {"position": {"before": "", "after": "副科长"}}

    url = "/admin/org/officer/add/"
    data = form_data(root, url)
    data.update(agency=str(agency_a.pk), name="王五", id_number="11010519491231002X")
    assert root.post(url, data).status_code == 302
    new = Officer.objects.get(name="王五")
    leaf = leaves(EventType.OFFICER_CREATED)[-1]
    assert leaf.subject == f"officer:{new.pk}"
    assert "11010519491231002X" not in str(leaf.payload)


def test_officer_with_invalid_id_number_is_refused(root, agency_a):
    url = "/admin/org/officer/add/"
    data = form_data(root, url)
    data.update(agency=str(agency_a.pk), name="赵六", id_number="110105194912310021")
    response = root.post(url, data, follow=True)
    assert "居民身份证号码" in response.content.decode()
    assert not Officer.objects.filter(name="赵六").exists()
    assert leaves(EventType.OFFICER_CREATED) == []


def test_certificate_admin_is_read_only(root, handler_a):
    officer = make_officer(handler_a, "market", "TEST-A-0902")
    cert = officer.certificates.get()
    url = f"/admin/org/certificate/{cert.pk}/change/"
    assert root.get(url).status_code == 200  # view page
    response = root.post(url, {"status": "revoked", "expires_on": "2099-01-01"})
    assert response.status_code == 403
    cert.refresh_from_db()
    assert cert.status == "valid" and cert.expires_on == dt.date(2029, 12, 31)


def test_publication_policy_admin_is_read_only(root, agency_a):
    from sanxiang.publicity.models import PublicationPolicy

    policy = PublicationPolicy.objects.create(agency=agency_a)
    url = f"/admin/publicity/publicationpolicy/{policy.pk}/change/"
    response = root.post(url, {"require_confirmation": ""})
    assert response.status_code == 403


def test_case_policy_admin_change_is_ledgered(root, agency_a, admin_user):
    url = "/admin/cases/casepolicy/add/"
    data = form_data(root, url)
    data.update(agency=str(agency_a.pk))
    assert root.post(url, data).status_code == 302
    policy = CasePolicy.objects.get(agency=agency_a)
    assert leaves(EventType.CASE_POLICY_CHANGED)[-1].payload["created"] is True

    url = f"/admin/cases/casepolicy/{policy.pk}/change/"
    data = form_data(root, url)
    data.update(hearing_fine_person="20000.00")
    assert root.post(url, data).status_code == 302
    policy.refresh_from_db()
    assert policy.hearing_fine_person == Decimal("20000.00")
    leaf = leaves(EventType.CASE_POLICY_CHANGED)[-1]
    assert leaf.payload["changes"] == {
        "hearing_fine_person": {"before": "10000.00", "after": "20000.00"}
    }


def test_case_policy_of_another_agency_refused_for_a_head(client_for, head_a, agency_b):
    from sanxiang.cases.services.case_policy import save_policy
    from sanxiang.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        save_policy(agency_b, actor=head_a, values={"decision_days": 60})
    assert not CasePolicy.objects.filter(agency=agency_b).exists()
