"""Settings for benchmark runs: the project's own base settings (not the development ones:
no debug toolbar, DEBUG off), plus a bare view to compare pages with (P6)."""

import warnings

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Mail is never sent during a benchmark; the outbox rows are what is measured (P8).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each measured page signs a persona in: django-axes logs every sign-in at INFO, which would
# bury the run's own progress lines.
LOGGING = {**LOGGING, "loggers": {"axes": {"level": "WARNING"}}}  # noqa: F405

# whitenoise warns once per process that collectstatic has not run; the pages measured do
# not serve static files.
warnings.filterwarnings("ignore", message="No directory at")
