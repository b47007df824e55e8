"""Arena settings: one file, every knob read from the environment (see README.md, "Settings")."""

import contextlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


ARENA_HOME = Path(env_str("ARENA_HOME", str(REPO_ROOT / "var"))).resolve()
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for a local run).")
    # Only ever used with DEBUG on: a development key that is never valid in production.
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "arena.core",
    "arena.accounts",
    "arena.competitions",
    "arena.teams",
    "arena.submissions",
    "arena.results",
    "arena.baselines",
    "arena.methods",
    "arena.workflows",
    "arena.api",
    "arena.pages",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    # First, so every layer below sees a HEAD as the GET it stands for (core/middleware.py).
    "arena.core.middleware.HeadAsGetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "arena.core.middleware.ContentSecurityPolicyMiddleware",
    # Static files straight from gunicorn in production (compressed, cached forever by hash).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A browser that just logged in gets its device cookie (accounts/devices.py).
    "arena.accounts.middleware.DeviceCookieMiddleware",
    # Knows the user, and runs before CSRF, whose process_view reads the form body: oversized
    # bodies are never read.
    "arena.core.request_limits.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "arena.core.middleware.DatabaseUnavailableMiddleware",
]
# Scripts only from this site (all vendored); inline styles stay allowed for small layout
# touches and htmx's indicator style. Empty turns the header off.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)

ROOT_URLCONF = "arena.urls"
WSGI_APPLICATION = "arena.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [REPO_ROOT / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "arena.accounts.context_processors.email_status",
            ],
        },
    },
]

SQLITE_PATH = ARENA_HOME / "arena.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker write the same file: wait for locks instead of failing at once, and take the
    # write lock at BEGIN so two writers never deadlock on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REST API (arena/api): personal tokens for scripts and the CLI, the session for the browsable
# docs; every error as {"error": {"code", "message"}}.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "arena.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "arena.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Arena API",
    "DESCRIPTION": "Tasks, downloads, submissions and leaderboards of Arena competitions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the vendored sidecar package: the docs work offline, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Tests only: a password hash costs ~0.3 s with Django's PBKDF2, and fixtures make three users a
# test. `make test` exports this for the test process and every server it starts, so they agree;
# anywhere else it is refused, since MD5 would make stolen hashes cheap to crack.
if env_bool("ARENA_FAST_PASSWORD_HASHER", False):
    if os.environ.get("ARENA_TEST_SERVICES") != "1":
        raise ImproperlyConfigured("ARENA_FAST_PASSWORD_HASHER is for the test suite only.")
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
# The login throttle comes first, so every password check passes it (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "arena.accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttle (accounts/selectors.py), failures counted in a sliding window of
# LOGIN_LOCKOUT_SECONDS: a browser with a device cookie for the username is locked after
# LOGIN_FAILURE_LIMIT of its own failures; any other attempt after LOGIN_FAILURE_LIMIT failures
# for the username from its address, LOGIN_ADDRESS_FAILURE_LIMIT from its address, or
# LOGIN_USERNAME_FAILURE_LIMIT for the username from anywhere. 0 turns a count off.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_USERNAME_FAILURE_LIMIT = env_int("LOGIN_USERNAME_FAILURE_LIMIT", 30)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
LOGIN_DEVICE_COOKIE_DAYS = env_int("LOGIN_DEVICE_COOKIE_DAYS", 180)
# Accounts created per client address (an IPv6 /64) in a sliding window.
SIGNUP_RATE_LIMIT_COUNT = env_int("SIGNUP_RATE_LIMIT_COUNT", 5)
SIGNUP_RATE_LIMIT_SECONDS = env_int("SIGNUP_RATE_LIMIT_SECONDS", 3600)
# Reverse proxies in front of the site that append the client's address to X-Forwarded-For
# (core/client_address.py); 0 ignores the header. One too many lets clients pick their address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} must be 0 or more.")

# One cache shared by every web and worker process: a database table, created by a migration
# (core/migrations), so it works the same on SQLite and PostgreSQL without another server.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "arena_cache",
    }
}
LOGIN_REDIRECT_URL = "competitions:home"

# E-mail through Django's mail framework (accounts/mail.py): a real SMTP server in production.
# With no EMAIL_HOST, messages are written to the log (the console backend), so a demo needs no
# server; EMAIL_BACKEND picks any other backend (the file backend with EMAIL_FILE_PATH).
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587 if env_bool("EMAIL_USE_TLS", False) else 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
# A slow mail server must not hold a web request or a worker for long.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(ARENA_HOME / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Arena <arena@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails sent by workers (no request to take the host from), without a trailing slash.
SITE_URL = (env_str("SITE_URL", "http://localhost:8000") or "").rstrip("/")
# How long an e-mail verification link stays valid; password reset links: PASSWORD_RESET_TIMEOUT.
EMAIL_VERIFICATION_MAX_AGE_SECONDS = env_int("EMAIL_VERIFICATION_MAX_AGE_SECONDS", 3 * 86400)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 86400)
LOGOUT_REDIRECT_URL = "competitions:home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = ARENA_HOME / "static"

