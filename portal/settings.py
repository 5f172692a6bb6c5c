"""Django settings, read from the environment (12-factor).

Every setting that differs between a laptop and production comes from an environment variable;
the README has the table. Without any variable set, the portal runs on the embedded defaults:
a SQLite file and a file-system Celery broker under ``var/``, and the sandbox ERP.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from portal.startup_checks import DEVELOPMENT_SECRET_KEY, fernet_keys, refuse_unsafe_production

BASE_DIR = Path(__file__).resolve().parent.parent
# Where the embedded defaults keep their files. `make test` uses its own folder, so a test run
# never shares a queue, a cache or a database file with a running `make run`.
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var")).resolve()

env = environ.Env()

# --- profile ------------------------------------------------------------------------------------
# development (the default), test or production. Production turns every safety knob on and refuses
# to start without the secrets it needs.
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env.bool("DEBUG", default=DJANGO_ENV == "development")

if "SECRET_KEY" in env.ENVIRON:
    SECRET_KEY = env.str("SECRET_KEY")
elif DEBUG or DJANGO_ENV == "test":
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
else:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production needs its own long random SECRET_KEY in the "
        "environment; generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )

# Keys signed with before the last SECRET_KEY rotation (sessions, password-reset and invitation
# links) stay valid while listed here; drop them once those have expired.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- applications -------------------------------------------------------------------------------
INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "template_partials",
    "csp",
    "portal.apps.PortalConfig",
    "usage.apps.UsageConfig",
    "tenants.apps.TenantsConfig",
    "operations.apps.OperationsConfig",
    "webhooks.apps.WebhooksConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.AllowedMethodsMiddleware",
    "portal.middleware.RequestDataLimitsMiddleware",
    "portal.middleware.RequestContextMiddleware",
    # Machine endpoints (inbound webhooks) are answered here, before the browser middleware.
    "portal.machine.MachineEndpointMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.LoginRequiredMiddleware",
    "portal.middleware.MfaRequiredMiddleware",
    "portal.middleware.HtmxMessagesMiddleware",
]

ROOT_URLCONF = "portal.urls"
# Where MachineEndpointMiddleware looks for views marked @machine_endpoint (portal/machine.py).
PORTAL_MACHINE_PATH_PREFIXES = ("/webhooks/in/",)
# Every form renders through the portal's form and field templates (portal/rendering.py).
FORM_RENDERER = "portal.rendering.PortalFormRenderer"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "portal.User"

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
                "portal.context_processors.portal",
            ],
        },
    }
]

# --- data ---------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", 60 if PRODUCTION else 0)
# A kept connection the server closed (a restart, a failover, pg_terminate_backend) is noticed at
# the start of the next request or task instead of failing it.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", PRODUCTION)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let web, worker and beat share one SQLite file without "locked" errors.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
if DJANGO_ENV == "test" and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A test database need not survive a server crash: commits skip waiting for the disk.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if "CACHE_URL" in env.ENVIRON:
    CACHES = {"default": env.cache_url("CACHE_URL")}
elif REDIS_URL:
    CACHES = {"default": {"BACKEND": "portal.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read from Redis and written through to the database: a page costs a query
    # less (portal/sessions.py). Only with a cache every process shares, or a sign-out would not
    # reach the others.
    SESSION_ENGINE = "portal.sessions"
else:
    # Without Redis the database holds the cache, so web, workers and beat share it on every host
    # (allauth's rate limits and the ERP token store need that). Migrations create its table.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    # kombu's file-system transport needs its folders to exist before the first message.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Otherwise kombu puts its broadcast ("control") folder in the current directory.
        "control_folder": str(_broker_dir / "control"),
        # kombu looks at the folder once a second by default and, with one task prefetched per
        # process, a burst of 100 webhook deliveries took a minute to process under `make run`.
        "polling_interval": 0.1,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Redis hands an unacknowledged task (late acks; a countdown waiting in a worker) to another
    # worker after visibility_timeout: it must outlast the longest countdown
    # (usage.deferral.MAX_COUNTDOWN_SECONDS plus its jitter, held there by tests/deploy).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600)
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
if not CELERY_RESULT_BACKEND:
    (VAR_DIR / "celery-results").mkdir(parents=True, exist_ok=True)
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-results'}"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=150)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
# A worker's log lines go through LOGGING below, in the same format as the web's.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Queues by kind of work, so a burst of one never waits behind another: webhook intake answers the
# ERP's dispatcher fast, staff-triggered ERP I/O is a person waiting, sweeps are bulk background
# work; everything else (heartbeat, usage flush, alerts) stays on the default queue. A worker
# started without -Q consumes all of them; production may give each its own workers.
CELERY_TASK_DEFAULT_QUEUE = "celery"
PORTAL_QUEUES = ("webhooks", "erp_io", "sweeps", CELERY_TASK_DEFAULT_QUEUE)
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in PORTAL_QUEUES]
CELERY_TASK_ROUTES = {
    "webhooks.*": {"queue": "webhooks"},
    "operations.*": {"queue": "erp_io"},
    "tenants.check_tenants": {"queue": "erp_io"},
    "tenants.health_sweep": {"queue": "sweeps"},
    "tenants.check_batch": {"queue": "sweeps"},
}
# Exactly one scheduler across hosts: `celery beat -S redbeat.RedBeatScheduler` keeps the schedule
# and a lock in Redis; a second beat waits for the lock and takes over within
# REDBEAT_LOCK_TIMEOUT seconds of the first one's death. Beat wakes at least every
# CELERY_BEAT_MAX_LOOP_INTERVAL seconds to renew the lock (redbeat's default is 5 minutes).
CELERY_REDBEAT_REDIS_URL = env.str("REDBEAT_REDIS_URL", default=REDIS_URL) or None
CELERY_REDBEAT_KEY_PREFIX = env.str("REDBEAT_KEY_PREFIX", default="redbeat:")
CELERY_REDBEAT_LOCK_TIMEOUT = env.int("REDBEAT_LOCK_TIMEOUT", default=30)
CELERY_BEAT_MAX_LOOP_INTERVAL = 5
if CELERY_REDBEAT_LOCK_TIMEOUT <= 2 * CELERY_BEAT_MAX_LOOP_INTERVAL:
    raise ImproperlyConfigured(
        f"REDBEAT_LOCK_TIMEOUT ({CELERY_REDBEAT_LOCK_TIMEOUT}) must be longer than two beat loops "
        f"({2 * CELERY_BEAT_MAX_LOOP_INTERVAL} s), or a live beat loses its lock."
    )
CELERY_BEAT_SCHEDULE: dict = {
    "portal-heartbeat": {"task": "portal.heartbeat", "schedule": 60.0},
}

# --- the ERP ------------------------------------------------------------------------------------
PORTAL_SANDBOX = env.bool("PORTAL_SANDBOX", default=not PRODUCTION)
SANDBOX_URL = env.str(
    "SANDBOX_URL", default=f"http://127.0.0.1:{env.int('SANDBOX_PORT', default=8765)}"
)
_erp_default = (
    {"connect": SANDBOX_URL, "erp": SANDBOX_URL, "salesorder": SANDBOX_URL}
    if PORTAL_SANDBOX
    else {
        "connect": "https://connect.visma.com",
        "erp": "https://api.finance.visma.net",
        "salesorder": "https://salesorder.visma.net",
    }
)
VISMA_CONNECT_URL = env.str("VISMA_CONNECT_URL", default=_erp_default["connect"])
ERP_API_URL = env.str("ERP_API_URL", default=_erp_default["erp"])
SALESORDER_API_URL = env.str("SALESORDER_API_URL", default=_erp_default["salesorder"])

# --- secrets at rest ----------------------------------------------------------------------------
# Fernet keys, newest first: the first encrypts, all decrypt. Rotate by prepending a new key and
# running `manage.py rotate_encryption_keys`.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set. Production needs at least one Fernet key; "
            "generate one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
    ]
fernet_keys(FIELD_ENCRYPTION_KEYS)
if PRODUCTION:
    refuse_unsafe_production(
        secret_key=SECRET_KEY, debug=DEBUG, allowed_hosts=ALLOWED_HOSTS, sandbox=PORTAL_SANDBOX
    )

# --- authentication -----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend, its permissions read through portal/grants.py's cache.
    "portal.grants.GrantsBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# How long a user's role and permissions may stay in the cache; every change made through the ORM
# drops them at once (portal/grants.py), this bounds a change made around it.
PORTAL_GRANTS_CACHE_SECONDS = env.int("PORTAL_GRANTS_CACHE_SECONDS", default=60)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "portal.accounts.PortalAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
}
# Proxies in front of the portal that append the client's address to X-Forwarded-For (a load
# balancer, a TLS terminator): allauth's per-address limits and the audit log's addresses come
# from the entry they appended (see portal/request_context.py). 0 ignores the header.
PORTAL_TRUSTED_PROXY_COUNT = env.int("PORTAL_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = PORTAL_TRUSTED_PROXY_COUNT
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Visma.net ISV portal"
MFA_RECOVERY_CODE_COUNT = 10
# Accept the code of the neighbouring 30-second step too (RFC 6238's advice for clock drift and
# for a code typed just as it changes); a used code is still refused for the whole window.
MFA_TOTP_TOLERANCE = 1
# Operators and admins act on customers' ERP data: production makes a second factor mandatory.
PORTAL_MFA_REQUIRED_FOR_STAFF = env.bool("PORTAL_MFA_REQUIRED_FOR_STAFF", default=PRODUCTION)
PORTAL_INVITE_MAX_AGE_DAYS = env.int("PORTAL_INVITE_MAX_AGE_DAYS", default=3)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if DJANGO_ENV == "test":
    # PBKDF2 spends about half a second on every password the suite sets; tests need no strength.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ISV portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- security -----------------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Probes from an orchestrator or load balancer speak plain HTTP to the container.
    SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^readyz$", r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production, serve straight from static/ (no collectstatic needed for `make run` or tests).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- locale -------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Oslo")
USE_I18N = True
USE_TZ = True

# --- logging ------------------------------------------------------------------------------------
# LOG_FORMAT=plain (one readable line) or json (one JSON object a line, for a log shipper); both
# name the process, so the lines of two workers on one host stay apart.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "portal.log_format.PlainFormatter"},
        "json": {"()": "portal.log_format.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "filters": {"client_errors_in_one_line": {"()": "portal.log_filters.ClientErrorsInOneLine"}},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["client_errors_in_one_line"]},
    },
}

if PRODUCTION:
    # One line per ERP request at INFO would drown everything else (a sweep makes thousands a
    # minute); the usage ledger records every call.
    LOGGING["loggers"].update({"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}})

# --- the portal ---------------------------------------------------------------------------------
PORTAL_NAME = "Visma.net ISV portal"
# The name on the top bar and at the end of every tab title ("Tenants · ISV portal").
PORTAL_SHORT_NAME = "ISV portal"
DEMO_LOGIN_EMAIL = "admin@demo.example"
# Callables (dotted paths) that `manage.py seed_demo` runs after the demo staff; each returns how
# many objects it created. Each app appends its own below.
PORTAL_DEMO_SEEDERS: list[str] = []
# Callables (dotted paths) taking the request and returning (template name, context) or None;
# the dashboard shows them in order. Each app appends its own below.
PORTAL_DASHBOARD_PANELS: list[str] = []
# Callables (dotted paths) taking the request and returning banners for the top of every page
# (dicts: text, url, link_text, level); each app appends its own below.
PORTAL_BANNERS: list[str] = []
# The page of an audit row's object: target type (app_label.model) → URL name taking its id
# (``<int:pk>``); the audit log links the object there. Each app adds its own below.
PORTAL_AUDIT_TARGET_URLS: dict[str, str] = {}
# usage's registries, which other apps append to below: callables (dotted paths) yielding extra
# Prometheus metric families for /metrics, and handlers of usage's throttling alerts (see
# usage/alerts.py; usage imports no other app).
USAGE_METRICS_EXTRA: list[str] = []
USAGE_ALERT_HANDLERS: list[str] = []

# --- tenants (API clients, onboarding, health) --------------------------------------------------
# Who signs the messages staff send to customers.
TENANTS_ISV_NAME = env.str("TENANTS_ISV_NAME", default="the integration team")
# Each checked tenant is checked this often; beat looks for due tenants every tick.
TENANTS_CHECK_INTERVAL_SECONDS = env.int("TENANTS_CHECK_INTERVAL_SECONDS", default=3600)
TENANTS_SWEEP_TICK_SECONDS = env.int("TENANTS_SWEEP_TICK_SECONDS", default=60)
TENANTS_SWEEP_MAX_PER_TICK = env.int("TENANTS_SWEEP_MAX_PER_TICK", default=5000)
# A sweep's claim on a tenant lasts this long: a worker killed mid-batch leaves its tenants due
# again after it. Longer than a batch may wait to be sent (a tick, see TENANTS_SWEEP_MIN_BATCH_SIZE)
# and then run (CELERY_TASK_TIME_LIMIT), so a live check never loses its claim.
TENANTS_SWEEP_LEASE_SECONDS = env.int("TENANTS_SWEEP_LEASE_SECONDS", default=300)
if TENANTS_SWEEP_LEASE_SECONDS <= CELERY_TASK_TIME_LIMIT + TENANTS_SWEEP_TICK_SECONDS:
    raise ImproperlyConfigured(
        f"TENANTS_SWEEP_LEASE_SECONDS ({TENANTS_SWEEP_LEASE_SECONDS}) must be longer than "
        f"CELERY_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT}) plus TENANTS_SWEEP_TICK_SECONDS "
        f"({TENANTS_SWEEP_TICK_SECONDS}), or a slow batch loses its tenants."
    )
# Tenants per Celery task (at most), and checks running at once inside one task.
TENANTS_SWEEP_BATCH_SIZE = env.int("TENANTS_SWEEP_BATCH_SIZE", default=200)
# A tick's batches are sent one after another across the tick, not together (tenants.sweep.spread):
# while few tenants are due, batches of at least this many, at most one a second.
TENANTS_SWEEP_MIN_BATCH_SIZE = env.int("TENANTS_SWEEP_MIN_BATCH_SIZE", default=4)
TENANTS_SWEEP_CONCURRENCY = env.int("TENANTS_SWEEP_CONCURRENCY", default=16)
TENANTS_CHECK_TIMEOUT_SECONDS = env.float("TENANTS_CHECK_TIMEOUT_SECONDS", default=15.0)
# A check step run inside a web request (onboarding, Check now) waits this long for each ERP
# answer, with no retry, so a hung ERP cannot hold the page.
TENANTS_INTERACTIVE_TIMEOUT_SECONDS = env.float("TENANTS_INTERACTIVE_TIMEOUT_SECONDS", default=5.0)
TENANTS_CHECK_MAX_RETRIES = env.int("TENANTS_CHECK_MAX_RETRIES", default=1)
# How long Visma Connect's refusal of a tenant's credentials (invalid_tenant, invalid_client) is
# remembered, so calls for that tenant fail at once instead of asking again; 0 turns it off.
TENANTS_TOKEN_REFUSAL_SECONDS = env.float("TENANTS_TOKEN_REFUSAL_SECONDS", default=60.0)
# An issue resolves after this many good checks in a row (no flapping).
TENANTS_RESOLVE_AFTER_CHECKS = env.int("TENANTS_RESOLVE_AFTER_CHECKS", default=2)
# "Near the limit" and "a test client carrying production traffic" are usage's rules
# (USAGE_ALERT_SHARE, USAGE_TEST_CLIENT_HEAVY_SHARE below); the checks ask usage.
CELERY_BEAT_SCHEDULE.update(
    {
        "tenants-health-sweep": {
            "task": "tenants.health_sweep",
            "schedule": float(TENANTS_SWEEP_TICK_SECONDS),
        }
    }
)
PORTAL_DEMO_SEEDERS.append("tenants.demo.seed")
# /metrics (served by usage) also reports open health issues by kind.
USAGE_METRICS_EXTRA.append("tenants.metrics.open_issues")
# usage's throttling alerts become health issues (queued for a worker, never on the ERP call path).
USAGE_ALERT_HANDLERS.append("tenants.alerts.throttling_seen")
PORTAL_DASHBOARD_PANELS.append("tenants.panels.health_panel")
PORTAL_AUDIT_TARGET_URLS.update(
    {"tenants.tenant": "tenants:detail", "tenants.customer": "tenants:customer"}
)
# Callables (dotted paths) taking a tenant and returning extra context for its page
# (tenants/detail.html), so an app built on tenants can say there what it offers; each app appends
# its own below.
TENANTS_PAGE_CONTEXT: list[str] = []


# --- usage (ledger, limiter, metrics; after tenants so its demo seeder sees the seeded tenants) --
# Every usage setting and its default lives here (usage/conf.py only reads them).
# Hourly budgets per company and the share background work leaves to staff, per client type: the
# one source of the default limits (an API client may override its own).
USAGE_HOURLY_LIMITS = {
    "test": env.int("USAGE_LIMIT_TEST", default=500),
    "production": env.int("USAGE_LIMIT_PRODUCTION", default=15_000),
}
USAGE_BACKGROUND_RESERVE = {
    "test": env.float("USAGE_RESERVE_TEST", default=0.2),
    "production": env.float("USAGE_RESERVE_PRODUCTION", default=0.2),
}
for _type, _share in USAGE_BACKGROUND_RESERVE.items():
    if not 0.0 <= _share < 1.0:
        raise ImproperlyConfigured(
            f"USAGE_RESERVE_{_type.upper()} is a share of the hour from 0 up to (not) 1, "
            f"e.g. 0.2 for 20 %; got {_share!r}."
        )
# "Near the limit": from this share of the hour's budget (the alert, the dashboard, the checks).
USAGE_ALERT_SHARE = env.float("USAGE_ALERT_SHARE", default=0.8)
# "A test client carrying production traffic": its calls averaged above this share of its limit
# over the last USAGE_TEST_CLIENT_AVERAGE_HOURS hours (the alert and the checks).
USAGE_TEST_CLIENT_HEAVY_SHARE = env.float("USAGE_TEST_CLIENT_HEAVY_SHARE", default=0.5)
USAGE_TEST_CLIENT_AVERAGE_HOURS = env.int("USAGE_TEST_CLIENT_AVERAGE_HOURS", default=24)
USAGE_CALL_LOG_DAYS = env.int("USAGE_CALL_LOG_DAYS", default=14)
USAGE_ROLLUP_DAYS = env.int("USAGE_ROLLUP_DAYS", default=400)
# The limiter's Redis: None means REDIS_URL; "" means the database limiter even with REDIS_URL.
USAGE_REDIS_URL: str | None = None
USAGE_REDIS_PREFIX = env.str("USAGE_REDIS_PREFIX", default="usage:")
# Bearer token Prometheus sends to /metrics; empty turns the endpoint off.
USAGE_METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Celery queues whose length /metrics reports.
USAGE_METRICS_QUEUES = list(PORTAL_QUEUES)
USAGE_EXPORT_MAX_DAYS = 93
USAGE_EXPORT_MAX_ROWS = 250_000
USAGE_DASHBOARD_REFRESH_SECONDS = 5
# The usage dashboard and the home panel show figures at most this old (each web process reads
# every company once per period instead of once per page; the pages say "as of"). 0: every page
# reads them afresh.
USAGE_DASHBOARD_SNAPSHOT_SECONDS = env.float("USAGE_DASHBOARD_SNAPSHOT_SECONDS", default=5.0)
# How often a background task held by the budget goes back to the broker before it gives up.
USAGE_MAX_DEFERRALS = 48
CELERY_BEAT_SCHEDULE.update(
    {
        "usage-prune": {"task": "usage.prune", "schedule": 6 * 3600.0},
        "usage-check-test-clients": {"task": "usage.check_test_clients", "schedule": 900.0},
    }
)
if REDIS_URL:
    # Calls recorded on Redis reach the database ledger through this flush.
    CELERY_BEAT_SCHEDULE["usage-flush"] = {"task": "usage.flush", "schedule": 5.0}
PORTAL_DEMO_SEEDERS.append("usage.demo.seed")
PORTAL_DASHBOARD_PANELS.append("usage.panels.dashboard_panel")
PORTAL_AUDIT_TARGET_URLS["usage.meteredcompany"] = "usage:company"


# --- operations (ERP documents staff act on) -----------------------------------------------------
# Which operations open for a tenant, and why not, on the tenant's page.
TENANTS_PAGE_CONTEXT.append("operations.access.tenant_page_context")
PORTAL_AUDIT_TARGET_URLS.update(
    {
        "operations.backgroundjob": "operations:job",
        "operations.portalorder": "operations:order_detail",
    }
)
# A person waits for every call: the ERP gets this long per call before the page says it did not
# answer (no retry of a write; reads retry once within the client's rules).
OPERATIONS_TIMEOUT_SECONDS = env.float("OPERATIONS_TIMEOUT_SECONDS", default=10.0)
# ERP lookups behind the forms (customers, items, locations, order types, suppliers) are kept this
# long per tenant; ERP events about the data drop them sooner.
OPERATIONS_LOOKUP_CACHE_SECONDS = env.int("OPERATIONS_LOOKUP_CACHE_SECONDS", default=300)
# Background jobs (operations/jobs): how long to wait for the ERP's notification before polling
# its state, the first and the longest pause between polls, the ERP's retention of a job's state
# (24 h), how long a job whose send got no answer waits for the document to change, the queue
# its tasks go to, and the sweep that reschedules a job whose task was lost.
OPERATIONS_JOB_NOTIFY_WAIT_SECONDS = env.float("OPERATIONS_JOB_NOTIFY_WAIT_SECONDS", default=5.0)
OPERATIONS_JOB_POLL_FIRST_SECONDS = env.float("OPERATIONS_JOB_POLL_FIRST_SECONDS", default=0.5)
OPERATIONS_JOB_POLL_MAX_SECONDS = env.float("OPERATIONS_JOB_POLL_MAX_SECONDS", default=300.0)
OPERATIONS_JOB_RETENTION_SECONDS = 24 * 3600
OPERATIONS_JOB_UNKNOWN_GIVE_UP_SECONDS = 3600
# ERP I/O (see PORTAL_QUEUES): a job's tasks name their queue, so the route alone would not do.
OPERATIONS_JOBS_QUEUE = env.str("OPERATIONS_JOBS_QUEUE", default="erp_io")
OPERATIONS_JOB_SWEEP_GRACE_SECONDS = 120
CELERY_BEAT_SCHEDULE["operations-jobs-sweep"] = {
    "task": "operations.jobs.sweep",
    "schedule": 60.0,
}
# A form may be submitted this long after it was opened (the one-token-per-form guard).
PORTAL_FORM_TOKEN_MAX_AGE_SECONDS = env.int("PORTAL_FORM_TOKEN_MAX_AGE_SECONDS", default=24 * 3600)


# --- webhooks (the inbound inbox) ----------------------------------------------------------------
# A delivery's body may be at most this large (413 above it, stored without its body).
WEBHOOKS_MAX_BODY_BYTES = env.int("WEBHOOKS_MAX_BODY_BYTES", default=256 * 1024)
# Deliveries are deleted this many days after they arrived (the retention task, daily).
WEBHOOKS_RETENTION_DAYS = env.int("WEBHOOKS_RETENTION_DAYS", default=30)
# The silence alarm: a source that delivered at least WEBHOOKS_SILENCE_MIN_DELIVERIES verified
# deliveries in the last WEBHOOKS_SILENCE_LOOKBACK_HOURS "normally speaks"; it is silent when its
# newest verified delivery is older than its threshold here (seconds; 0 or absent: never alarmed).
# Statuspage speaks only during incidents, so it has none by default.
WEBHOOKS_SILENCE_SECONDS = {
    "visma": env.int("WEBHOOKS_SILENCE_VISMA_SECONDS", default=6 * 3600),
    "background_url": env.int("WEBHOOKS_SILENCE_BACKGROUND_URL_SECONDS", default=0),
    "statuspage": env.int("WEBHOOKS_SILENCE_STATUSPAGE_SECONDS", default=0),
}
WEBHOOKS_SILENCE_LOOKBACK_HOURS = env.int("WEBHOOKS_SILENCE_LOOKBACK_HOURS", default=7 * 24)
WEBHOOKS_SILENCE_MIN_DELIVERIES = env.int("WEBHOOKS_SILENCE_MIN_DELIVERIES", default=10)
# Each process keeps the active signing keys this long (one read fewer per delivery); a key
# retired elsewhere stops verifying within it.
WEBHOOKS_KEY_CACHE_SECONDS = env.float("WEBHOOKS_KEY_CACHE_SECONDS", default=5.0)
# A delivery still queued this long after it was stored lost its task (broker down): sent again.
WEBHOOKS_REQUEUE_AFTER_SECONDS = env.int("WEBHOOKS_REQUEUE_AFTER_SECONDS", default=600)
# The inbox tells workers about new deliveries in rounds (webhooks/handoff.py): a round hands over
# at most WEBHOOKS_HANDOFF_BATCH, and the "a round is on its way" flag lapses after
# WEBHOOKS_HANDOFF_FLAG_SECONDS in case that round's message was lost.
WEBHOOKS_HANDOFF_BATCH = env.int("WEBHOOKS_HANDOFF_BATCH", default=500)
WEBHOOKS_HANDOFF_FLAG_SECONDS = env.int("WEBHOOKS_HANDOFF_FLAG_SECONDS", default=10)
# How long a web process gathers committed deliveries before it announces them (0: each request
# announces its own, at once; webhooks/handoff.py).
WEBHOOKS_ANNOUNCE_DELAY_SECONDS = env.float("WEBHOOKS_ANNOUNCE_DELAY_SECONDS", default=0.05)
# Reprocessing a range takes at most this many deliveries per click.
WEBHOOKS_REPROCESS_MAX = env.int("WEBHOOKS_REPROCESS_MAX", default=1000)
CELERY_BEAT_SCHEDULE.update(
    {
        "webhooks-prune": {"task": "webhooks.prune", "schedule": 24 * 3600.0},
        "webhooks-check-silence": {"task": "webhooks.check_silence", "schedule": 300.0},
        "webhooks-requeue-stale": {"task": "webhooks.requeue_stale", "schedule": 300.0},
    }
)
# /metrics reports each source's silence (seconds since its newest verified delivery, and the
# alarm); the dashboard shows an open silence alarm.
USAGE_METRICS_EXTRA.append("webhooks.metrics.silence")
USAGE_METRICS_EXTRA.append("webhooks.metrics.backlog")
PORTAL_DASHBOARD_PANELS.append("webhooks.panels.silence_panel")
PORTAL_AUDIT_TARGET_URLS["webhooks.inbounddelivery"] = "webhooks:delivery"
# make run: the demo clients' dispatcher subscriptions, with the key the sandbox signs with.
PORTAL_DEMO_SEEDERS.append("webhooks.demo.seed")
# ERP events on one document within this many seconds cost one refresh (operations/events.py).
OPERATIONS_EVENT_COALESCE_SECONDS = env.float("OPERATIONS_EVENT_COALESCE_SECONDS", default=2.0)
# An invoice page asks the portal (no ERP call) this often whether an ERP event changed the
# invoice, and stops asking after OPERATIONS_INVOICE_WATCH_SECONDS (reloading starts again).
OPERATIONS_INVOICE_POLL_SECONDS = env.float("OPERATIONS_INVOICE_POLL_SECONDS", default=3.0)
# A supplier document's page, and a page of their lists, show the portal's copy of a read this
# recent instead of reading the ERP again (operations/financials/read_cache.py); any change the
# portal learns of drops it.
OPERATIONS_DOCUMENT_READ_SECONDS = env.int("OPERATIONS_DOCUMENT_READ_SECONDS", default=15)
OPERATIONS_INVOICE_WATCH_SECONDS = env.int("OPERATIONS_INVOICE_WATCH_SECONDS", default=3600)
# status.visma.com: the page whose public summary confirms what its webhooks say (the sandbox
# serves one), and the components whose incidents put up the banner and count as an ERP outage.
TENANTS_STATUSPAGE_URL = env.str(
    "TENANTS_STATUSPAGE_URL",
    default=SANDBOX_URL if PORTAL_SANDBOX else "https://status.visma.com",
)
TENANTS_STATUSPAGE_ERP_COMPONENTS = env.list(
    "TENANTS_STATUSPAGE_ERP_COMPONENTS",
    default=["Visma.net ERP API", "Visma.net ERP SalesOrder API", "Visma Connect"],
)
TENANTS_STATUSPAGE_TIMEOUT_SECONDS = env.float("TENANTS_STATUSPAGE_TIMEOUT_SECONDS", default=5.0)
# How long every page may show the banners from the cache; saving an incident drops the copy at
# once (tenants/statuspage.py), this bounds a change made around the ORM.
TENANTS_STATUSPAGE_BANNERS_CACHE_SECONDS = env.int(
    "TENANTS_STATUSPAGE_BANNERS_CACHE_SECONDS", default=30
)
# A banner on every page while such an incident is open.
PORTAL_BANNERS.append("tenants.statuspage.banners")
# A sales order of 200 lines posts about 2,020 fields (ten a line); Django's default of 1,000
# would refuse it before the form could say "at most 200 lines".
DATA_UPLOAD_MAX_NUMBER_FIELDS = 4000
