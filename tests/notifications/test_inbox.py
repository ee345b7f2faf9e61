"""待办: each kind appears for the right person only, counts, agency scoping; notifications
written when an item arrives; e-mail through the locmem backend; the SMS gateway."""

import pytest
from django.core import mail
from django.urls import reverse

from sanxiang.cases import services as cases
from sanxiang.cases.models import CaseSource
from sanxiang.complaints import services as complaints
from sanxiang.core.fields import ActType, CaseActType
from sanxiang.notifications import inbox
from sanxiang.notifications.models import Notification
from sanxiang.publicity.models import Publication
from sanxiang.records import access

pytestmark = pytest.mark.django_db

SENT = []


def fake_gateway(phone, text):
    SENT.append((phone, text))


def kinds(user):
    return [t.kind for t in inbox.for_user(user)]


def new_case(handler, power, officers, title="无证经营"):
    return cases.open_case(
        agency=handler.agency,
        actor=handler,
        act_type=CaseActType.PENALTY_GENERAL,
        title=title,
        source=CaseSource.COMPLAINT,
        power=power,
        place="测试县城关镇",
        facts="群众投诉。",
        parties=[
            {"party_type": "natural_person", "name": "张某", "id_number": "110101199003077774"}
        ],
        officers=officers,
    )


def test_opening_waits_for_head_of_same_agency_only(
    handler_a, head_a, head_b, reviewer_a, supervisor, officer_a1, power_a
):
    case = new_case(handler_a, power_a, [officer_a1])
    assert kinds(head_a) == ["opening"]
    assert "opening" not in kinds(handler_a)
    assert "opening" not in kinds(reviewer_a)
    assert kinds(head_b) == [] and kinds(supervisor) == []
    # the head was notified when it arrived; the actor was not
    assert Notification.objects.filter(user=head_a, url=reverse("cases:detail", args=[case.pk]))
    assert not Notification.objects.filter(user=handler_a).exists()
    cases.approve_opening(case, head_a, at=None)
    assert "opening" not in kinds(head_a)
    assert Notification.objects.filter(user=handler_a, title__contains="已批准立案").exists()


def test_review_flow_todos(steps, handler_a, reviewer_a, head_a, head_b, reviewer_b):
    review = steps.submitted()
    assert "review_unassigned" in kinds(head_a) and "review_unassigned" in kinds(reviewer_a)
    assert "review_unassigned" not in kinds(handler_a)
    assert "review_unassigned" not in kinds(head_b) + kinds(reviewer_b)
    assert Notification.objects.filter(user=reviewer_a, title__contains="待分配").exists()
    # assigned: only the assigned reviewer
    steps.accepted(review)
    assert "review_assigned" in kinds(reviewer_a)
    assert "review_unassigned" not in kinds(head_a)
    assert "review_assigned" not in kinds(head_a) + kinds(reviewer_b)
    assert Notification.objects.filter(user=reviewer_a, title__contains="分配给您").exists()
    # opinion returned: the submitting handler; the head now has a decision to make
    steps.opinion(review=review)
    assert "review_assigned" not in kinds(reviewer_a)
    assert "opinion_returned" in kinds(handler_a)
    assert "opinion_returned" not in kinds(reviewer_a)
    assert "decision" in kinds(head_a)
    assert "decision" not in kinds(handler_a) + kinds(head_b)
    assert Notification.objects.filter(user=handler_a, title__contains="审核意见已出具").exists()
    steps.decide()
    assert "decision" not in kinds(head_a)
    assert "opinion_returned" not in kinds(handler_a)


def test_publication_to_confirm_for_its_handlers(
    handler_a, handler_a2, head_a, handler_b, agency_a
):
    import datetime as dt

    Publication.objects.create(
        agency=agency_a,
        source_key="test:1",
        category=ActType.PENALTY,
        decision_date=dt.date(2026, 11, 20),
        document_number="测市监罚〔2026〕1号",
        handler_ids=[handler_a.pk],
    )
    assert "publication" in kinds(handler_a)
    assert "publication" in kinds(head_a)
    assert "publication" not in kinds(handler_a2)
    assert "publication" not in kinds(handler_b)


