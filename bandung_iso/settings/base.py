"""Settings shared by every environment; each value that differs comes from the environment."""

import datetime
from pathlib import Path

import environ

from bandung_iso.cache import cache_entry

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's .env is optional; production reads the real environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    # The agency list's import and export in the admin (templates, static files).
    "import_export",
    "axes",
    "csp",
    # django-ratelimit, with the portal's own system checks instead of its own (bandung_iso/ratelimit.py).
    "bandung_iso.ratelimit.RateLimitConfig",
    # Infrastructure, no models: installed for its templates (admin/history_list.html).
    "bandung_iso",
    "agencies",
    "certifications",
    "accounts",
    "reminders",
    "portal",
]

MIDDLEWARE = [
    # First: every request gets its id (X-Request-ID) before anything can log or fail.
    "bandung_iso.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (django-csp, the admin's own policy) and Permissions-Policy: see "Security headers".
    "bandung_iso.headers.ContentSecurityPolicyMiddleware",
    "bandung_iso.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The database unreachable: the 503 page in the visitor's language instead of a 500.
    "bandung_iso.middleware.DatabaseOutageMiddleware",
    # Records who made each change in the history tables (request.user).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bandung_iso.urls"
WSGI_APPLICATION = "bandung_iso.wsgi.application"

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
                "portal.context_processors.languages",
            ],
        },
    },
]

# SQLite is the embedded default; production and CI set DATABASE_URL to PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any query its planner thinks dear, and the pages' per-agency
    # queries look dear at national scale: compiling took 0.7 s of the dashboard's 0.8 s
    # query, every time. A web request never lives long enough for JIT to pay; an
    # ?options=... in DATABASE_URL still wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out login before the password is even checked.
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

# Bahasa Indonesia first, English second. Source strings are written in Indonesian.
# Public pages carry the language in the URL: /skpd/ is Indonesian whatever the browser
# asks for, /en/skpd/ is English (i18n_patterns without a prefix for the default).
LANGUAGE_CODE = "id"
# Each language is named in itself on the switch, so these names are not translated.
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The shipped data the loader reads by default; part of the repository, never ../shared.
INITIAL_DATA_DIR = BASE_DIR / "data" / "initial"

# The cache: local memory (one process) by default; Redis through django-redis in production
# (bandung_iso/cache.py), shared by every process and host, e.g.
# CACHE_URL=redis://127.0.0.1:6379/1. The public pages, the rate limits and /readyz use it.
# CACHE_KEY_PREFIX separates two portals sharing one Redis database.
CACHES = {
    "default": cache_entry(
        env.cache("CACHE_URL", default="locmemcache://"), key_prefix=env("CACHE_KEY_PREFIX", default="")
    )
}
# Public pages kept in that cache for anonymous visitors (bandung_iso/public_cache.py): any
# write to the data invalidates them at once, so this is only how long an unused entry stays.
# 0 turns the page cache off.
PUBLIC_CACHE_ALIAS = "default"
PUBLIC_CACHE_TIMEOUT = env.int("PUBLIC_CACHE_TIMEOUT", default=60 * 60)

# Password guessing on the staff login: after AXES_FAILURE_LIMIT failures for one username
# from one address, that pair waits AXES_COOLOFF_MINUTES (a cool-off, never a permanent
# lockout, so an attacker cannot lock staff out for good). A success resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"


# Behind the TLS proxy every request arrives from the proxy's address: counted by that,
# anyone could lock any staff username for everyone. AXES_PROXY_COUNT is the number of
# proxies in front that append the address they received from to X-Forwarded-For, as
# nginx's $proxy_add_x_forwarded_for does (0: none, REMOTE_ADDR is the client and the
# header is ignored). axes then asks django-ipware for the entry the nearest of those
# proxies wrote: a client can put anything before it, never after it.
def axes_ipware_settings(proxies: int) -> dict:
    if proxies <= 0:
        return {"AXES_IPWARE_PROXY_COUNT": None, "AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",)}
    # ipware's count is the entries after the client, taken from the right. nginx writes
    # the address it received from, never its own, so N proxies leave the client at N
    # from the right: N - 1 entries after it.
    return {
        "AXES_IPWARE_PROXY_COUNT": proxies - 1,
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
    }


vars().update(axes_ipware_settings(env.int("AXES_PROXY_COUNT", default=0)))
# Client first, proxies appended after it; "right-most" would read the header backwards.
AXES_IPWARE_PROXY_ORDER = "left-most"
# Not strict: a forged prefix is skipped. Strict discards the whole header and counts the
# forger under the proxy's address, locking out whoever else ends up counted there.
IPWARE_STRICT = False
# ipware 8's modern algorithm reads quotes and RFC 7239 "for=" inside X-Forwarded-For: a
# client sending `for=203.0.113.9;x="` swallows nginx's entry and chooses its own address.
# The legacy one splits on every comma, so nginx's entry stays last. In legacy mode an
# IPWARE_META_PRECEDENCE_ORDER setting would override axes' order: do not set one.
IPWARE_ALGORITHM = "legacy"

