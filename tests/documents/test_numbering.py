"""案件编号 and 文号: one gap-free counter helper (django-sequences) and one prefix rule
(configured prefix, else short name, else full name) — sanxiang.core.numbering."""

import pytest
from django.db import transaction
from sequences.models import Sequence

from sanxiang.cases import services as cases
from sanxiang.cases.models import CasePolicy
from sanxiang.core import numbering


def _numbers(agency, make_issued):
    """(案件编号, 文号) drawn now for ``agency``."""
    with transaction.atomic():
        case_number = cases.next_number(agency, 2026, "立")
    document_number = make_issued("penalty_decision").number
    return case_number, document_number


def test_case_numbers_and_document_numbers_share_one_prefix_rule(agency_a, make_issued):
    agency_a.short_name = ""
    agency_a.save(update_fields=["short_name"])
    case_number, document_number = _numbers(agency_a, make_issued)
    # no short name: the full name in both (a case number used to take name[:4])
    assert case_number == "测试县市场监督管理局立〔2026〕1号"
    assert document_number.startswith("测试县市场监督管理局罚决〔")

    agency_a.short_name = "测市监"
    agency_a.save(update_fields=["short_name"])
    agency_a.refresh_from_db()
    case_number, document_number = _numbers(agency_a, make_issued)
    assert case_number == "测市监立〔2026〕2号"
    assert document_number.startswith("测市监罚决〔")

    CasePolicy.objects.update_or_create(agency=agency_a, defaults={"number_prefix": "测县市监"})
    agency_a.refresh_from_db()
    case_number, document_number = _numbers(agency_a, make_issued)
    assert case_number == "测县市监立〔2026〕3号"
    assert document_number.startswith("测县市监罚决〔")


def test_a_rolled_back_number_is_given_back(agency_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.next_serial("case", agency_a, "立", 2026) == 1
        raise RuntimeError("the caller failed after drawing its number")
    with transaction.atomic():
        assert numbering.next_serial("case", agency_a, "立", 2026) == 1  # no gap
        assert numbering.next_serial("case", agency_a, "立", 2026) == 2


def test_series_codes_and_years_count_apart(agency_a, agency_b):
    with transaction.atomic():
        assert numbering.next_serial("case", agency_a, "立", 2026) == 1
        assert numbering.next_serial("case", agency_a, "简", 2026) == 1
        assert numbering.next_serial("case", agency_a, "立", 2027) == 1
        assert numbering.next_serial("case", agency_b, "立", 2026) == 1
        assert numbering.next_serial("document", agency_a, "立", 2026) == 1
        assert numbering.next_serial("case", agency_a, "立", 2026) == 2
    assert Sequence.objects.get(name=f"case:{agency_a.pk}:立:2026").last == 2
    with pytest.raises(ValueError):
        numbering.sequence_name("complaint", agency_a.pk, "立", 2026)


@pytest.mark.django_db(transaction=True)
def test_numbering_outside_a_transaction_is_refused(agency_a):
    with pytest.raises(RuntimeError):
        numbering.next_serial("document", agency_a, "罚决", 2026)
