"""Request bodies are bounded before they reach the disk (issue #12 item 9).

An over-limit body is refused on its Content-Length, first in the middleware stack: nothing
of it is read, parsed or spooled to a temp file. A body streamed without Content-Length is
refused as well (411)."""

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


class EndlessBody(io.RawIOBase):
    """A request body of ``size`` bytes that counts how much of it was read."""

    def __init__(self, size):
        self.size, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"x" * n
        self.read_bytes += n
        return n


def _post(path, size, *, content_length=True, content_type="multipart/form-data; boundary=B"):
    """POST ``size`` bytes to ``path`` through the real WSGI handler (as granian would)."""
    body = EndlessBody(size)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": content_type,
        "HTTP_COOKIE": "csrftoken=" + "a" * 32,
        "wsgi.input": io.BufferedReader(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    if content_length:
        environ["CONTENT_LENGTH"] = str(size)
    else:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    status = []
    chunks = WSGIHandler()(environ, lambda s, h, *a: status.append(s))
    content = b"".join(chunks)
    return int(status[0].split()[0]), content.decode(), body


@pytest.fixture
def temp_dir(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


def _bytes_in(path):
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "path,size",
    [
        ("/accounts/login/", 300 * MIB),
        ("/gs/yq/", 1024 * MIB),
        ("/gs/ts/", 100 * MIB),
        ("/gs/ts/cx/", 1 * MIB),
    ],
)
def test_over_limit_body_is_413_and_nothing_is_read(temp_dir, path, size):
    status, content, body = _post(path, size)
    assert status == 413
    assert "请求内容过大" in content
    assert body.read_bytes == 0
    assert _bytes_in(temp_dir) == 0


def test_over_limit_body_under_api_is_json_413(temp_dir):
    status, content, body = _post("/api/auth/token/", 5 * MIB, content_type="application/json")
    assert status == 413
    assert '"code": "too_large"' in content and "请求内容过大" in content
    assert body.read_bytes == 0


def test_streamed_body_without_length_is_refused(temp_dir):
    status, content, body = _post("/gs/yq/", 1024 * MIB, content_length=False)
    assert status == 411
    assert "Content-Length" in content
    assert body.read_bytes == 0
    assert _bytes_in(temp_dir) == 0


def test_seal_check_under_its_limit_is_still_checked(temp_dir):
    """A PDF between the check's own 10 MB and the body limit gets the check's message."""
    upload = io.BytesIO(b"%PDF-1.7\n" + b"0" * (11 * MIB))
    upload.name = "big.pdf"
    response = Client().post("/gs/yq/", {"pdf": upload})
    assert response.status_code == 400
    assert "10 MB" in response.content.decode()


def test_login_under_the_limit_works(handler_a):
    response = Client().post(
        "/accounts/login/", {"username": "handler_a", "password": "Test-pass-2026"}
    )
    assert response.status_code == 302


def test_resumable_upload_is_left_to_its_own_limits(settings):
    from sanxiang.core.middleware import _limit_for

    assert _limit_for("/api/records/uploads/abc/", settings.REQUEST_BODY_LIMITS) is None
    assert _limit_for("/gs/yq/", settings.REQUEST_BODY_LIMITS) == 20 * MIB
    assert _limit_for("/accounts/login/", settings.REQUEST_BODY_LIMITS) == 64 * 1024
    assert _limit_for("/cases/1/", settings.REQUEST_BODY_LIMITS) == 50 * MIB
