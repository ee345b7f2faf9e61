"""Settings, read from the environment.

Embedded default (no environment set): SQLite and local files under ``var/``, eager
Celery, a secret key generated once into ``var/secret_key``.

Production mode (``SANXIANG_ENV=production``, any case) fails closed: it refuses to start,
listing every problem in Chinese and English, without a strong ``SECRET_KEY`` (≥ 50
characters, not a placeholder or a pattern), ``ALLOWED_HOSTS``, ``DATABASE_URL`` and
``CACHE_URL``, or with DEBUG on. An unknown ``SANXIANG_ENV`` is refused in any mode. See
docs/deployment.md for running it behind nginx.

Files under the var dir are private to the service user: the process umask is tightened to
0077, and the var dir, keys dir, media dir and the SQLite files are chmod-ed to 0700/0600
at startup when they belong to this user.

| variable | default | meaning |
|---|---|---|
| SANXIANG_ENV | development | ``production`` (case-insensitive) turns on the fail-closed checks |
| SANXIANG_VAR_DIR | ./var | database, media, keys, secrets of the embedded default |
| SECRET_KEY | generated into var/secret_key (not in production) | Django secret |
| SECRET_KEY_FALLBACKS | (none) | comma separated previous secrets, accepted while rotating |
| DEBUG | 0 | 1 to turn on debug pages (refused in production) |
| ALLOWED_HOSTS | localhost,127.0.0.1,[::1] | comma separated |
| DATABASE_URL | sqlite:///var/sanxiang.sqlite3 (required in production) | any dj-database-url URL (postgres://...) |
| MEDIA_ROOT | var/media | local file storage |
| STATIC_ROOT | ./staticfiles | where ``collectstatic`` puts static files (served by WhiteNoise) |
| STORAGE_URL | (unset) | ``s3://bucket`` selects django-storages S3 (AWS_* env for credentials/endpoint) |
| CELERY_BROKER_URL | (unset: tasks run eagerly in-process) | redis://..., amqp://... |
| CELERY_RESULT_BACKEND | (unset: results not kept) | redis://... where task results are kept |
| CACHE_URL | (unset: local memory; required in production) | redis://127.0.0.1:6379/1 |
| TRUST_PROXY_HEADERS | 0 | 1 behind a TLS-terminating reverse proxy: trust its ``X-Forwarded-Proto`` and ``X-Real-IP`` |
| FORWARDED_ALLOW_IPS | 127.0.0.1,::1 | addresses/networks of that proxy (applied in sanxiang/wsgi.py) |
| SECURE_HSTS_SECONDS | 31536000 in production | Strict-Transport-Security max-age |
| SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD | 0 | add includeSubDomains / preload to HSTS |
| SECURE_SSL_REDIRECT | 1 in production | redirect plain HTTP to HTTPS |
| SESSION_IDLE_SECONDS | 1800 | a workbench session ends after this long without a request |
| SESSION_ABSOLUTE_SECONDS | 43200 | a workbench session ends this long after the login, however active |
| PASSWORD_MIN_LENGTH | 10 | shortest password accepted when a password is set |
| MAX_REQUEST_BODY_MB | 50 | request body limit of the workbench and API (REQUEST_BODY_LIMITS) |
| SEAL_CHECK_MAX_BODY_MB | 20 | request body limit of the public seal check /gs/yq/ |
| COMPLAINT_MAX_BODY_MB | 55 | request body limit of the public complaint form /gs/ts/ (attachments) |
| LOGIN_IP_FAILURE_LIMIT | 20 | failed logins from one IP, any usernames, within LOGIN_IP_WINDOW_SECONDS (900) that lock the IP out for LOGIN_IP_COOLOFF_SECONDS (900) |
| SANXIANG_API_TOKEN_DAYS | 90 | default validity of a new API token in days (1–365) |
| SANXIANG_2FA_REQUIRED_ROLES | admin,supervisor in production; none in development | roles that must use two-factor login (core.twofactor); ``none`` for nobody |
| CSRF_TRUSTED_ORIGINS | (none) | comma separated ``https://host`` origins trusted for CSRF behind a proxy |
| DB_CONN_MAX_AGE | 0 | seconds a database connection is kept between requests |
| AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME, AWS_S3_ADDRESSING_STYLE | (unset) | endpoint, region and ``path``/``virtual`` addressing of the S3 server when STORAGE_URL is ``s3://`` |
| AXES_FAILURE_LIMIT | 5 | failed logins of one account before it is locked for 15 minutes |
| OTP_TOTP_ISSUER | 三项制度执法平台 | issuer name shown in the officer's authenticator app |
| LOG_LEVEL | WARNING | root log level |
| SANXIANG_KEYS_DIR | var/keys | ledger signing key, seal key, witness key, personal-data hash key |
| SANXIANG_LEDGER_HASH | sha256 | Merkle hash of a NEW ledger: ``sha256`` (RFC 9162) or ``sm3`` (国密 GB/T 32905); an existing log keeps its own (docs/ledger.md) |
| SANXIANG_WSGI_WARM | (unset) | ``1``: each server worker loads URL config and the segmenter at start (serve_prod.sh sets it) |

Settings read with a default (set them in a deployment settings module that imports this one):

| setting | default | meaning |
|---|---|---|
| COMPLAINT_ACCEPT_WORKDAYS, COMPLAINT_CONCLUDE_WORKDAYS | 5, 30 | working days to accept / conclude a complaint |
| COMPLAINT_SUBMIT_LIMIT, COMPLAINT_LOOKUP_LIMIT | 5, 20 | public complaint submissions / lookups per IP per hour |
| SANXIANG_COMPLAINT_ATTACHMENTS, SANXIANG_COMPLAINT_ATTACHMENT_MB | 5, 10 | attachments per public complaint and the size limit of each |
| SANXIANG_APPEAL_DOCUMENT_MAX_BYTES | 20 MiB | size limit of a 复议/诉讼 document |
| SANXIANG_LATE_ENTRY_DAYS | 3 | calendar days an act may lie behind the day it is entered before it counts as 补录 |
| SANXIANG_FIELD_WIPE_DAYS | 7 | days after which the field app wipes its offline data |
| SANXIANG_TODO_DEADLINE_WORKDAYS | 2 | a deadline this many working days ahead shows as a to-do |
| SANXIANG_ALERTS_INTERVAL_MINUTES | 60 | how often the periodic job runs the alert models |
| SANXIANG_DISCRETION_MIN_COMPARABLES | 5 | comparable decisions needed before the inter-quartile check applies |
| SANXIANG_EXPORT_MAX_ROWS | 10000 | rows of one Excel export |
| SANXIANG_API_TOKEN_MAX_DAYS | 365 | longest validity of an API token |
| TWO_FACTOR_SESSION_FAILURE_LIMIT | 5 | wrong one-time codes in one login before it starts over |
| RECORDS_MAX_UPLOAD_BYTES | 64 GiB | largest audio/video file |
| RECORDS_UPLOAD_CHECKPOINT_MB, RECORDS_UPLOAD_EXPIRY_HOURS | 64, 24 | resumable upload: checkpoint size; an unfinished upload expires after |
| RECORDS_VIEW_CHUNK_BYTES, RECORDS_VIEW_BUDGET_FACTOR | 2 MiB, 4 | viewing approval: largest ranged chunk; bytes one viewing may stream as a multiple of the file |
| RECORDS_FIXITY_BATCH, DOCUMENTS_FIXITY_BATCH | 200, 500 | files re-hashed per periodic run |
| LEDGER_SIGN_ON_COMMIT | True | sign a tree head after every transaction that appended leaves |
| SANXIANG_LEDGER_ORIGIN | sanxiang.local/ledger | the log's name in its checkpoints (C2SP tlog-checkpoint origin) |
| SANXIANG_WITNESSES | (the embedded witness) | list of ``{"name", "public_key", "url"}`` witnesses that cosign each checkpoint |
| SANXIANG_WITNESS_TIMEOUT, SANXIANG_WITNESS_SUBMIT_ON_COMMIT | 5, True | seconds to wait for a witness; submit each new head after commit |
| SANXIANG_WITNESS_NAME, SANXIANG_WITNESS_KEY_FILE | sanxiang.local/witness, var/keys/witness_ed25519.pem | the embedded witness's name and key |
| SANXIANG_WITNESS_LEDGER_ALERTS | True | a witness refusal raises a ledger-integrity alert |
| SANXIANG_NOTIFY_EMAIL, EMAIL_BACKEND, EMAIL_HOST, DEFAULT_FROM_EMAIL | True, SMTP, localhost, (Django's) | e-mail notifications go out with any backend other than SMTP, or SMTP to a host other than localhost |
| SANXIANG_SMS_GATEWAY | (none) | dotted path of an SMS gateway callable; none in the embedded default |
| SANXIANG_SITE_URL | (none) | public base URL put before links in e-mails |
| WORKDAYS_REVISION_CHECK_SECONDS | 1.0 | how often a process checks whether the holiday calendar changed |
| ASSIST_DECISION_RECHECK_SECONDS | 60 | how often the 智能辅助 decision index also recounts the decisions, to catch writes that sent no signal (bulk or raw SQL) |
"""

