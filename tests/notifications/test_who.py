"""Who did what: the audit trails show name, role and account, and the demo users have
distinct names (two accounts named alike made the trail read as self-approval)."""

import random

import pytest
from django.urls import reverse

from sanxiang.notifications.templatetags.who import describe, party_type_label
from sanxiang.org.models import User

pytestmark = pytest.mark.django_db


def test_describe_names_role_and_account(handler_a):
    text = describe(handler_a)
    assert handler_a.full_name in text and "承办人" in text and "handler_a" in text
    assert describe(None, "system") == "系统"
    assert describe(None, "张三") == "张三"
    assert party_type_label("legal_person") not in ("", "legal_person")


def test_demo_users_have_distinct_names(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from sanxiang.org import demo

    demo.load({"rng": random.Random(20261123), "stdout": None})
    names = list(User.objects.exclude(full_name="").values_list("full_name", flat=True))
    assert len(names) > 20
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_case_timeline_and_review_show_accounts(steps, client_for, head_a, handler_a, reviewer_a):
    review = steps.accepted()
    c = client_for(head_a)
    timeline = c.get(reverse("cases:detail", args=[review.case_id])).content.decode()
    assert f"账号 {handler_a.username}" in timeline and f"账号 {head_a.username}" in timeline
    page = c.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert f"账号 {reviewer_a.username}" in page and "法制审核人员" in page
    assert f"{head_a.full_name}（机关负责人，账号 {head_a.username}）" in page


def test_checklist_crime_answer_reads_right(steps, client_for, head_a):
    review = steps.opinion()
    page = client_for(head_a).get(reverse("review:detail", args=[review.pk])).content.decode()
    assert "需要移送司法机关：<strong>未发现涉嫌犯罪，无需移送</strong>" in page
    assert "需要移送司法机关：<strong>符合" not in page
    assert "是否合法充分：<strong>符合</strong>" in page


def test_catalogue_version_names_its_publisher_with_role_and_account(
    client_for, agency_a, head_a, handler_a
):
    from tests.review.conftest import publish_powers

    version = publish_powers(agency_a, head_a).version
    page = client_for(handler_a).get(reverse("catalog:version", args=[version.pk])).content
    assert f"{head_a.full_name}（机关负责人，账号 {head_a.username}）" in page.decode()