def test_publication_to_confirm_names_its_case(handler_a, officer_a1, power_a, agency_a):
    """The 公示确认 item names the case (编号 and 案由), not only the 文号 (role walk, #13)."""
    import datetime as dt

    case = new_case(handler_a, power_a, [officer_a1], title="销售过期食品")
    Publication.objects.create(
        agency=agency_a,
        source_key="test:2",
        case_id=case.pk,
        category=ActType.PENALTY,
        decision_date=dt.date(2026, 11, 20),
        document_number="测市监罚〔2026〕2号",
        handler_ids=[handler_a.pk],
    )
    [todo] = [t for t in inbox.for_user(handler_a) if t.kind == "publication"]
    assert "销售过期食品" in todo.title and "测市监罚〔2026〕2号" in todo.title


def test_access_request_for_head(handler_a, head_a, head_b, officer_a1, power_a):
    case = new_case(handler_a, power_a, [officer_a1])
    cases.approve_opening(case, head_a, at=None)
    req = access.request_access(handler_a, case, "核对现场情况")
    assert "access" in kinds(head_a)
    assert "access" not in kinds(handler_a) + kinds(head_b)
    assert Notification.objects.filter(user=head_a, title__contains="调阅申请").exists()
    access.decide_access(req, head_a, approve=True)
    assert "access" not in kinds(head_a)
    assert Notification.objects.filter(user=handler_a, title__contains="调阅申请已").exists()


def test_complaint_for_handlers_of_its_agency(handler_a, head_a, reviewer_a, handler_b, agency_a):
    c, _code = complaints.submit(kind="report", agency=agency_a, content="某超市销售过期面包。")
    assert "complaint" in kinds(handler_a) and "complaint" in kinds(head_a)
    assert "complaint" not in kinds(reviewer_a) + kinds(handler_b)
    assert Notification.objects.filter(user=handler_a, title__contains=c.number).exists()


def test_deadline_within_two_workdays_for_owners_only(handler_a, handler_a2, agency_a):
    import datetime as dt

    from sanxiang.core import clock
    from sanxiang.workdays import calendar, deadlines
    from sanxiang.workdays.models import TrackedDeadline

    deadlines.register(
        deadlines.DeadlineKind(
            key="test.notification",
            label="测试期限",
            model="notifications.Notification",
            field="created_at",
            is_open=lambda obj: True,
            owners=lambda obj: [obj.user],
            url=lambda obj: "/x/",
            describe=lambda obj: obj.title,
        )
    )
    try:
        near = Notification.objects.create(user=handler_a, title="近", created_at=clock.now())
        far = Notification.objects.create(user=handler_a, title="远", created_at=clock.now())
        today = clock.today()
        for obj, due in ((near, calendar.add_workdays(today, 2)), (far, today + dt.timedelta(30))):
            TrackedDeadline.objects.create(
                kind="test.notification",
                object_id=obj.pk,
                agency=agency_a,
                start=today,
                workdays=2,
                due=due,
            )
        titles = [t.title for t in inbox.for_user(handler_a) if t.kind == "deadline"]
        assert titles == ["测试期限：近"]
        assert "deadline" not in kinds(handler_a2)
    finally:
        deadlines._kinds.pop("test.notification", None)


def test_badge_counts_and_todo_page(client_for, head_a, handler_a, officer_a1, power_a):
    new_case(handler_a, power_a, [officer_a1], title="甲")
    new_case(handler_a, power_a, [officer_a1], title="乙")
    c = client_for(head_a)
    html = c.get(reverse("notifications:todos")).content.decode()
    assert "立案审批（2）" in html and "甲" in html and "乙" in html
    assert 'class="inbox-count"' in html
    assert inbox.count(head_a) == 2
    html = client_for(handler_a).get(reverse("notifications:todos")).content.decode()
    assert "暂无待办事项" in html


def test_mail_sent_with_locmem_backend(
    settings, django_capture_on_commit_callbacks, head_a, handler_a, officer_a1, power_a
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    head_a.email = "head@example.cn"
    head_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        new_case(handler_a, power_a, [officer_a1])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["head@example.cn"] and "待审批立案" in mail.outbox[0].subject


def test_no_mail_when_unconfigured_and_sms_gateway(
    settings, django_capture_on_commit_callbacks, head_a, handler_a, officer_a1, power_a
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "localhost"
    settings.SANXIANG_SMS_GATEWAY = "tests.notifications.test_inbox.fake_gateway"
    head_a.email = "head@example.cn"
    head_a.phone = "13800000000"
    head_a.save()
    SENT.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new_case(handler_a, power_a, [officer_a1])
    assert mail.outbox == []
    assert len(SENT) == 1 and SENT[0][0] == "13800000000"
