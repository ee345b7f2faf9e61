"""The dead ends the role walk found, checked without a browser: the case page links to the
case's 法制审核 once the case is in 审查决定, and the case's A/V records page links back to
the case (issue #13: no page without a link to the next step)."""

import pytest

from tests.review.conftest import case_a, power_a  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_case_in_decision_links_to_its_review(frozen_day, client_for, case_a, handler_a):  # noqa: F811
    page = client_for(handler_a).get(f"/cases/{case_a.pk}/").content.decode()
    assert f'href="/review/cases/{case_a.pk}/"' in page


def test_case_records_page_links_back_to_the_case(frozen_day, client_for, case_a, handler_a):  # noqa: F811
    page = client_for(handler_a).get(f"/records/case/{case_a.pk}/").content.decode()
    assert f'href="/cases/{case_a.pk}/"' in page
