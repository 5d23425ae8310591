"""pytest settings: the base settings with fast hashing and in-memory mail."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests never reach the Internet: the geocoder defaults to a closed local port and each
# test that needs one starts its own server on 127.0.0.1.
GEOCODER_URL = "http://127.0.0.1:9/search/"
GEOCODER_TIMEOUT = 2.0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps' folders without collectstatic (as in development).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Lockouts are tested; axes' per-request log lines would only drown the test output.
AXES_VERBOSE = False
LOGGING = {**LOGGING, "loggers": {"axes": {"level": "WARNING"}}}  # noqa: F405
# Webhook tests post to a server the test starts on 127.0.0.1, over plain HTTP, and a
# partner that never answers must not hold a test for long.
API_WEBHOOK_ALLOW_LOCAL_HTTP = True
API_WEBHOOK_TIMEOUT_SECONDS = 1.0
