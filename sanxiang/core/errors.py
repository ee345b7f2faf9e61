"""The one domain error type and THE list of error codes.

Services raise ``DomainError`` when a rule refuses an action. The message is a
translatable Chinese sentence meant for the user; ``code`` is a stable machine code
(one of ``ErrorCode``, each with a Chinese description and an HTTP status in ``STATUS``)
returned by the API next to the message as ``{"code", "detail"}``.

Every raise names its code explicitly (``tests/core/test_error_codes.py`` scans the
source); ``invalid`` is kept only for what cannot be classified (DRF's generic
``ValidationError`` code), never for a ``DomainError``. The list is documented in the
OpenAPI schema (``ErrorResponse.code`` enum, ``sanxiang.core.api``) and in
docs/errors.md.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    # --- general
    INVALID = "invalid", _("输入无效")
    VALIDATION_ERROR = "validation_error", _("提交的数据未通过校验（各字段的问题见 fields）")
    REQUIRED = "required", _("缺少必填内容")
    REASON_REQUIRED = "reason_required", _("须写明理由或原因")
    BAD_FORMAT = "bad_format", _("格式不正确")
    BAD_CHOICE = "bad_choice", _("取值不在可选范围内")
    BAD_FILTER = "bad_filter", _("列表的查询条件无效（各参数的问题见 fields）")
    OUT_OF_RANGE = "out_of_range", _("数值、长度或期间超出允许范围")
    BAD_DATE = "bad_date", _("日期或时间不合理（晚于今天或早于前一环节）")
    UNKNOWN_FIELD = "unknown_field", _("包含不允许填写或修改的字段")
    INCONSISTENT = "inconsistent", _("填写的内容相互矛盾")
    NO_CHANGE = "no_change", _("没有需要更改的内容")
    # --- rules of the procedure
    PERMISSION_DENIED = "permission_denied", _("无权操作")
    NOT_IN_SCOPE = "not_in_scope", _("所选对象不属于本机关或本案")
    NOT_FOUND = "not_found", _("记录不存在")
    ILLEGAL_TRANSITION = "illegal_transition", _("不允许的状态变更")
    WRONG_STATE = "wrong_state", _("当前状态下不能办理此事项")
    MISSING_MATERIAL = "missing_material", _("材料、文书或必备要素不齐全")
    LEGAL_REQUIREMENT = "legal_requirement", _("不符合法律或制度的规定")
    DEADLINE = "deadline", _("期限不符合规定")
    CALENDAR_MISSING = "calendar_missing", _("缺少节假日安排")
    CERTIFICATE = "certificate", _("执法证不符合要求")
    REVIEW_REQUIRED = "review_required", _("须经法制审核")
    EMPTY_SAMPLE = "empty_sample", _("没有可抽取的对象")
    CONFLICT = "conflict", _("数据冲突")
    IMMUTABLE = "immutable", _("记录不可更改")
    IMPORT_FAILED = "import_failed", _("导入失败")
    # --- files and uploads
    BAD_FILE = "bad_file", _("文件为空、过大或类型不符")
    UPLOAD_INVALID = "upload_invalid", _("上传请求不符合断点续传协议")
    CHECKSUM_MISMATCH = "checksum_mismatch", _("数据校验值不一致")
    # --- accounts and requests (middleware, authentication, DRF)
    INVALID_CREDENTIALS = "invalid_credentials", _("用户名或密码不正确")
    WRONG_OTP = "wrong_otp", _("验证码不正确")
    NOT_AUTHENTICATED = "not_authenticated", _("未登录或未提供身份凭证")
    AUTHENTICATION_FAILED = "authentication_failed", _("身份认证失败")
    TOKEN_INVALID = "token_invalid", _("API 令牌无效")
    TOKEN_REVOKED = "token_revoked", _("API 令牌已吊销")
    TOKEN_EXPIRED = "token_expired", _("API 令牌已过期")
    USER_INACTIVE = "user_inactive", _("账号已停用")
    SESSION_EXPIRED = "session_expired", _("登录已超时")
    PASSWORD_CHANGE_REQUIRED = "password_change_required", _("须先修改密码")
    TWO_FACTOR_REQUIRED = "two_factor_required", _("须先完成两步验证")
    LOCKED_OUT = "locked_out", _("登录失败次数过多，已暂停登录")
    THROTTLED = "throttled", _("请求过于频繁")
    METHOD_NOT_ALLOWED = "method_not_allowed", _("不支持该请求方法")
    NOT_ACCEPTABLE = "not_acceptable", _("无法提供所要求的响应格式")
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", _("不支持的请求内容类型")
    PARSE_ERROR = "parse_error", _("请求体无法解析")
    LENGTH_REQUIRED = "length_required", _("请求须注明内容长度")
    TOO_LARGE = "too_large", _("请求内容过大")
    SERVER_ERROR = "server_error", _("服务器内部错误")


# The HTTP status the API answers for each code (400 unless listed).
STATUS = {
    ErrorCode.NOT_AUTHENTICATED: 401,
    ErrorCode.AUTHENTICATION_FAILED: 401,
    ErrorCode.TOKEN_INVALID: 401,
    ErrorCode.TOKEN_REVOKED: 401,
    ErrorCode.TOKEN_EXPIRED: 401,
    ErrorCode.USER_INACTIVE: 401,
    ErrorCode.SESSION_EXPIRED: 401,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.PASSWORD_CHANGE_REQUIRED: 403,
    ErrorCode.TWO_FACTOR_REQUIRED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.NOT_ACCEPTABLE: 406,
    ErrorCode.CONFLICT: 409,
    ErrorCode.LENGTH_REQUIRED: 411,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.LOCKED_OUT: 429,
    ErrorCode.THROTTLED: 429,
    ErrorCode.SERVER_ERROR: 500,
}


def http_status(code) -> int:
    """The HTTP status of an error code (400 for any code not listed in ``STATUS``)."""
    return STATUS.get(code, 400)


class DomainError(Exception):
    """A business rule refused the action. ``message`` is user-facing (zh-hans); ``code``
    is one of ``ErrorCode`` and must be given explicitly at every raise.

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
