"""The demo catalogues load through the real importer and publish."""

import datetime as dt
from decimal import Decimal

from sanxiang.catalog import demo, services
from sanxiang.catalog.discretion import check_penalty, find_benchmarks
from sanxiang.catalog.major import MajorProposal, is_major
from sanxiang.catalog.models import CatalogKind, CatalogVersion, FineBasis
from sanxiang.core.fields import CaseActType, PartyType, RecordedActivity
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyLevel, Role
from tests.conftest import REGION, make_user


def small_ctx(sfj, supervisor):
    """The ctx of org.demo, reduced to what catalog.demo uses (faster than the full demo)."""
    ctx = {"supervisor_agency": sfj, "agencies": {}, "heads": {}}
    fields = {"scj": "market", "sthj": "environment", "cg": "urban", "jt": "transport"}
    for n, (key, field) in enumerate(fields.items(), start=1):
        agency = org.create_agency(
            name=f"演示{key}局",
            short_name=key,
            level=AgencyLevel.COUNTY,
            parent=sfj,
            usci=make_usci("11", "339999", f"MB1DM00{n:02d}"),
            region=REGION,
            fields=[field],
            address="青禾县政通路1号",
            phone="0570-8123010",
        )
        ctx["agencies"][key] = agency
        ctx["heads"][key] = make_user(f"{key}_head", Role.HEAD, agency)
    return ctx


def test_demo_load(sfj, supervisor):
    ctx = small_ctx(sfj, supervisor)
    demo.load(ctx)
    day = dt.date(2026, 11, 23)
    total = 0
    for key, agency in ctx["agencies"].items():
        powers = services.current_powers(agency, day)
        assert powers.count() >= 25
        total += powers.count()
        assert {p.act_type for p in powers} >= {"penalty", "coercion", "inspection", "licensing"}
        assert all(p.legal_refs for p in powers)
        for kind in CatalogKind:
            assert services.current_version(agency, kind, day) is not None, (key, kind)
    assert total >= 100
    assert not CatalogVersion.objects.filter(status="draft").exists()
    sthj = ctx["agencies"]["sthj"]
    tiers = [t for b in find_benchmarks(sthj, on_date=day) for t in b.tiers.all()]
    assert len(tiers) > 300
    assert sum(t.fine_basis != FineBasis.NONE for t in tiers) / len(tiers) > 0.95
    scj = ctx["agencies"]["scj"]
    p = MajorProposal(
        agency=scj,
        act_type=CaseActType.PENALTY_GENERAL,
        field="market",
        party_type=PartyType.NATURAL_PERSON,
        fine=Decimal(5000),
        on_date=day,
    )
    assert [r.code for r in is_major(p)] == ["SCJ-F01"]
    p.fine = Decimal(10001)
    assert {r.version.agency_id for r in is_major(p)} == {scj.pk, ctx["supervisor_agency"].pk}
    assert services.recording_required(scj, CaseActType.COERCION, RecordedActivity.SEIZURE, day)
    bench = find_benchmarks(ctx["agencies"]["jt"], text="旅客运输", on_date=day).get()
    tier = bench.tiers.get(order=1)
    assert check_penalty(tier, fine=Decimal(20000), base_amount=Decimal(5000)).within
