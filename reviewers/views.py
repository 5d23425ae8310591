"""Committee pages: a member sees only the sessions of its own committee."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reviewers.selectors import sessions_visible_to

PAGE_SIZE = 25


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = sessions_visible_to(user=request.user)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reviewers/session_list.html", {"sessions": page, "page": page})
