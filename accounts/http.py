"""Request type for views behind ``login_required``: ``request.user`` is a real user."""

from django.http import HttpRequest

from .models import User


class AuthenticatedRequest(HttpRequest):
    user: User
