"""DRF glue: the one error shape of the API, the JSON parser that accepts only an object as
a request body (the schema side of the error shape: ``core.api_schema``).

Every API error answers ``{"code", "detail"}`` (issue #17 item 3): ``code`` is one of
``sanxiang.core.errors.ErrorCode``, ``detail`` a Chinese sentence. Where present a refusal
adds ``"links"`` (where to do what it asks) and ``"errors"`` (its details); a serializer
validation error is ``{"code": "validation_error", "detail": "…", "fields": {field: [..]}}``.
``exception_handler`` does this for DomainError, every DRF exception (authentication,
throttling, 404, 405, parse errors…) and Django's Http404/PermissionDenied; ``not_found``
/ ``permission_denied`` / ``server_error`` answer Django's own 404/403/500 on /api/ paths
(``handler404``… in ``sanxiang/urls.py``)."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from .errors import DomainError, ErrorCode, http_status

NON_FIELD = "non_field_errors"


def _text(value) -> str:
    """The first message of a DRF error detail (str, list or dict), as plain text."""
    if isinstance(value, Mapping):
        return "；".join(
            f"{k}：{_text(v)}" if k != NON_FIELD else _text(v) for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return "；".join(_text(v) for v in value)
    return str(value)


def _plain(value):
    """DRF's ErrorDetail tree as plain JSON (strings, lists, dicts)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def domain_error_body(exc: DomainError) -> dict:
    body = {"code": str(exc.code), "detail": str(exc.message)}
    if exc.details:
        body["errors"] = [str(d) if not isinstance(d, dict) else d for d in exc.details]
    if exc.links:
        body["links"] = [{"label": label, "url": url} for label, url in exc.links]
    return body


def _code_of(exc) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str) and codes in ErrorCode.values:
        return codes
    default = getattr(exc, "default_code", "")
    return default if default in ErrorCode.values else ErrorCode.INVALID


class BadFilter(exceptions.ValidationError):
    """A list endpoint's query parameters failed its FilterSet (``core.api_filters``):
    400 ``bad_filter`` with the per-parameter messages under ``fields``."""

    default_code = ErrorCode.BAD_FILTER.value


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(domain_error_body(exc), status=http_status(exc.code))
    # imported here: rest_framework.views reads the parser classes (this module) at import
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: a 500, reported as such
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(exc, BadFilter):
            code, lead = ErrorCode.BAD_FILTER, _("查询条件有误：%(e)s")
        else:
            code, lead = ErrorCode.VALIDATION_ERROR, _("提交的数据有误：%(e)s")
        body = {"code": code.value, "detail": ""}
        if isinstance(data, Mapping):
            body["fields"] = _plain(data)
        summary = _text(data)
        body["detail"] = str(lead % {"e": summary}) if summary else str(code.label)
        response.data = body
        return response
    if isinstance(data, Mapping) and "code" in data and "detail" in data:
        # already in shape (e.g. AuthenticationFailed({"code": "token_expired", ...}))
        response.data = {k: _plain(v) for k, v in data.items()}
        return response
    detail = data.get("detail", data) if isinstance(data, Mapping) else data
    response.data = {"code": str(_code_of(exc)), "detail": _text(detail)}
    return response


# --------------------------------------------------------- Django's own 404/403/500 on /api/
def _json_or(default_view):
    def view(request, exception=None):
        if request.path.startswith("/api/"):
            status = {"page_not_found": 404, "permission_denied": 403}.get(
                default_view.__name__, 500
            )
            code, text = {
                404: (ErrorCode.NOT_FOUND, _("接口或记录不存在。")),
                403: (ErrorCode.PERMISSION_DENIED, _("您无权执行此操作。")),
                500: (ErrorCode.SERVER_ERROR, _("服务器内部错误，已记录，请稍后再试。")),
            }[status]
            return JsonResponse(
                {"code": code.value, "detail": str(text)},
                status=status,
                json_dumps_params={"ensure_ascii": False},
            )
        if exception is None:
            return default_view(request)
        return default_view(request, exception)

    view.__name__ = f"api_aware_{default_view.__name__}"
    return view


def _defaults():
    from django.views import defaults

    return defaults


def not_found(request, exception=None):
    return _json_or(_defaults().page_not_found)(request, exception)


def permission_denied(request, exception=None):
    return _json_or(_defaults().permission_denied)(request, exception)


def server_error(request):
    return _json_or(_defaults().server_error)(request)


# ---------------------------------------------------------------------------- the parser
class ObjectJSONParser(JSONParser):
    """Every endpoint takes a JSON object (or no body): ``null``, a list or a bare value is
    refused with 400 here, before a serializer sees it (``Serializer(data=None)`` would
    otherwise fail with an AssertionError, a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, Mapping):
            raise ParseError(_("请求体必须是 JSON 对象（{…}）。"))
        return data
