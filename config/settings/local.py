"""Developer run: ``manage.py runserver`` with debug pages on the embedded defaults."""

from config.env import env

from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)
