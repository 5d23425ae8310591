"""Developer run and ``make demo``: ``manage.py runserver_embedded`` on the embedded defaults.

DEBUG stays off unless ``DJANGO_DEBUG=1`` is set: the demo is shown to people, who must see
the French error pages and never a traceback or the list of the site's URLs.
"""

from config.env import env

from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Static files: WhiteNoise (already in MIDDLEWARE) serves them straight from the apps' and
# project's static folders, with DEBUG on or off, so the demo needs no collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
