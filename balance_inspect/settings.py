"""One settings file, driven by environment variables (see .env.example and README).

Defaults give the embedded setup of `make run`: SQLite under var/, the Celery
filesystem broker with a worker started beside the web server, console e-mail.
Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS, HTTPS.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from balance_inspect.env import env_bool, env_int, env_list, env_str, media_storage

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
HTTPS = env_bool("HTTPS", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    # The embedded default keeps a generated key beside its database, so sessions survive
    # restarts without anyone having to invent a secret.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Key of the HMAC that authenticates backups (ops.backup); empty = derived from SECRET_KEY. Set it
# (and keep it apart from the backups) so that backups restore after a SECRET_KEY rotation.
BACKUP_KEY = env_str("BACKUP_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the built-in widget templates, found by FORM_RENDERER below
    "django_filters",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "schools",
    "indicators",
    "workforce",
    "dropout_control",
    "rectification",
    "surveys",
    "dataquality",
    "dossiers",
    "applications",
    "reviews",
    "dashboard",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleSessionTimeoutMiddleware",
    "accounts.middleware.RequireOTPMiddleware",
    "accounts.middleware.ActingCountyMiddleware",
    "accounts.middleware.ScopeGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "balance_inspect.urls"
WSGI_APPLICATION = "balance_inspect.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "ops.context_processors.service_status",
            ],
            # The one number formatter's filters (num, cv, pct, wan, yes_no …) in every template.
            "builtins": ["balance_inspect.number_filters"],
        },
    },
]

# Widgets render through the project's templates, so templates/django/forms/ can say 请选择 where
# Django would show "---------" as the empty choice.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web + embedded worker) share the file: wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if env_str("TEST_DATABASE_NAME"):
    # Lets parallel test runs on one PostgreSQL server use separate test databases.
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login protection (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind the reverse proxy the lock is keyed on the client's address from X-Forwarded-For, taken
# TRUSTED_PROXY_COUNT entries from the right (balance_inspect/client_ip.py); otherwise REMOTE_ADDR.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1, minimum=1)
AXES_CLIENT_IP_CALLABLE = "balance_inspect.client_ip.client_ip"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Sessions end after inactivity (minutes); see accounts.middleware.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = 60 * 60 * 12
# Sessions are read from the cache and written through to the database (one query less per page).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Local files: uploads and documents with MEDIA_STORAGE=local (the default), and always the part
# directories of fanned-out jobs (dossier and application parts) and the backups' media.
MEDIA_ROOT = str(Path(env_str("MEDIA_ROOT", str(DATA_DIR / "files"))))
STORAGES = {
    # Uploaded evidence, scans and dossiers live under MEDIA_ROOT, outside the web root, or in a
    # private S3-compatible bucket (MEDIA_STORAGE=s3, several machines), and are only ever served
    # through views that check access first.
    "default": media_storage(MEDIA_ROOT),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = None

# Uploads: refused above this size before any parsing (bytes).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024
# An import preview not confirmed within this many hours is refused and its kept file deleted.
IMPORT_PREVIEW_MAX_AGE_HOURS = env_int("IMPORT_PREVIEW_MAX_AGE_HOURS", 24, minimum=1)
# An uploaded workbook is refused before parsing when it unpacks past this size, or its first
# sheet has more rows or a wider column than this (decompression bombs; balance_inspect.xlsx_read).
XLSX_MAX_UNPACKED_MB = env_int("XLSX_MAX_UNPACKED_MB", 100, minimum=1)
XLSX_MAX_ROWS = env_int("XLSX_MAX_ROWS", 50000, minimum=100)
XLSX_MAX_COLUMNS = env_int("XLSX_MAX_COLUMNS", 200, minimum=20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Celery -----------------------------------------------------------------------------------
# Without a broker URL the embedded filesystem broker is used; `make run` starts a worker on it,
# so a dossier that takes tens of seconds never blocks a page.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True  # every job records its state on its own row
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False  # a killed job is marked failed by the reaper, not replayed
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("JOB_TIME_LIMIT_SECONDS", 900, minimum=30)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 15
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = DATA_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Fail fast when Redis is down so a page that enqueues a job answers at once.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULE = {
    "dropout-overdue-daily": {
        "task": "dropout_control.tasks.scan_overdue_cases",
        "schedule": timedelta(days=1),
    },
    "purge-match-lists": {
        "task": "dataquality.tasks.purge_match_lists",
        "schedule": timedelta(hours=1),
    },
    "expire-import-previews": {
        "task": "schools.tasks.expire_import_previews",
        "schedule": timedelta(hours=1),
    },
    "purge-dossier-parts": {
        "task": "dossiers.tasks.purge_dossier_parts",
        "schedule": timedelta(hours=1),
    },
    "reap-stale-jobs": {
        "task": "balance_inspect.tasks.reap_stale_jobs",
        "schedule": timedelta(seconds=env_int("JOB_REAP_EVERY_SECONDS", 20, minimum=5)),
    },
}
# A running job beats a heartbeat on its row this often; one silent for JOB_DEAD_AFTER_SECONDS has
# lost its worker and is marked failed by the reaper (so a dead worker is seen within about a minute).
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 10, minimum=1)
JOB_DEAD_AFTER_SECONDS = env_int("JOB_DEAD_AFTER_SECONDS", 40, minimum=3 * JOB_HEARTBEAT_SECONDS)
# A job queued this long after its last send is sent again (its message was lost); never-sent ones at once.
JOB_RESEND_AFTER_SECONDS = env_int("JOB_RESEND_AFTER_SECONDS", 300, minimum=30)
# A job still "running" after this many seconds is marked failed even if it beats (belt and braces:
# the time limit ends it first).
JOB_STALE_AFTER_SECONDS = env_int("JOB_STALE_AFTER_SECONDS", CELERY_TASK_TIME_LIMIT + 60, minimum=60)

# --- Dossiers ---------------------------------------------------------------------------------
# Schools per appendix part of a dossier. Each part is a separate task (N workers render N parts at
# once) and bounds a worker's memory (~5–6 MB per laid-out page).
DOSSIER_PART_SCHOOLS = env_int("DOSSIER_PART_SCHOOLS", 30, minimum=1)
# The rendered parts of a failed dossier are kept this many hours for a retry (which then renders
# only the missing parts), then removed by dossiers.tasks.purge_dossier_parts, like those of any
# dossier that is done or no longer exists.
DOSSIER_PARTS_KEEP_HOURS = env_int("DOSSIER_PARTS_KEEP_HOURS", 24, minimum=1)

# --- Application package (申报材料) -------------------------------------------------------------
# Schools per step of the 学校自评表 PDFs: each step is a separate task laid out in one render.
APPLICATION_SCHOOL_FORM_CHUNK = env_int("APPLICATION_SCHOOL_FORM_CHUNK", 60, minimum=1)

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "迎检平台 <noreply@localhost>")

# --- Domain settings (domain.md marks these "setting") ---------------------------------------
INDICATOR_MERGE_TEACHING_POINTS = env_bool("INDICATOR_MERGE_TEACHING_POINTS", True)
INDICATOR_EXCLUDE_TEACHING_POINTS_UNDER = env_int("INDICATOR_EXCLUDE_TEACHING_POINTS_UNDER", 0, minimum=0)
INDICATOR_INCLUDE_PRIVATE = env_bool("INDICATOR_INCLUDE_PRIVATE", True)
INDICATOR_UNIT_RULE_MARGIN_PERCENT = env_int("INDICATOR_UNIT_RULE_MARGIN_PERCENT", 85, minimum=1)
# 表Ⅳ-7: 特殊教育学校生均公用经费 line in 元 (national 6000; some provinces set 8000).
SPECIAL_EDUCATION_FUNDING_PER_STUDENT = env_int("SPECIAL_EDUCATION_FUNDING_PER_STUDENT", 6000, minimum=1)

DROPOUT_REPORT_AFTER_DAYS = env_int("DROPOUT_REPORT_AFTER_DAYS", 7, minimum=1)
DROPOUT_CONFIRM_AFTER_DAYS = env_int("DROPOUT_CONFIRM_AFTER_DAYS", 30, minimum=1)
DROPOUT_FIRST_VISIT_DAYS = env_int("DROPOUT_FIRST_VISIT_DAYS", 3, minimum=1)
DROPOUT_NOTICE_DEADLINE_DAYS = env_int("DROPOUT_NOTICE_DEADLINE_DAYS", 15, minimum=1)
DROPOUT_REVIEW_DAYS = env_int("DROPOUT_REVIEW_DAYS", 7, minimum=1)
RETENTION_FORMULA = env_str("RETENTION_FORMULA", "transfers-adjusted")

# Rectification items and prep tasks whose deadline is this many days away or fewer are "due soon".
RECTIFICATION_DUE_SOON_DAYS = env_int("RECTIFICATION_DUE_SOON_DAYS", 7, minimum=1)

# Site-visit rehearsal (reviews): an inspection team announces 8–12 schools; the weakest units by
# the current assessment are always among them; a 不符合 finding is due within this many days
# (or by the inspection date, when that comes first).
SITE_VISIT_SCHOOLS = env_int("SITE_VISIT_SCHOOLS", 10, minimum=8, maximum=12)
SITE_VISIT_WEAKEST = env_int("SITE_VISIT_WEAKEST", 2, minimum=0, maximum=SITE_VISIT_SCHOOLS)
SITE_VISIT_FINDING_DEADLINE_DAYS = env_int("SITE_VISIT_FINDING_DEADLINE_DAYS", 30, minimum=1)

# Dashboards (dashboard app): county figures are kept this many seconds in the cache and shared
# by every reader of the county (0 = recompute on every request). Finished assessments never
# change, so what is derived from one (charts, 表Ⅱ rows) is cached for a week whatever this says.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60, minimum=0)

# Teacher workforce (workforce app, domain.md §5). Small rural schools (乡村, fewer compulsory
# students than WORKFORCE_SMALL_SCHOOL_UNDER) also get posts by classes × WORKFORCE_CLASS_POST_RATIO
# [local]; the larger of the student and the class rule applies.
WORKFORCE_SMALL_SCHOOL_UNDER = env_int("WORKFORCE_SMALL_SCHOOL_UNDER", 100, minimum=0)
WORKFORCE_CLASS_POST_RATIO = env_str("WORKFORCE_CLASS_POST_RATIO", "1.7").strip()
if not WORKFORCE_CLASS_POST_RATIO.replace(".", "", 1).isdigit():
    raise ImproperlyConfigured(
        f"WORKFORCE_CLASS_POST_RATIO must be a decimal number, got {WORKFORCE_CLASS_POST_RATIO!r}"
    )
# Subjects every school must have a full-time teacher for (comma-separated; checked at start).
WORKFORCE_REQUIRED_SUBJECTS_PRIMARY = env_list(
    "WORKFORCE_REQUIRED_SUBJECTS_PRIMARY",
    ["语文", "数学", "英语", "科学", "体育", "音乐", "美术", "信息技术", "心理健康"],
)
WORKFORCE_REQUIRED_SUBJECTS_JUNIOR = env_list(
    "WORKFORCE_REQUIRED_SUBJECTS_JUNIOR",
    [
        "语文",
        "数学",
        "英语",
        "道德与法治",
        "历史",
        "地理",
        "物理",
        "化学",
        "生物",
        "体育",
        "音乐",
        "美术",
        "信息技术",
        "心理健康",
    ],
)
# A full weekly teaching load (periods) used to size a gap and to find teachers that could move.
WORKFORCE_TEACHER_WEEKLY_PERIODS = env_int("WORKFORCE_TEACHER_WEEKLY_PERIODS", 16, minimum=1)
# Travelling teachers (走教): schools with at most this many classes of a stage may share one
# teacher, up to this many schools of one township and this many weekly periods.
WORKFORCE_TRAVEL_MAX_CLASSES = env_int("WORKFORCE_TRAVEL_MAX_CLASSES", 6, minimum=0)
WORKFORCE_TRAVEL_MAX_SCHOOLS = env_int("WORKFORCE_TRAVEL_MAX_SCHOOLS", 3, minimum=1)
WORKFORCE_TRAVEL_MAX_PERIODS = env_int("WORKFORCE_TRAVEL_MAX_PERIODS", 16, minimum=1)
# Exchange (交流轮岗): years in the same school that make a teacher eligible [practice], and the
# 城乡类型 of the schools the per-school 10 % rule applies to (the county rate counts every public school).
WORKFORCE_EXCHANGE_ELIGIBLE_YEARS = env_int("WORKFORCE_EXCHANGE_ELIGIBLE_YEARS", 6, minimum=1)
WORKFORCE_EXCHANGE_SCHOOL_AREAS = env_list("WORKFORCE_EXCHANGE_SCHOOL_AREAS", ["城区", "镇区"])

# Data quality (dataquality/rules.py): a conditions figure (students, areas, equipment value, rooms)
# that changes by more than this many percent from the previous school year is flagged for checking.
DATAQUALITY_JUMP_PERCENT = env_int("DATAQUALITY_JUMP_PERCENT", 30, minimum=1)
# 四查三比对 (dataquality/matching.py): a registered child absent more than this many days in the
# attendance list is listed as 有学籍不在校.
DATAQUALITY_ABSENCE_DAYS = env_int("DATAQUALITY_ABSENCE_DAYS", 10, minimum=0)
# Uploaded lists hold minors' ID numbers: files are deleted when the match is confirmed and, with
# the result lists, at the latest this many days after upload (dataquality.tasks.purge_match_lists).
DATAQUALITY_LIST_RETENTION_DAYS = env_int("DATAQUALITY_LIST_RETENTION_DAYS", 7, minimum=1)
# Rows of one uploaded list (a county's 户籍 list of school-age children is far longer than XLSX_MAX_ROWS).
DATAQUALITY_LIST_MAX_ROWS = env_int("DATAQUALITY_LIST_MAX_ROWS", 300000, minimum=100)

# Satisfaction surveys (社会认可度): formula "top2" = (满意 + 比较满意) / valid answers,
# "weighted" = mean of the scores 100/80/60/40/0 (see surveys/engine.py).
SURVEY_SATISFACTION_FORMULA = env_str("SURVEY_SATISFACTION_FORMULA", "top2")
if SURVEY_SATISFACTION_FORMULA not in ("top2", "weighted"):
    raise ImproperlyConfigured(
        f"SURVEY_SATISFACTION_FORMULA must be top2 or weighted, got {SURVEY_SATISFACTION_FORMULA!r}"
    )
# Answer-page limits counted in the cache (0 = no limit; surveys/throttle.py). A respondent
# answers once in several minutes; a script answers many times a second. Parents at one meeting
# on one school Wi-Fi share an address: raise the per-address limits for such a meeting.
SURVEY_RATE_PER_IP_PER_MINUTE = env_int("SURVEY_RATE_PER_IP_PER_MINUTE", 5, minimum=0)
SURVEY_RATE_PER_IP_PER_HOUR = env_int("SURVEY_RATE_PER_IP_PER_HOUR", 30, minimum=0)
# Per browser (a signed cookie set when the page is shown; without it the address stands in).
SURVEY_RATE_PER_DEVICE_PER_HOUR = env_int("SURVEY_RATE_PER_DEVICE_PER_HOUR", 3, minimum=0)
SURVEY_RATE_PER_INVITATION_PER_MINUTE = env_int("SURVEY_RATE_PER_INVITATION_PER_MINUTE", 60, minimum=0)
# More answers than this on one link within a minute flags the link for review in the results.
SURVEY_BURST_PER_MINUTE = env_int("SURVEY_BURST_PER_MINUTE", 15, minimum=0)
SURVEY_FORM_MAX_AGE_HOURS = env_int("SURVEY_FORM_MAX_AGE_HOURS", 12, minimum=1)
# Links printed on QR cards use this origin (e.g. https://yjpt.example.gov.cn); empty = the request's.
SURVEY_PUBLIC_BASE_URL = env_str("SURVEY_PUBLIC_BASE_URL", "").rstrip("/")
# Behind a reverse proxy the respondent's address is the last X-Forwarded-For entry.

# Cache: survey rate limits count here. locmem counts per process; with several gunicorn
# workers set CACHE_URL=redis://host:6379/1 so limits hold across workers.
_cache_url = env_str("CACHE_URL")
if _cache_url and not _cache_url.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, got {_cache_url!r}")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- HTTP security ----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# CSP: no inline or remote scripts; styles may be inline because pygal SVG carries <style>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

if not DEBUG and SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be set to a real secret when DEBUG is false")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # its INFO lines are per-page progress noise
        "fontTools": {"level": "WARNING"},
    },
}
