"""Committee pages: a member sees only the sessions of its own committee."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reviewers.selectors import sessions_visible_to


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reviewers/session_list.html", {"sessions": sessions_visible_to(user=request.user)}
    )