# Files users upload and task data live in private storage: no URL maps onto it, every download
# goes through a view that checks who is asking.
PRIVATE_FILES_ROOT = ARENA_HOME / "files"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_FILES_ROOT, "base_url": None},
    },
    # Production serves hashed, compressed copies made by `collectstatic` (docker/entrypoint.sh);
    # STATIC_MANIFEST=false serves the source files as they are (demo, tests).
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# With a bucket configured, private files live in an S3-compatible store instead (django-storages).
# Objects stay private: no public ACL and no signed URLs handed out, since every download still
# goes through a view that checks who is asking.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
            "region_name": env_str("AWS_S3_REGION_NAME"),
            "access_key": env_str("AWS_ACCESS_KEY_ID"),
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }

# /healthz answers from its last check for this long (per process), so a flood costs no writes.
HEALTHZ_CACHE_SECONDS = env_int("HEALTHZ_CACHE_SECONDS", 5)

# Uploads: a body declared bigger than its view takes is refused before it is read
# (core/request_limits.py); an accepted file bigger than the memory limit streams to a temporary
# file instead of RAM.
SUBMISSION_MAX_BYTES = env_int("SUBMISSION_MAX_BYTES", 100 * 1024 * 1024)
BUNDLE_UPLOAD_MAX_BYTES = env_int("BUNDLE_UPLOAD_MAX_BYTES", 1024 * 1024 * 1024)  # zipped
# A method package is code (the task's data is mounted at run time): 50 MB unpacked at most.
METHOD_UPLOAD_MAX_BYTES = env_int("METHOD_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 4 * 1024 * 1024)  # any view that takes no file
# Uploads a team may send in a sliding window, invalid ones included (they are free for the quota
# but each costs storage and a worker's time): a flood of broken files cannot clog scoring.
UPLOAD_RATE_LIMIT_COUNT = env_int("UPLOAD_RATE_LIMIT_COUNT", 30)
UPLOAD_RATE_LIMIT_SECONDS = env_int("UPLOAD_RATE_LIMIT_SECONDS", 600)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Bigger uploads wait in Arena's own folder, not /tmp, so that what a killed web process leaves
# there is found and swept (core/upload_temp.py): files untouched for UPLOAD_TEMP_MAX_AGE_SECONDS
# (longer than gunicorn's request timeout) go, at web start and every UPLOAD_TEMP_SWEEP_SECONDS.
FILE_UPLOAD_TEMP_DIR = str(Path(env_str("UPLOAD_TEMP_DIR", str(ARENA_HOME / "tmp" / "uploads"))))
with contextlib.suppress(OSError):  # if it cannot be made, Django's check says so by name
    Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "arena.core.upload_temp.SweepingTemporaryFileUploadHandler",
]
UPLOAD_TEMP_MAX_AGE_SECONDS = env_int("UPLOAD_TEMP_MAX_AGE_SECONDS", 300)
UPLOAD_TEMP_SWEEP_SECONDS = env_int("UPLOAD_TEMP_SWEEP_SECONDS", 600)


# Celery: the broker defaults to the embedded SQLAlchemy transport on the SQLite database, so a
# single machine needs no other server. See arena/celery.py for the "arenasqla" transport.
def embedded_broker_url(database_url: str) -> str:
    """The SQLAlchemy-transport URL for the same database Django uses."""
    if database_url.startswith("sqlite:"):
        # Wait for the web process's write lock instead of failing at once.
        return f"arenasqla+{database_url}?timeout=20"
    scheme, rest = database_url.split("://", 1)
    if scheme in ("postgres", "postgresql", "pgsql"):
        return f"arenasqla+postgresql+psycopg://{rest}"
    return f"arenasqla+{scheme}://{rest}"


