"""The province bench's parties (bench/province_bench.py), as docs/ledger.md §7 describes
them: one published decision in ten against one of 100 chain branches (a branch in one
decision of 1,000 at any size), the others against companies of their own with one or two
decisions each, so that the number of companies grows with the province (10³ at 10⁴ cases,
10⁵ at 10⁶) and a company's name finds the same few decisions at any size.

Plain Python over the generator's name functions; nothing is generated in a database.
"""

from collections import Counter

from tests.bench import bench_module

pb = bench_module("province_bench")


def published(cases):
    """The published decisions' numbers j of a province of ``cases`` cases."""
    return range(cases // pb.PUBLISHED_SHARE)


def test_companies_grow_with_the_province_and_keep_their_few_decisions():
    for cases, companies in ((pb.SMALL, 1_000), (1_000_000, 100_000)):
        names = Counter(pb._party_name(j) for j in published(cases))
        chains = {n for n in names if "连锁" in n}
        own = {n: c for n, c in names.items() if n not in chains}
        assert len(chains) == 100
        assert len(own) == companies
        assert set(own.values()) == {1, 2}
        # every chain branch in one decision of 1,000
        assert {names[n] for n in chains} == {cases // pb.PUBLISHED_SHARE // 1000}


def test_a_company_name_is_unique_within_town_and_trade():
    seen = {}
    for k in range(100_000):
        name = pb._company(k)
        assert name not in seen, (k, seen.get(name))
        seen[name] = k
    assert len(pb.MARKS2) == len(set(pb.MARKS2)) == 1560


def test_the_searched_companies_are_in_the_small_stage_with_the_same_decisions_at_scale():
    small = Counter(pb._party_name(j) for j in published(pb.SMALL))
    big = Counter(pb._party_name(j) for j in published(1_000_000))
    names = pb._searched_companies()
    assert len(set(names)) == 3
    for name in names:
        assert "连锁" not in name
        assert small[name] == big[name] >= 1
    for k in pb.SEARCHED_CHAINS:
        assert big[pb._chain(k)] == 100 * small[pb._chain(k)] == 200
