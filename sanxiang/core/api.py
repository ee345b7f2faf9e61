"""DRF glue: DomainError -> HTTP 4xx with the Chinese message and the error code."""

from rest_framework import status
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
        return Response(body, status=_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST))
    return drf_exception_handler(exc, context)
