"""DRF glue: DomainError -> HTTP 4xx with the Chinese message and the error code; the JSON
parser that accepts only an object as a request body."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError, ErrorCode

_STATUS = {
    ErrorCode.PERMISSION_DENIED: status.HTTP_403_FORBIDDEN,
    ErrorCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorCode.CONFLICT: status.HTTP_409_CONFLICT,
}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": str(exc.code), "detail": str(exc.message)}
        if exc.details:
            body["errors"] = [str(d) if not isinstance(d, dict) else d for d in exc.details]
        if exc.links:
            body["links"] = [{"label": label, "url": url} for label, url in exc.links]
        return Response(body, status=_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST))
    return drf_exception_handler(exc, context)


class ObjectJSONParser(JSONParser):
    """Every endpoint takes a JSON object (or no body): ``null``, a list or a bare value is
    refused with 400 here, before a serializer sees it (``Serializer(data=None)`` would
    otherwise fail with an AssertionError, a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, Mapping):
            raise ParseError(_("请求体必须是 JSON 对象（{…}）。"))
        return data
