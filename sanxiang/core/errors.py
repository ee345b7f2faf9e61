"""The one domain error type.

Services raise ``DomainError`` when a rule refuses an action. The message is a
translatable Chinese sentence meant for the user; ``code`` is a stable machine code
(see ``ErrorCode``) returned by the API next to the message.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    INVALID = "invalid", _("输入无效")
    PERMISSION_DENIED = "permission_denied", _("无权操作")
    NOT_FOUND = "not_found", _("记录不存在")
    ILLEGAL_TRANSITION = "illegal_transition", _("不允许的状态变更")
    DEADLINE = "deadline", _("期限不符合规定")
    CALENDAR_MISSING = "calendar_missing", _("缺少节假日安排")
    CERTIFICATE = "certificate", _("执法证不符合要求")
    IMPORT_FAILED = "import_failed", _("导入失败")
    CONFLICT = "conflict", _("数据冲突")
    REVIEW_REQUIRED = "review_required", _("须经法制审核")
    IMMUTABLE = "immutable", _("记录不可更改")


class DomainError(Exception):
    """A business rule refused the action. ``message`` is user-facing (zh-hans).

    ``links``: where the user does what the refusal asks for, as (label, url) pairs —
    a refusal that asks for an action links to where it is done (issue #13 item 1). The
    error page, the forms that show the refusal and the API (``"links"``) carry them."""

    def __init__(self, message, code=ErrorCode.INVALID, details=None, links=None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.details = details or []
        self.links = [(str(label), url) for label, url in (links or [])]

    def __str__(self):
        return str(self.message)


class PermissionDenied(DomainError):
    def __init__(self, message=None, details=None):
        super().__init__(
            message or _("您无权执行此操作。"), code=ErrorCode.PERMISSION_DENIED, details=details
        )
