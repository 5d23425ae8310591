"""All settings, driven by environment variables (see ``.env.example``).

With no variables at all the project runs on an embedded SQLite database under ``var/`` and
needs no broker server. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch it to PostgreSQL
and a real broker without touching code.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF

from config.env import BASE_DIR, VAR_DIR, env
from config.settings.privacy import *  # noqa: F403  (retention of personal data, to confirm)
from config.settings.programme import *  # noqa: F403  (the programme's values, to confirm)

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-dev-only-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Where people write for help (error pages, accessibility statement): the programme's team.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="entreprendre-autrement@example.org")
# A form sent after its page expired gets a French page saying what to do.
CSRF_FAILURE_VIEW = "workflows.errors.csrf_failure"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
LOCALE_PATHS = [BASE_DIR / "locale"]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# DATABASES
# ------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mel_ess.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite ignores SELECT ... FOR UPDATE, so viewflow's row lock is a no-op there.
    # IMMEDIATE transactions take the write lock at BEGIN: concurrent flow steps really
    # serialise instead of failing late with "database is locked". WAL lets readers go on.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# APPS
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's widget templates, for the project's form renderer (FORM_RENDERER below).
    "django.forms",
    "django_filters",
    "guardian",
    # French names in the admin for these three (config/apps.py).
    "config.apps.AxesConfig",
    "django_otp",
    "config.apps.TotpConfig",
    "csp",
    "viewflow",
    "config.apps.ViewflowWorkflowConfig",
    "accounts",
    "applicants",
    "funding",
    "reviewers",
    "workflows",
    "demo",
    "notifications",
    "documents",
    "audit",
    "exports",
    "steering",
    "opendata",
    "privacy",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files served from our static files: the CSP needs no CDN.
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who acts, for audit records written where no signal names the actor (grants).
    "audit.middleware.AuditActorMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # What a signed-in person sees is never cached (Cache-Control: private, no-store).
    "accounts.middleware.PrivateResponsesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a lockout flagged during authentication into the French lockout page.
    "axes.middleware.AxesMiddleware",
]

# viewflow would append its SiteMiddleware, which gates every page on model-wide
# permissions; our back-office mounts are explicit and filtered per object instead.
VIEWFLOW = {"AUTOREGISTER": False}

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
                "accounts.context_processors.personas",
                "notifications.context_processors.notifications",
                "config.context_processors.site",
            ],
        },
    },
]

# One rendering for every form ({{ form }} and includes/form.html): labels, help, errors
# tied by aria-describedby, fieldsets for groups of choices, the error summary.
FORM_RENDERER = "accounts.form_rendering.ProjectFormRenderer"

# AUTHENTICATION AND PERMISSIONS
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out e-mail and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with a user's model-wide permissions read in one query.
    "accounts.backends.ModelPermissionBackend",
    # Applicants' rights on what they own (their person, structures, projects).
    "accounts.backends.OwnershipBackend",
    # Organisations' rights on the objects they are linked to (granted to their group).
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions: the key changes at sign-in (django.contrib.auth.login). A signed-in session ends
# after SESSION_IDLE_TIMEOUT_SECONDS without a request (accounts.middleware pushes the expiry
# back as the user works, at most once a minute rather than a write per request), and in any
# case SESSION_COOKIE_AGE seconds after sign-in (SESSION_MAX_LIFETIME_SECONDS).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=60 * 60)
SESSION_MAX_LIFETIME_SECONDS = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failures for one e-mail from one address,
# that pair is refused for AXES_COOLOFF_MINUTES; a successful sign-in clears the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The login form's field is "username" (it holds the e-mail), compared in lower case.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.security.lockout_username"
# Client address: REMOTE_ADDR, or X-Forwarded-For as written by TRUSTED_PROXY_COUNT proxies.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip_address"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429

# Optional second factor (TOTP, django-otp) for members of organisations. When
# OTP_REQUIRED_FOR_STAFF is set, MEL staff must enrol before using the back-office.
OTP_TOTP_ISSUER = "Entreprendre Autrement MEL"
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=False)
# Wrong codes allowed at the sign-in code step before going back to the password step.
OTP_LOGIN_MAX_ATTEMPTS = 5
OTP_LOGIN_PENDING_SECONDS = 5 * 60

# SECURITY HEADERS (every environment, so development sees CSP violations too)
# ------------------------------------------------------------------------------
# No inline script, style attribute or event handler in our templates: everything comes from
# static files, so 'self' suffices (tests/test_security_headers.py checks the pages).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# STATIC AND MEDIA
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents live outside the web root and are only served by permission-checked views.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-non-servi/"

# CACHE
# ------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# EMAIL
# ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Entreprendre Autrement <ne-pas-repondre@example.org>"
)
# A mail server that hangs must not hold a worker (or, without a broker, a request).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# CELERY
# ------------------------------------------------------------------------------
# No broker configured: tasks run in-process after commit (embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory://")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60 * 12),
}
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A request never waits long for a broker that is down: the outbox relay catches up.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Hour of the daily digest for those who chose it.
NOTIFICATIONS_DIGEST_HOUR = env.int("NOTIFICATIONS_DIGEST_HOUR", default=7)
# Hour of the night when the plan's indicators are recomputed (steering.tasks).
INDICATORS_RECOMPUTE_HOUR = env.int("INDICATORS_RECOMPUTE_HOUR", default=2)
# One beat process only: it fires the flows' due timers and relays the outbox every minute.
CELERY_BEAT_SCHEDULE = {
    "workflow-timers": {
        "task": "workflows.tasks.fire_workflow_timers",
        "schedule": env.float("WORKFLOW_TIMERS_INTERVAL_SECONDS", default=60.0),
    },
    "notifications-relay": {
        "task": "notifications.tasks.relay_outbox",
        "schedule": env.float("NOTIFICATIONS_RELAY_INTERVAL_SECONDS", default=60.0),
    },
    # The links of public first contacts (workflows.journey.confirmation): same rhythm.
    "first-contact-confirmations-relay": {
        "task": "workflows.tasks.relay_first_contact_confirmations",
        "schedule": env.float("NOTIFICATIONS_RELAY_INTERVAL_SECONDS", default=60.0),
    },
    "api-webhooks-relay": {
        "task": "api.tasks.relay_webhooks",
        "schedule": env.float("API_WEBHOOK_RELAY_INTERVAL_SECONDS", default=60.0),
    },
    "notifications-digest": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=NOTIFICATIONS_DIGEST_HOUR, minute=0),
    },
    "steering-indicators": {
        "task": "steering.tasks.recompute_standard_snapshots",
        "schedule": crontab(hour=INDICATORS_RECOMPUTE_HOUR, minute=30),
    },
    # Personal data deleted or anonymised when its retention period is over (privacy).
    "privacy-retention": {
        "task": "privacy.tasks.run_retention",
        "schedule": crontab(hour=RETENTION_RUN_HOUR, minute=0),  # noqa: F405 (privacy)
    },
    # Expired export files deleted; exports lost with their worker handed over again.
    "exports-purge": {
        "task": "exports.tasks.purge_exports",
        "schedule": env.float("EXPORT_PURGE_INTERVAL_SECONDS", default=15 * 60.0),
    },
}

# EXPORTS (staff lists as CSV or XLSX)
# ------------------------------------------------------------------------------
# Up to this many rows the file is written at once; beyond, it is prepared in the background.
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=2000)
# Hours a prepared export stays downloadable before its file is deleted.
EXPORT_RETENTION_HOURS = env.int("EXPORT_RETENTION_HOURS", default=24)
# Rows written between two progress updates of a background export (one query each).
EXPORT_PROGRESS_EVERY = env.int("EXPORT_PROGRESS_EVERY", default=1000)
# An export with no sign of life for these minutes was lost with its worker: run again.
EXPORT_STALE_MINUTES = env.int("EXPORT_STALE_MINUTES", default=30)
# Attempts before an interrupted export is marked failed.
EXPORT_MAX_ATTEMPTS = env.int("EXPORT_MAX_ATTEMPTS", default=2)
# Days the list of one's exports remembers expired and failed ones.
EXPORT_HISTORY_DAYS = env.int("EXPORT_HISTORY_DAYS", default=30)

# DOCUMENTS (uploads are checked, stored under MEDIA_ROOT with random names, never served
# directly)
# ------------------------------------------------------------------------------
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# OOXML/ODF files are zip archives: refuse more entries or more uncompressed bytes than this.
DOCUMENT_ARCHIVE_MAX_ENTRIES = env.int("DOCUMENT_ARCHIVE_MAX_ENTRIES", default=2000)
DOCUMENT_ARCHIVE_MAX_UNCOMPRESSED_BYTES = env.int(
    "DOCUMENT_ARCHIVE_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024
)
# clamd antivirus, e.g. tcp://127.0.0.1:3310; empty: no scan (documents marked "not scanned").
CLAMD_URL = env.str("CLAMD_URL", default="")
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=10.0)

# NOTIFICATIONS
# ------------------------------------------------------------------------------
# Absolute links in e-mails point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Domain of the Message-ID of notification e-mails (the same on every attempt).
NOTIFICATIONS_MAIL_DOMAIN = env.str("NOTIFICATIONS_MAIL_DOMAIN", default="mel-ess.local")
# A row still unsent this long after it was written is handed to a worker again.
NOTIFICATIONS_RELAY_AFTER_SECONDS = env.int("NOTIFICATIONS_RELAY_AFTER_SECONDS", default=60)
# Attempts before an e-mail is marked failed (staff can resend it from the dossier).
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)

# TERRITORY: MEL communes, QPV, geocoder
# ------------------------------------------------------------------------------
MEL_EPCI_SIREN = env.str("MEL_EPCI_SIREN", default="200093201")
# National address API (Base Adresse Nationale) search endpoint; any compatible server.
GEOCODER_URL = env.str("GEOCODER_URL", default="https://api-adresse.data.gouv.fr/search/")
GEOCODER_TIMEOUT = env.float("GEOCODER_TIMEOUT", default=4.0)
# Below this score the geocoded point is not trusted for a QPV decision.
GEOCODER_MIN_SCORE = env.float("GEOCODER_MIN_SCORE", default=0.6)
QPV_GENERATION = env.int("QPV_GENERATION", default=2024)
# A point closer than this to a perimeter edge is sent to staff for verification.
QPV_BORDER_TOLERANCE_M = env.float("QPV_BORDER_TOLERANCE_M", default=15.0)
# Shown after the "not in the MEL" refusal: where someone outside the metropolis can turn.
OUTSIDE_MEL_HELP = env.str(
    "OUTSIDE_MEL_HELP",
    default=(
        "Pour une activité située ailleurs, renseignez-vous auprès de votre intercommunalité "
        "ou de la Chambre régionale de l'économie sociale et solidaire (CRESS) de votre région."
    ),
)
# Where someone outside the MEL can turn, shown as links with the refusal (first contact,
# triage redirection, the e-mail): (label, address, what it is for). [À CONFIRMER avec le
# service ESS de la MEL: the addresses and their order are proposals.]
OUTSIDE_MEL_LINKS = [
    (
        "CRESS Hauts-de-France",
        "https://www.cress-hdf.org/",
        "la Chambre régionale de l'économie sociale et solidaire oriente les projets de "
        "toute la région",
    ),
    (
        "Trouver votre intercommunalité",
        "https://lannuaire.service-public.fr/",
        "l'annuaire de l'administration donne la communauté de communes ou d'agglomération "
        "de votre commune, qui peut avoir son propre dispositif",
    ),
]

# FORMS
# ------------------------------------------------------------------------------
# Longest free text a form accepts (a project summary, a reason, a message), in characters.
FORM_TEXT_MAX_LENGTH = 5000

# MONEY
# ------------------------------------------------------------------------------
CURRENCY_DECIMALS = 2
MONEY_ZERO = Decimal("0.00")

# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# STATISTICS
# ------------------------------------------------------------------------------
# Aggregates shown to the steering committee and the lab hide counts below this value.
STATISTICS_MIN_CELL = env.int("STATISTICS_MIN_CELL", default=3)
# The Comité métropolitain's semester report: the folder of the DejaVu TrueType fonts its PDF
# is set in (accents, "€" and the narrow no-break space of French numbers).
PDF_FONT_DIR = env.str("PDF_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")

# Longest wait for another user's step on the same journey before giving a clear message.
FLOW_LOCK_TIMEOUT_SECONDS = env.float("FLOW_LOCK_TIMEOUT_SECONDS", default=10.0)

# PARTNERS' API (Django REST framework, OpenAPI schema by drf-spectacular)
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Partners' systems send "Authorization: Bearer <key>"; signed-in people (staff reading
    # the docs) use their session. Both answer through the same per-object policy.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON for machines; the browsable page only for signed-in MEL staff (api.negotiation).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.StaffBrowsableNegotiation",
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Versions are in the path (/api/v1/): a v2 would be a new set of routes beside it.
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Entreprendre Autrement (MEL)",
    "DESCRIPTION": (
        "Lecture des dossiers, décisions, lignes de financement, tranches de versement et "
        "indicateurs agrégés du programme Entreprendre Autrement, pour les systèmes des "
        "partenaires. Chaque organisation ne lit que ce que ses membres voient sur le site. "
        "Authentification : en-tête « Authorization: Bearer <clé> » (clé fournie par "
        "l'équipe de la MEL). Webhooks signés : voir le README, section « API des partenaires »."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}
# Largest page a client may ask for (?taille=).
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=200)
# Webhooks: attempts before a delivery is marked failed, and the wait for the partner's answer.
# 24 attempts (30 s, 1 min … then every 6 h) span about 3.6 days: a partner down over a
# long weekend still gets its events.
API_WEBHOOK_MAX_ATTEMPTS = env.int("API_WEBHOOK_MAX_ATTEMPTS", default=24)
API_WEBHOOK_TIMEOUT_SECONDS = env.float("API_WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# Development and tests only: plain http:// to 127.0.0.1/localhost, and no check that a
# webhook address is public (production refuses 10.x, 127.x, 169.254.x, ::1…).
API_WEBHOOK_ALLOW_LOCAL_HTTP = env.bool("API_WEBHOOK_ALLOW_LOCAL_HTTP", default=DEBUG)
# A delivery still pending this long after it was written is handed to a worker again.
API_WEBHOOK_RELAY_AFTER_SECONDS = env.int("API_WEBHOOK_RELAY_AFTER_SECONDS", default=60)
