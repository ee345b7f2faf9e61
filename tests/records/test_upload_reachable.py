"""No dead end to the A/V upload (issue #13 item 1): the case page links to the case's
recordings and upload page, and the refusal "请先上传…" carries the links where it is done —
on the error page, in the case action form and in the API."""

import pytest
from django.urls import reverse

from sanxiang.core.errors import DomainError
from sanxiang.core.fields import RecordedActivity

from .test_lifecycle import _investigate, requires_inspection  # noqa: F401


def test_case_page_links_to_recordings_and_upload(case_a, handler_a, client_for):
    body = client_for(handler_a).get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    assert reverse("records:case", args=[case_a.pk]) in body
    assert reverse("records:upload", args=[case_a.pk]) in body


def test_case_page_offers_no_upload_to_someone_off_the_case(case_a, reviewer_a, client_for):
    body = client_for(reviewer_a).get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    assert reverse("records:case", args=[case_a.pk]) in body
    assert reverse("records:upload", args=[case_a.pk]) not in body


def test_refusal_names_where_to_upload(
    case_a,
    handler_a,
    officer_a1,
    officer_a2,
    requires_inspection,  # noqa: F811
):
    from sanxiang.cases import services as cases

    case = _investigate(case_a, handler_a)
    with pytest.raises(DomainError) as info:
        cases.record_event(
            case,
            handler_a,
            description="现场检查",
            activity=RecordedActivity.ON_SITE_INSPECTION,
            officers=[officer_a1, officer_a2],
        )
    urls = [url for _label, url in info.value.links]
    assert reverse("records:upload", args=[case.pk]) in urls
    assert any(url.startswith(reverse("records:case", args=[case.pk])) for url in urls)


def test_error_page_and_api_render_the_links(rf, handler_a):
    from sanxiang.core.api import exception_handler
    from sanxiang.core.middleware import DomainErrorMiddleware

    exc = DomainError("请先上传。", links=[("上传音像记录", "/records/case/1/upload/")])
    request = rf.get("/")
    request.user = handler_a
    page = DomainErrorMiddleware(lambda r: None).process_exception(request, exc)
    assert 'href="/records/case/1/upload/"' in page.content.decode()
    response = exception_handler(exc, {})
    assert response.data["links"] == [{"label": "上传音像记录", "url": "/records/case/1/upload/"}]
