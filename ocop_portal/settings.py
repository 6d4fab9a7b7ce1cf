"""Settings of the OCOP portal: one module, driven by the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# The portal's configuration file: .env in the project, or the file OCOP_ENV_FILE names (gunicorn
# and the scripts read the same one); real environment variables win.
environ.Env.read_env(env.str("OCOP_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
#: With DEBUG on, Django's technical 404 and 500 pages instead of the portal's (a developer's
#: choice; ocop_portal.middleware.PortalErrorPagesMiddleware).
DEBUG_TECHNICAL_PAGES = env.bool("DEBUG_TECHNICAL_PAGES", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY chưa được đặt. Khi DEBUG tắt, cổng thông tin không khởi động nếu thiếu "
            "khóa bí mật: đặt biến môi trường SECRET_KEY (ít nhất 50 ký tự ngẫu nhiên), "
            "xem .env.example. / SECRET_KEY is not set: with DEBUG off the portal refuses to "
            "start without one; set the SECRET_KEY environment variable (see .env.example)."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.apps.PortalAdminConfig",  # django.contrib.admin on the portal's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_filters",
    "import_export",
    "axes",
    "csp",
    "core",
    "ocop_portal",
    "accounts",
    "areas",
    "subjects",
    "products",
    "evaluations",
    "budgets",
    "inspections",
    "listings",
    "enquiries",
    "dashboards",
    "notices",
    "producer_space",
]

MIDDLEWARE = [
    # Before anything reads the Host header, redirects to HTTPS or logs: /healthz (core.health).
    "core.health.HealthCheckMiddleware",
    # First, so that the time and status of every response (redirects included) are logged.
    "core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",  # database down → 503 page
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SessionRefreshMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # DEBUG (the demo): the portal's 404 and 500 pages rather than Django's technical ones.
    "ocop_portal.middleware.PortalErrorPagesMiddleware",
    "core.middleware.PrivatePagesMiddleware",  # signed in → Cache-Control: no-store
    "django.contrib.messages.middleware.MessageMiddleware",
    # A producer's account is refused the staff's pages (after the login is known).
    "ocop_portal.middleware.WorkspaceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ocop_portal.urls"
WSGI_APPLICATION = "ocop_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
                "areas.context_processors.province",
                "ocop_portal.context_processors.todo_counts",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool(
    "DATABASE_JIT", default=False
):
    # PostgreSQL's JIT compiles the portal's short queries for longer than they run (the
    # re-rating list at national scale: 4 s of compiling for 1.3 s of work); off for the
    # portal's connections unless DATABASE_JIT says otherwise.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://ocop-portal")}

# The task queue (RQ on Redis, through django-rq) for long work: exports, rebuilds, e-mails
# (core.jobs). Absent by default: the work then runs inline, in the request (the demo, the
# tests). In production QUEUE_URL (or REDIS_URL) names the Redis database of the queue and
# `manage.py rqworker` runs the jobs (deploy/ocop-worker.service).
QUEUE_URL = env.str("QUEUE_URL", default="") or env.str("REDIS_URL", default="")
if QUEUE_URL:
    RQ_QUEUES = {"default": {"URL": QUEUE_URL, "DEFAULT_TIMEOUT": 3600}}
    INSTALLED_APPS.append("django_rq")
RQ_SHOW_ADMIN_LINK = False
OCOP_JOBS_QUEUE = "default"
#: Seconds a job may run on the queue before the worker stops it.
OCOP_JOBS_TIMEOUT = env.int("OCOP_JOBS_TIMEOUT", default=3600)

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# These keep an e-mail where its recipient never sees it and someone else may (the console
# backend writes password reset links into the log): fine on a developer's machine only.
_LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
if not DEBUG and EMAIL_CONFIG["EMAIL_BACKEND"] in _LOCAL_EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        "EMAIL_URL chưa được đặt (hoặc chỉ in thư ra màn hình, bộ nhớ, tệp). Khi DEBUG tắt, "
        "cổng thông tin không khởi động vì liên kết đặt lại mật khẩu sẽ nằm trong nhật ký: đặt "
        "EMAIL_URL là máy chủ SMTP (hoặc dummymail:// để không gửi thư), xem .env.example. / "
        "EMAIL_URL is not set (or prints, keeps in memory or writes mail to files): with DEBUG "
        "off the portal refuses to start, as password reset links would land in the log; set "
        "EMAIL_URL to an SMTP server (or dummymail:// to send none), see .env.example."
    )
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OCOP <ocop@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
#: The portal's address as its users reach it ("https://ocop.cantho.gov.vn"): the links of the
#: notices' e-mails start with it (empty: the e-mails give the page's path only).
PORTAL_URL = env.str("PORTAL_URL", default="")

# Users, roles and login
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Password reset requests in an hour, per e-mail address and per client address. Above them
# the page answers as always ("an e-mail was sent if the address is known") and sends nothing.
PASSWORD_RESET_LIMIT_PER_EMAIL = 3
PASSWORD_RESET_LIMIT_PER_ADDRESS = 10

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# A user name is locked from the address the failures came from, not everywhere: otherwise
# anyone could lock the city reviewer out with five wrong passwords.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address behind the reverse proxy (TRUSTED_PROXIES below). django-axes would use
# django-ipware when installed, which the portal does not need: one function decides, for the
# lockout and the rate limits alike.
AXES_CLIENT_IP_CALLABLE = "core.network.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False

# Language, time and numbers: Vietnamese first, English available
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["core.formats"]

# Static files: Bootstrap comes from the npm registry (package.json) and is served by WhiteNoise
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. Production runs behind HTTPS; these follow DEBUG unless set explicitly.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The CSRF token is read from the form field, never by JavaScript: the cookie can be HTTP-only.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A login ends after this many seconds without a request: requests push its expiry forward
# (SessionRefreshMiddleware, at most one write a minute); an idle one expires.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)

# Content-Security-Policy (django-csp): only this site's own files, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): no page needs any of these browser features.
# Only features Chromium recognises: an unknown name ("bluetooth", "vr", "document-domain") makes
# the browser log an error for the header on every page (tests/browser/test_shell.py).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    # Only when a trusted reverse proxy sets this header and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Addresses (or networks) of the reverse proxies whose X-Forwarded-For is believed: the same
# variable gunicorn reads (gunicorn.conf.py). Without a proxy, the client is REMOTE_ADDR.
TRUSTED_PROXIES = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1"]) if BEHIND_PROXY else []

# Logs: one line per event on stdout. JSON lines (time, level, logger, message and, for each
# request, method, path, status, duration_ms and user_id: core.middleware) in
# production; readable lines on a developer's machine.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "filters": {
        # A database outage is logged in one line (core.middleware), not a traceback each.
        "database_outage": {"()": "core.middleware.DatabaseOutageLogFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["database_outage"]},
        # The request log below replaces runserver's own line per request.
        "django.server": {"level": "WARNING"},
    },
}

# The province this portal serves (areas.provinces): its official code (default: the province
# that has the data); its name and its department's come from the data ("Tỉnh An Giang", "Sở Nông
# nghiệp và Môi trường tỉnh An Giang") unless these name them otherwise.
OCOP_PROVINCE_CODE = env.str("OCOP_PROVINCE_CODE", default="")
OCOP_PROVINCE_NAME = env.str("OCOP_PROVINCE_NAME", default="")
OCOP_DEPARTMENT_NAME = env.str("OCOP_DEPARTMENT_NAME", default="")

# The council's practice, which the law leaves to the city (26/2026/QĐ-TTg Điều 3, Phụ lục II).
# How the star minimums marked on the sheets are read when several members scored a
# criterion: "median" (the median of the members' points on each criterion, the default) or
# "council" (an agreed sheet the council fills in after its discussion). An evaluation keeps
# the reading it was opened with.
OCOP_MINIMUMS_READING = env.str("OCOP_MINIMUMS_READING", default="median")
if OCOP_MINIMUMS_READING not in {"median", "council"}:
    raise ImproperlyConfigured(
        "OCOP_MINIMUMS_READING phải là median hoặc council / must be median or council."
    )
# When the members' totals differ by this many points or more, the evaluation is not sent on
# until the council re-scores or its chair records why the difference stands (a provincial
# council's rule; 10 by default).
# The province's office that runs OCOP (26/2026/QĐ-TTg: "cơ quan tham mưu quản lý OCOP cấp
# tỉnh"), named on every page that says who acts next.
OCOP_OFFICE_NAME = env.str("OCOP_OFFICE_NAME", default="Văn phòng Điều phối NTM")
OCOP_DIVERGENCE_POINTS = env.int("OCOP_DIVERGENCE_POINTS", default=10)
if OCOP_DIVERGENCE_POINTS < 1:
    raise ImproperlyConfigured("OCOP_DIVERGENCE_POINTS phải từ 1 trở lên / must be 1 or more.")

# Imports and exports (django-import-export): all or nothing, and no live formulas in exports.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The documents of an evaluation's electronic dossier (PDF, images): at most this many bytes
# each (20 MB by default). Their upload stops storing a file past it (evaluations.documents);
# files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, never into memory.
OCOP_DOCUMENT_MAX_BYTES = env.int("OCOP_DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
if OCOP_DOCUMENT_MAX_BYTES < 1:
    raise ImproperlyConfigured("OCOP_DOCUMENT_MAX_BYTES phải lớn hơn 0 / must be above 0.")
# Reports from the public about a catalogue product (inspections): at most this many an hour
# from one client address; the next is refused with a message saying so.
OCOP_PUBLIC_REPORTS_PER_HOUR = env.int("OCOP_PUBLIC_REPORTS_PER_HOUR", default=5)
if OCOP_PUBLIC_REPORTS_PER_HOUR < 1:
    raise ImproperlyConfigured(
        "OCOP_PUBLIC_REPORTS_PER_HOUR phải từ 1 trở lên / must be 1 or more."
    )
# Buyers' enquiries about a catalogue product (enquiries): at most this many an hour from one
# client address; the next is refused with a message saying so.
OCOP_ENQUIRIES_PER_HOUR = env.int("OCOP_ENQUIRIES_PER_HOUR", default=5)
if OCOP_ENQUIRIES_PER_HOUR < 1:
    raise ImproperlyConfigured("OCOP_ENQUIRIES_PER_HOUR phải từ 1 trở lên / must be 1 or more.")
# An invitation to open a producer's account (producer_space): its link works this many days,
# once.
OCOP_INVITATION_DAYS = env.int("OCOP_INVITATION_DAYS", default=7)
if OCOP_INVITATION_DAYS < 1:
    raise ImproperlyConfigured("OCOP_INVITATION_DAYS phải từ 1 trở lên / must be 1 or more.")
# Uploaded photos: at most this many pixels (a file of a few kilobytes can declare an image
# that takes gigabytes to decode, in the portal or in every visitor's browser).
PHOTO_MAX_PIXELS = 40_000_000
