"""Ledger admin: visible, strictly read-only."""

import pytest
from django.contrib import admin

from sanxiang.ledger import services
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf, NodeHash, SignedTreeHead, TreeState

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Leaf, NodeHash, SignedTreeHead, TreeState])
def test_registered_read_only(model, rf, admin_user):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert str(model._meta.verbose_name)  # Chinese verbose name


def test_changelist_and_detail_render(client, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    services.append_many([(EventType.CASE_OPENED, "case:1", {"案由": "测试"})] * 3)
    services.sign_tree_head()
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    for url in (
        "/admin/ledger/leaf/",
        f"/admin/ledger/leaf/{services.tree_size() - 1}/change/",
        "/admin/ledger/signedtreehead/",
        "/admin/ledger/nodehash/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get("/admin/ledger/leaf/add/").status_code == 403