CELERY_BROKER_URL = env_str(
    "CELERY_BROKER_URL",
    embedded_broker_url(env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")),
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "scoring"
CELERY_TASK_ROUTES = {
    "arena.submissions.tasks.*": {"queue": "scoring"},
    "arena.results.tasks.*": {"queue": "scoring"},
    # Announcement e-mails: short jobs, and the scoring workers are the ones always running.
    "arena.teams.tasks.*": {"queue": "scoring"},
    # The method runs' watchdog runs beside scoring, so it works while every methods worker is
    # busy (or dead, which is what it is there for).
    "arena.methods.tasks.recover_method_runs": {"queue": "scoring"},
    # Methods run in their sandbox on their own queue and workers: scoring never waits for one.
    # The built-in baselines are methods too (there is no `training` queue any more).
    "arena.methods.tasks.*": {"queue": "methods"},
}
# What a method may ask for at most (method.yaml resources), and where its runs' folders live.
METHOD_MAX_CPUS = env_int("METHOD_MAX_CPUS", 2)
METHOD_MAX_MEMORY_GB = env_int("METHOD_MAX_MEMORY_GB", 8)
METHOD_MAX_MINUTES = env_int("METHOD_MAX_MINUTES", 60)
# Each run's task copy, code and work folder (removed when it ends); only these are bound into
# the sandbox, never ARENA_HOME itself, where the database, answers and uploads live.
METHOD_RUNS_DIR = str(Path(env_str("METHOD_RUNS_DIR", str(ARENA_HOME / "tmp" / "runs"))))
with contextlib.suppress(OSError):
    Path(METHOD_RUNS_DIR).mkdir(parents=True, exist_ok=True)
# The built-in baselines' preset and training time limit (seconds); both are in the command of
# their method version, so changing one makes a new version on the next run.
BASELINE_PRESET = env_str("BASELINE_PRESET", "fast")
BASELINE_TIME_LIMIT = env_int("BASELINE_TIME_LIMIT", 300)
# A built-in run computes no text embeddings for more distinct texts than this (0: no limit):
# about a second per hundred texts on one CPU. The demo caps it to finish while you watch.
BASELINE_EMBEDDING_MAX_TEXTS = env_int("BASELINE_EMBEDDING_MAX_TEXTS", 0) or None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
SCORING_SOFT_TIME_LIMIT = env_int("SCORING_SOFT_TIME_LIMIT", 300)
# The watchdog re-enqueues jobs whose message was sent this long ago and came to nothing (a lost
# broker message, an enqueue that failed while the broker was down).
WATCHDOG_QUEUED_SECONDS = env_int("WATCHDOG_QUEUED_SECONDS", 300)
# Leases (core/leases.py): a worker renews its job's heartbeat every JOB_HEARTBEAT_SECONDS; a
# claim without a heartbeat for JOB_STALE_SECONDS belongs to a dead worker and is taken back by
# the watchdog (every WATCHDOG_INTERVAL_SECONDS) or by a redelivered message. Recovery from a
# killed worker takes at most JOB_STALE_SECONDS + WATCHDOG_INTERVAL_SECONDS.
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 5)
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 30)
WATCHDOG_INTERVAL_SECONDS = env_int("WATCHDOG_INTERVAL_SECONDS", 20)
# For fault tests only (never in production): seconds a worker waits after claiming a job.
SCORING_FAULT_DELAY_SECONDS = env_int("SCORING_FAULT_DELAY_SECONDS", 0)
# Memory: a scoring job may grow its process by at most SCORING_JOB_MEMORY_MB of address space
# (beyond, allocations fail and the file is refused as too big to score), and a pool process
# whose resident memory passed CELERY_WORKER_MAX_MEMORY_PER_CHILD (KiB) after a job is replaced.
SCORING_JOB_MEMORY_MB = env_int("SCORING_JOB_MEMORY_MB", 4096)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("WORKER_MAX_MEMORY_PER_CHILD_KB", 2_000_000)
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-submissions": {
        "task": "arena.submissions.tasks.requeue_stale_submissions",
        "schedule": float(WATCHDOG_INTERVAL_SECONDS),
    },
    "recover-method-runs": {
        "task": "arena.methods.tasks.recover_method_runs",
        "schedule": float(WATCHDOG_INTERVAL_SECONDS),
    },
}

# Worker presence (core/worker_presence.py): each worker's main process writes a heartbeat row
# every WORKER_HEARTBEAT_SECONDS (the embedded broker answers no `inspect ping`); /status/ lists
# the workers heard from within WORKER_ALIVE_SECONDS.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10)
WORKER_ALIVE_SECONDS = env_int("WORKER_ALIVE_SECONDS", 30)
# The embedded broker keeps a row per message for ever; beat deletes those delivered more than
# BROKER_MESSAGE_RETENTION_SECONDS ago, every BROKER_PRUNE_INTERVAL_SECONDS (a no-op on Redis).
BROKER_MESSAGE_RETENTION_SECONDS = env_int("BROKER_MESSAGE_RETENTION_SECONDS", 300)
BROKER_PRUNE_INTERVAL_SECONDS = env_int("BROKER_PRUNE_INTERVAL_SECONDS", 300)
# Participants who asked for it hear once that a competition's private results are out
# (results/notifications.py); beat looks every REVEAL_MAIL_INTERVAL_SECONDS.
REVEAL_MAIL_INTERVAL_SECONDS = env_int("REVEAL_MAIL_INTERVAL_SECONDS", 300)
# Competitions revealed longer ago than this are not looked at any more.
REVEAL_MAIL_WINDOW_DAYS = env_int("REVEAL_MAIL_WINDOW_DAYS", 7)
CELERY_BEAT_SCHEDULE["mail-results-revealed"] = {
    "task": "arena.results.tasks.mail_results_revealed",
    "schedule": float(REVEAL_MAIL_INTERVAL_SECONDS),
}
CELERY_BEAT_SCHEDULE["prune-broker-messages"] = {
    "task": "arena.core.tasks.prune_broker_messages",
    "schedule": float(BROKER_PRUNE_INTERVAL_SECONDS),
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS in production: redirect plain HTTP (not /healthz, which load balancers probe directly),
# and tell browsers to insist on HTTPS for a year. Behind a TLS-terminating proxy, set
# SECURE_PROXY_SSL_HEADER=true so Django trusts its X-Forwarded-Proto header.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
# Strict by default so `check --deploy` is clean; turn these off for a host whose subdomains
# still serve plain HTTP, before the first deploy (browsers remember HSTS).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
