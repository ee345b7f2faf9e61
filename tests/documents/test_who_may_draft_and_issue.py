"""Who may draft and issue: the agency, the role, the handlers on the case."""

import pytest

from sanxiang.core.errors import PermissionDenied
from sanxiang.documents import services


def test_other_agency_refused(case_a, handler_a, handler_b, head_b, make_issued):
    # handler_a drafts; foreign users may neither draft, edit, issue nor correct
    with pytest.raises(PermissionDenied):
        services.create_draft(case_a, "penalty_decision", {}, handler_b)
    draft = services.create_draft(case_a, "penalty_decision", {}, handler_a)
    for actor in (handler_b, head_b):
        with pytest.raises(PermissionDenied):
            services.update_draft(draft, {"facts": "x"}, actor)
        with pytest.raises(PermissionDenied):
            services.issue_document(draft, actor)
    issued = make_issued("prior_notice")
    with pytest.raises(PermissionDenied):
        services.correct_document(issued, {"facts": "x"}, "理由", head_b)


def test_roles(case_a, handler_a, head_a, reviewer_a, supervisor, admin_user):
    # the head may draft and issue
    doc = services.create_draft(case_a, "other", {"title": "通知", "body": "正文"}, head_a)
    assert services.issue_document(doc, head_a).number
    # a reviewer may not draft a penalty decision, but may draft the review opinion
    with pytest.raises(PermissionDenied):
        services.create_draft(case_a, "penalty_decision", {}, reviewer_a)
    services.create_draft(case_a, "review_opinion", {}, reviewer_a)
    # a handler may not draft the review opinion (办审分离)
    with pytest.raises(PermissionDenied):
        services.create_draft(case_a, "review_opinion", {}, handler_a)
    for actor in (supervisor, admin_user):
        with pytest.raises(PermissionDenied):
            services.create_draft(case_a, "penalty_decision", {}, actor)


def test_handler_not_on_the_case_refused(case_a, agency_a):
    from sanxiang.org.models import Role
    from tests.conftest import make_user

    outsider = make_user("handler_a9", Role.HANDLER, agency_a, "局外人")
    with pytest.raises(PermissionDenied, match="办案人员"):
        services.create_draft(case_a, "penalty_decision", {}, outsider)