# Rate limits per client address (the address django-axes counts, so the proxy settings above
# hold for both: bandung_iso/ratelimit.py), on every request, GET or POST, to the certificate
# check and to the admin login. "requests/period", the period s, m, h or d ("100/5m": 100 in
# five minutes); over it, the 429 page until the period ends. Counted in the default cache.
# - The certificate check: a person types a few numbers a minute; 30 leaves room for an
#   office behind one address opening shared links, while stepping through numbers to find
#   valid ones crawls at 30 a minute.
RATELIMIT_CERTIFICATE_CHECK = env.str("RATELIMIT_CERTIFICATE_CHECK", default="30/m")
# - The admin login: one sign-in is two requests (the form, the post), each wrong password one
#   more; 10 lets several staff behind one address sign in the same minute, while guessing across
#   many usernames, which axes' lockout per username and address does not slow, stays slow.
RATELIMIT_ADMIN_LOGIN = env.str("RATELIMIT_ADMIN_LOGIN", default="10/m")
# A cache that lost a count (a key expiring between its add and its incr) lets the request
# through rather than refusing everyone; an unreachable cache does the same (ratelimit.py).
RATELIMIT_FAIL_OPEN = True

# Edit history (django-simple-history): reasons can be long (a suspension's grounds).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# The agency list's import in the admin (django-import-export; certifications/admin/agency_import.py).
# A whole file is written in one transaction or not at all (a preview is the same run, rolled back).
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Between the preview and the confirmation the uploaded file waits in the shared cache (every
# process and host sees it; nothing is written on disk) for this many seconds.
IMPORT_UPLOAD_TIMEOUT = env.int("IMPORT_UPLOAD_TIMEOUT", default=2 * 60 * 60)
# Larger files, or more rows, are refused before anything is read into the database: the city's
# list is a few hundred rows, and a confirmed import must end within gunicorn's timeout (1,000
# rows: about 9 s per step on PostgreSQL, docs/benchmarks.md). nginx's client_max_body_size for
# the import page (deploy/nginx-bandung-iso.conf) is above IMPORT_MAX_BYTES.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=1000)

# Mail for send_reminders. EMAIL_URL: "consolemail://" prints to the console (the default,
# for development); "smtp+tls://user:password@host:587" sends through a server.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Portal ISO Kota Bandung <portal-iso@localhost>")
# The portal's address as staff reach it: the links in reminder mails start with it.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Health and outages. /healthz and /readyz (bandung_iso/health.py) answer the load balancer
# over plain http from inside the network, so production's https redirect leaves them alone.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# The 503 page of a database outage (bandung_iso/middleware.py) asks clients to come back
# after this many seconds (Retry-After).
DATABASE_OUTAGE_RETRY_AFTER = 30

# Security headers. Content-Security-Policy through django-csp (its middleware, subclassed in
# bandung_iso/headers.py for the admin). Public pages run no script of their own and carry no
# inline style: everything comes from this host's static files, nothing may frame the site,
# forms post only here, and no <base> may redirect relative links.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
    },
}
# What the admin (every page under admin:, simple-history's included) needs beyond that. It
# replaces these directives there only; scripts stay 'self' without 'unsafe-inline' or eval.
# - style-src 'unsafe-inline': Django 5.2's admin/change_list.html writes a <style> block on
#   changelists without actions; simple-history's object_history_list.html has a style=
#   attribute; our templates/admin/index.html and .../certificate/schedule.html each carry a
#   <style> block. Styles cannot run code, and the admin escapes what staff type.
CONTENT_SECURITY_POLICY_ADMIN = {
    "style-src": ["'self'", "'unsafe-inline'"],
}
# Another site never receives our paths or query strings (as-of dates, certificate numbers).
SECURE_REFERRER_POLICY = "same-origin"
# A page this site opens from elsewhere (or that opens it) gets no handle on our window.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Permissions-Policy (bandung_iso/headers.py): no page here uses any of these browser features,
# so none may, nor may anything embedded. {feature: allowed origins}, [] for none.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
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
# No script reads the session or the CSRF cookie (the portal has none, the admin's posts forms).
# Production adds Secure to both (production.py); HSTS is set there too, without preload.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Logging: one line per event on stdout, "time level logger request_id message", for journald
# (bandung_iso/log.py). The message and any traceback are escaped onto the line; the request
# Django attaches to its records (cookies, POST, META) is never printed. DJANGO_LOG_LEVEL
# (default INFO) sets the level. SQL is never logged: its parameters hold personal data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "bandung_iso.log.RequestIdFilter"}},
    "formatters": {"one_line": {"()": "bandung_iso.log.OneLineFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "one_line",
        },
    },
    "root": {"handlers": ["stdout"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO").upper()},
    "loggers": {
        # Replaces Django's own handlers (the console only under DEBUG, mail to ADMINS): the
        # records go up to the root's one handler.
        "django": {"handlers": [], "level": "NOTSET", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        # django-axes' "BEGIN version ..." at every start of every command: noise on stdout.
        "axes.apps": {"level": "WARNING"},
    },
}
# django-axes names only the page in its log lines, never the username, address or browser.
AXES_CLIENT_STR_CALLABLE = "bandung_iso.log.axes_client_str"