import os
import secrets
import stat
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sanxiang.core.keyfiles import create_file_once

BASE_DIR = Path(__file__).resolve().parent.parent

# Everything this process creates (SQLite database and journals, keys, media, uploads,
# logs) is private to the service user, whatever umask it was started with.
os.umask(os.umask(0o077) | 0o077)


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = env(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENTS = ("development", "production")
_env_value = env("SANXIANG_ENV", "development")
SANXIANG_ENV = _env_value.strip().lower()
if SANXIANG_ENV not in ENVIRONMENTS:
    # A typo must not silently run a production server in development mode.
    raise ImproperlyConfigured(
        f"SANXIANG_ENV 的值 {_env_value!r} 无效，只能是 production 或 development（不区分大小写）。"
        f" (unknown SANXIANG_ENV {_env_value!r}: use production or development)"
    )
PRODUCTION = SANXIANG_ENV == "production"
VAR_DIR = Path(env("SANXIANG_VAR_DIR", str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Problems found in production mode, each (中文, English); all are reported at once below.
_refusals = []

SECRET_KEY_MIN_LENGTH = 50
_PLACEHOLDER_WORDS = ("insecure", "change", "secret", "password", "example", "replace", "sanxiang")


def secret_key_weakness(key):
    """Why ``key`` is too weak for production, as (中文, English), or None.

    A generated key (``secrets.token_urlsafe(50)``, ``openssl rand -hex 32``, Django's
    ``get_random_secret_key()``) passes; refused are short keys, Django's
    ``django-insecure-`` keys, few distinct characters, repeated patterns, runs such as
    ``abcdef…`` and placeholder words (``change-me``, ``secret``, ``example``…)."""
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return (
            f"SECRET_KEY 太短（{len(key)} 个字符，至少 {SECRET_KEY_MIN_LENGTH} 个）",
            f"SECRET_KEY is too short ({len(key)} characters, at least {SECRET_KEY_MIN_LENGTH})",
        )
    lowered = key.lower()
    word = next((w for w in _PLACEHOLDER_WORDS if w in lowered), None)
    periodic = any(
        key == (key[:p] * (len(key) // p + 1))[: len(key)] for p in range(1, len(key) // 2 + 1)
    )
    steps = sum(1 for a, b in zip(key, key[1:], strict=False) if abs(ord(b) - ord(a)) == 1)
    if key.startswith("django-insecure-"):
        reason = (
            "是 Django 开发用密钥（django-insecure-）",
            "is a django-insecure- development key",
        )
    elif len(set(key)) < 10:
        reason = (f"只含 {len(set(key))} 种字符", f"has only {len(set(key))} distinct characters")
    elif periodic:
        reason = ("由一段字符重复而成", "repeats a short pattern")
    elif steps * 2 > len(key):
        reason = ("多为连续字符（如 abcdef、123456）", "is mostly runs such as abcdef or 123456")
    elif word:
        reason = (f"含占位词 “{word}”", f"contains the placeholder word {word!r}")
    else:
        return None
    return (f"SECRET_KEY 强度不足：{reason[0]}", f"SECRET_KEY is weak: it {reason[1]}")


_GENERATE_HINT = (
    "用 python3 -c 'import secrets; print(secrets.token_urlsafe(50))' 生成",
    "generate one with python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
)


def _secret_key():
    key = env("SECRET_KEY")
    if PRODUCTION:
        if not key:
            _refusals.append(
                (
                    f"必须设置 SECRET_KEY；{_GENERATE_HINT[0]}",
                    "SECRET_KEY must be set in production mode (SANXIANG_ENV=production); "
                    + _GENERATE_HINT[1],
                )
            )
            return "refused"  # never used: settings refuse to load below
        weakness = secret_key_weakness(key)
        if weakness:
            _refusals.append(
                (f"{weakness[0]}；{_GENERATE_HINT[0]}", f"{weakness[1]}; {_GENERATE_HINT[1]}")
            )
        return key
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        # Several processes may start at once on a fresh machine (test workers, web
        # and worker processes): the file appears whole, once, and every one reads it.
        create_file_once(path, secrets.token_urlsafe(50).encode())
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Previous secrets, still accepted for sessions and signed links while rotating
# (docs/deployment.md "密钥轮换").
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
DEBUG = env_bool("DEBUG", False)
if PRODUCTION:
    if DEBUG:
        _refusals.append(("不得开启 DEBUG", "DEBUG must not be on in production mode"))
    if not env("ALLOWED_HOSTS"):
        _refusals.append(
            (
                "必须设置 ALLOWED_HOSTS（平台的域名，逗号分隔）",
                "ALLOWED_HOSTS must be set in production mode (the site's host names)",
            )
        )
    if not env("DATABASE_URL"):
        _refusals.append(
            (
                "必须设置 DATABASE_URL（如 postgres://sanxiang@127.0.0.1:5432/sanxiang），"
                "不会退回到 var 目录下的 SQLite",
                "DATABASE_URL must be set in production mode (e.g. "
                "postgres://sanxiang@127.0.0.1:5432/sanxiang); no fallback to SQLite under var/",
            )
        )
    if not env("CACHE_URL"):
        _refusals.append(
            (
                "必须设置 CACHE_URL（如 redis://127.0.0.1:6379/1）；进程内缓存会让登录限制"
                "和投诉限流在多个工作进程间失效",
                "CACHE_URL must be set in production mode (e.g. redis://127.0.0.1:6379/1); "
                "a per-process cache breaks login throttling and rate limits across workers",
            )
        )
    if _refusals:
        raise ImproperlyConfigured(
            "生产模式（SANXIANG_ENV=production）配置不安全，拒绝启动："
            " refusing to start in production mode:\n"
            + "\n".join(f"  - {zh}。 {en}." for zh, en in _refusals)
            + "\n详见 docs/deployment.md。 See docs/deployment.md."
        )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",  # FilterSets of the list endpoints (issue #17 item 2)
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files (CSP)
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "sequences",  # gap-free 案件编号 and 文号 (sanxiang.core.numbering, issue #17 item 2)
    "sanxiang.core",
    "sanxiang.org",
    "sanxiang.workdays",
    "sanxiang.ledger",
    "sanxiang.catalog",
    "sanxiang.cases",
    "sanxiang.documents",
    "sanxiang.records",
    "sanxiang.review",
    "sanxiang.publicity",
    "sanxiang.inspections",
    "sanxiang.complaints",
    "sanxiang.evaluation",
    "sanxiang.notifications",
    "sanxiang.apitokens",
    "sanxiang.assist",
    "sanxiang.discretion",
    "sanxiang.appeals",
    "sanxiang.transfers",
    "sanxiang.alerts",
    "sanxiang.patrol",
    "sanxiang.witness",
    "sanxiang.field",
    "sanxiang.jobs",  # Celery tasks of the long work, idempotency keys (issue #16 item 5)
]

MIDDLEWARE = [
    # First: an over-limit body is refused before anything (CSRF, sessions) reads it.
    "sanxiang.core.middleware.RequestBodyLimitMiddleware",
    "sanxiang.core.middleware.BadInputMiddleware",
    "sanxiang.core.login_limits.LoginIPLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "sanxiang.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sanxiang.core.sessions.SessionLifetimeMiddleware",
    # password passed, second factor not yet: only the verify/enrol pages (core.twofactor)
    "sanxiang.core.twofactor.TwoFactorMiddleware",
    "sanxiang.core.passwords_views.ForcedPasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sanxiang.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sanxiang.urls"
WSGI_APPLICATION = "sanxiang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sanxiang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sanxiang.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sanxiang.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let several processes write (serialised) without
    # "database is locked" errors; BEGIN IMMEDIATE takes the write lock up front so
    # that read-then-write transactions (ledger appends, document numbers) serialise.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "sanxiang.core.login_limits.IPLockoutBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 等保 (GB/T 22239-2019): at least 10 characters; Django's messages come in zh-hans.
    {
        "NAME": "sanxiang.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(env("PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 failures per username+IP lock for 15 minutes.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
# Password spraying (one password, many usernames): failed logins from one address across
# all usernames lock that address (core.login_limits), counted in the shared cache.
LOGIN_IP_FAILURE_LIMIT = int(env("LOGIN_IP_FAILURE_LIMIT", "20"))
LOGIN_IP_WINDOW_SECONDS = int(env("LOGIN_IP_WINDOW_SECONDS", "900"))
LOGIN_IP_COOLOFF_SECONDS = int(env("LOGIN_IP_COOLOFF_SECONDS", "900"))
# API tokens (sanxiang.apitokens): default validity in days, and the longest one may choose
SANXIANG_API_TOKEN_MAX_DAYS = 365
SANXIANG_API_TOKEN_DAYS = int(env("SANXIANG_API_TOKEN_DAYS", "90"))
if not 1 <= SANXIANG_API_TOKEN_DAYS <= SANXIANG_API_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured(
        f"SANXIANG_API_TOKEN_DAYS 须在 1 至 {SANXIANG_API_TOKEN_MAX_DAYS} 之间"
        f" (must be 1..{SANXIANG_API_TOKEN_MAX_DAYS})"
    )
# Two-factor login (core.twofactor): roles that must enrol; off in the embedded demo so the
# demo accounts log in with the password alone. A wrong code is a failed login for axes
# (its form field is not stored with the attempt).
_2fa_roles = env_list("SANXIANG_2FA_REQUIRED_ROLES", ["admin", "supervisor"] if PRODUCTION else [])
SANXIANG_2FA_REQUIRED_ROLES = [r.lower() for r in _2fa_roles if r.lower() != "none"]
_KNOWN_ROLES = {"handler", "reviewer", "head", "supervisor", "admin"}
_unknown_roles = set(SANXIANG_2FA_REQUIRED_ROLES) - _KNOWN_ROLES
if _unknown_roles:  # a typo must not silently turn the requirement off
    raise ImproperlyConfigured(
        f"SANXIANG_2FA_REQUIRED_ROLES 含未知角色 {sorted(_unknown_roles)}；可用 handler、reviewer、"
        f"head、supervisor、admin 或 none。 (unknown roles {sorted(_unknown_roles)})"
    )
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "三项制度执法平台")
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]

# One language (issue #13 item 13): the users work in Simplified Chinese and every source string is
# Chinese. English is not offered: a browser asking for it gets the platform, and Django's own
# messages, in Chinese (docs/architecture.md "Language").
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Production serves what ``collectstatic`` (scripts/serve_prod.sh) put in STATIC_ROOT, with
# hashed names and far-future caching; development serves straight from the apps.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-public/"

STORAGE_URL = env("STORAGE_URL")
_default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if STORAGE_URL and STORAGE_URL.startswith("s3://"):
    # s3://bucket[/prefix] through django-storages; credentials from AWS_ACCESS_KEY_ID /
    # AWS_SECRET_ACCESS_KEY (read by boto3). An S3-compatible server (SeaweedFS, MinIO, Ceph)
    # on a private address takes AWS_S3_ENDPOINT_URL and usually path-style addressing.
    # Checked against a real SeaweedFS S3 gateway by scripts/ci_s3.sh (docs/deployment.md).
    _bucket, _, _prefix = STORAGE_URL[len("s3://") :].partition("/")
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "location": _prefix.strip("/"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "region_name": env("AWS_S3_REGION_NAME"),
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE"),
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Request body limits in bytes by URL prefix (the longest matching prefix wins), enforced on
# Content-Length before anything reads the body (core.middleware.RequestBodyLimitMiddleware:
# 413 over the limit, 411 for a body streamed without Content-Length). Public forms and
# logins are small; the public seal check takes one PDF (the check itself refuses files over
# 10 MB with a message); the workbench takes imports and review materials. Recordings come
# only through the resumable upload, which enforces its own limits per chunk and per upload
# (RECORDS_MAX_UPLOAD_BYTES). docs/deployment.md gives the matching nginx settings.
KIB, MIB = 1024, 1024 * 1024
REQUEST_BODY_LIMITS = {
    "/": int(env("MAX_REQUEST_BODY_MB", "50")) * MIB,
    "/accounts/": 64 * KIB,
    "/admin/login/": 64 * KIB,
    "/api/auth/": 64 * KIB,
    "/gs/": 256 * KIB,
    "/gs/yq/": int(env("SEAL_CHECK_MAX_BODY_MB", "20")) * MIB,
    # the public complaint form with its attachments (5 photos/PDFs of ≤ 10 MB, complaints)
    "/gs/ts/": int(env("COMPLAINT_MAX_BODY_MB", "55")) * MIB,
    "/gs/ts/cx/": 256 * KIB,  # the status query stays small
    "/api/records/uploads/": None,
}
FILE_UPLOAD_PERMISSIONS = 0o400  # stored files: read-only, and only for the service user

CACHE_URL = env("CACHE_URL")
if CACHE_URL:
    CACHES = {
        # Django's RedisCache, reusing one redis client per pool (sanxiang/core/redis_cache.py)
        "default": {
            "BACKEND": "sanxiang.core.redis_cache.ReusedClientRedisCache",
            "LOCATION": CACHE_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = env("CELERY_BROKER_URL") is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND")
# a task is acknowledged after it ran: a worker killed mid-way gets it redelivered (tasks
# with side effects run under idempotency keys, sanxiang.jobs.idempotency)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "sign-tree-head": {"task": "sanxiang.ledger.tasks.sign_tree_head", "schedule": 300.0},
    "periodic-jobs": {"task": "sanxiang.core.tasks.run_periodic", "schedule": 900.0},
    "fixity-check": {"task": "sanxiang.records.tasks.fixity_check", "schedule": 3600.0},
    "cleanup-uploads": {
        "task": "sanxiang.records.tasks.cleanup_abandoned_uploads",
        "schedule": 3600.0,
    },
    "purge-expired": {"task": "sanxiang.records.tasks.purge_expired", "schedule": 86400.0},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # first, so an unauthenticated API request gets 401 + WWW-Authenticate: Token
        "sanxiang.apitokens.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "sanxiang.core.api_schema.ErrorAwareAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "sanxiang.core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "sanxiang.core.api.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sanxiang 三项制度执法平台 API",
    "DESCRIPTION": "REST API of the administrative-enforcement platform.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # /api/docs/ loads Swagger UI from the platform's static files, not a CDN (issue #13.6)
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # the one error shape: ErrorResponse.code (sanxiang.core.api_schema)
    "ENUM_NAME_OVERRIDES": {"ErrorCodeEnum": "sanxiang.core.errors.ErrorCode"},
}

SESSION_COOKIE_HTTPONLY = True
# Session lifetime (core.sessions): idle timeout and absolute lifetime; the cookie itself
# lives no longer than the absolute lifetime (Django's default is 14 days).
SESSION_IDLE_SECONDS = int(env("SESSION_IDLE_SECONDS", "1800"))
SESSION_ABSOLUTE_SECONDS = int(env("SESSION_ABSOLUTE_SECONDS", "43200"))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind a TLS-terminating reverse proxy (nginx, docs/deployment.md) every request reaches
# the application server over plain HTTP from the proxy. Only when TRUST_PROXY_HEADERS says
# so is the proxy's X-Forwarded-Proto believed; sanxiang.wsgi then also takes the client's
# address from X-Real-IP, and drops both headers from peers outside FORWARDED_ALLOW_IPS.
TRUST_PROXY_HEADERS = env_bool("TRUST_PROXY_HEADERS", False)
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"])
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    # Off by default: the platform's host name may be the parent of other agency sites
    # that do not serve HTTPS (docs/deployment.md, check --deploy W005/W021).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# Content-Security-Policy sent on every response (see core.middleware).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Key material of the embedded default (ledger signing key, agency keys) lives here.
KEYS_DIR = Path(env("SANXIANG_KEYS_DIR", str(VAR_DIR / "keys")))
# Hash of a new ledger's leaves and nodes (read only when its first leaf is written).
SANXIANG_LEDGER_HASH = env("SANXIANG_LEDGER_HASH", "sha256").strip().lower()


def _make_private(path, mode):
    """chmod ``path`` to ``mode`` when it exists and belongs to this user. Never touches a
    shared directory (sticky bit, e.g. /tmp) that a var dir setting might point at."""
    try:
        st = os.stat(path)
    except OSError:
        return
    if st.st_uid != os.geteuid() or st.st_mode & stat.S_ISVTX or stat.S_IMODE(st.st_mode) == mode:
        return
    try:
        os.chmod(path, mode)
    except OSError:
        pass


# Older installations (and files copied in by hand) may be world-readable: the var dir is
# the gate, the rest is defence in depth. Not recursive: media may hold terabytes.
for _dir in (VAR_DIR, KEYS_DIR, MEDIA_ROOT, VAR_DIR / "uploads"):
    _make_private(_dir, 0o700)
_make_private(VAR_DIR / "secret_key", 0o600)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    for _suffix in ("", "-wal", "-shm", "-journal"):
        _make_private(f"{DATABASES['default']['NAME']}{_suffix}", 0o600)
