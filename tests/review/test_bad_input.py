"""Malformed ids in the review API are 404, never a 500 (issue #12 item 8)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api(head_a):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user=head_a)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/review/extensions/abc/decide/",
        "/api/review/disputes/abc/collective-discussion/",
        "/api/review/extensions/99999999999999999999/decide/",
        "/api/review/disputes/99999999999999999999/collective-discussion/",
        "/api/review/extensions/%C2%B2/decide/",
        "/api/review/reviews/abc/accept/",
    ],
)
def test_malformed_ids_are_404(api, url):
    response = api.post(url, {}, format="json")
    assert response.status_code == 404, response.content


@pytest.mark.parametrize(
    "url",
    [
        "/api/review/reviews/abc/",
        "/api/review/reviews/99999999999999999999/",
        "/api/review/reviews/?case=99999999999999999999",
        "/api/review/reviews/?case=%C2%B2",
        "/api/review/reviews/?status=%00",
    ],
)
def test_malformed_reads_are_4xx_or_empty(api, url):
    response = api.get(url)
    assert response.status_code in (200, 400, 404), response.content
