"""The demo data holds reviews in every state, built through the services."""

import random

from sanxiang.catalog.models import CatalogKind, CatalogVersion, Power, VersionStatus
from sanxiang.core.fields import ActType
from sanxiang.org import demo as org_demo
from sanxiang.review import demo
from sanxiang.review.models import ExtensionStatus, Review, ReviewStatus


def _publish(agency, head, field, key):
    version = CatalogVersion.objects.create(
        agency=agency, kind=CatalogKind.POWERS, number=1, created_by=head
    )
    for code, name, act in (
        (f"{key}-CF-1", "行政处罚事项", ActType.PENALTY),
        (f"{key}-JC-1", "监督检查事项", ActType.INSPECTION),
    ):
        Power.objects.create(
            version=version,
            agency=agency,
            code=code,
            name=name,
            act_type=act,
            field=field,
            legal_basis="《中华人民共和国食品安全法》第一百二十四条",
        )
    CatalogVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, effective_from="2024-01-01", published_by=head
    )


def test_demo_reviews_in_every_state(db, settings, tmp_path):
    import datetime as dt

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEYS_DIR = tmp_path / "keys"
    ctx = {"rng": random.Random(1), "today": dt.date(2026, 11, 23)}
    org_demo.load(ctx)
    for key, agency in ctx["agencies"].items():
        _publish(agency, ctx["heads"][key], agency.fields[0], key)
    demo.load(ctx)
    scj = ctx["agencies"]["scj"]
    statuses = set(Review.objects.filter(agency=scj).values_list("status", flat=True))
    assert statuses >= set(ReviewStatus.values) - {ReviewStatus.WITHDRAWN}
    outcomes = set(Review.objects.filter(agency=scj).values_list("outcome", flat=True))
    assert outcomes >= {"agree", "correct", "refuse", "transfer"}
    assert Review.objects.filter(agency=scj, version=2).exists()
    assert Review.objects.filter(agency=scj, extensions__status=ExtensionStatus.PENDING).exists()
    from sanxiang.review.services import deadline_state

    states = {deadline_state(r, ctx["today"])[0] for r in Review.objects.filter(status="in_review")}
    assert {"nearing", "overdue", ""} <= states
