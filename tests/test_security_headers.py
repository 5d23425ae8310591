"""Security headers with the production settings, and pages that a strict CSP can render.

The pages are crawled with the production module's security values; the HTML of each page is
parsed to make sure it holds no inline script, event handler, style attribute or <style>
element (the Content-Security-Policy allows scripts and styles from our own files only).
"""

from __future__ import annotations

import importlib
from html.parser import HTMLParser
from types import ModuleType
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import Project
from tests.factories.applicants import commune
from tests.workflows.application_helpers import submitted_application
from workflows.models import Application

pytestmark = pytest.mark.django_db

SECURITY_SETTINGS = [
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_PROXY_SSL_HEADER",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CONTENT_SECURITY_POLICY",
]


def _production_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "testserver")
    return importlib.import_module("config.settings.production")


@pytest.fixture
def production(settings: Any, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The production module's security values; no HTTPS redirect inside the test client."""
    module = _production_module(monkeypatch)
    for name in SECURITY_SETTINGS:
        setattr(settings, name, getattr(module, name))
    settings.SECURE_SSL_REDIRECT = False
    return module


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower() for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        if "style" in names:
            self.problems.append(f"style attribute on <{tag}>")
        self.problems.extend(
            f"{name} handler on <{tag}>" for name in names if name.startswith("on")
        )


def _inline_problems(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.problems


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _check_page(client: Client, url: str) -> None:
    response = client.get(url, secure=True)
    assert response.status_code == 200, url
    csp = _directives(response["Content-Security-Policy"])
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in csp[directive], url
        assert "'unsafe-eval'" not in csp[directive], url
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    if "text/html" in response["Content-Type"]:
        assert _inline_problems(response.content.decode()) == [], url


def test_the_production_settings_are_hardened(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _production_module(monkeypatch)
    assert module.DEBUG is False
    assert module.SECURE_SSL_REDIRECT is True
    assert module.SECURE_HSTS_SECONDS >= 31536000
    assert module.SESSION_COOKIE_SECURE is True
    assert module.CSRF_COOKIE_SECURE is True
    assert module.X_FRAME_OPTIONS == "DENY"
    assert "csp.middleware.CSPMiddleware" in module.MIDDLEWARE
    assert module.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert module.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_public_pages_send_the_headers_and_no_inline_code(production: ModuleType) -> None:
    client = Client()
    for name in [
        "home",
        "accounts:login",
        "accounts:password_reset",
        "workflows:first_contact",
        "opendata:index",
    ]:
        _check_page(client, reverse(name))


def test_hsts_only_on_https(production: ModuleType) -> None:
    response = Client().get(reverse("accounts:login"))
    assert "Strict-Transport-Security" not in response
    assert "Content-Security-Policy" in response


def test_the_session_cookie_is_secure_in_production(
    production: ModuleType, mel_staff: User
) -> None:
    from tests.factories.accounts import PASSWORD

    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": mel_staff.email, "password": PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"]
    assert cookie["httponly"]


@pytest.fixture
def application(
    client: Client, mel_staff: User, incubator_x: Organisation, incubator_x_member: User
) -> Application:
    roubaix = commune("59512", "Roubaix")
    roubaix.postal_codes = "59100"
    roubaix.save()
    return submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)


def test_staff_and_applicant_pages_send_the_headers_and_no_inline_code(
    production: ModuleType,
    application: Application,
    mel_staff: User,
    admin_user: User,
    project_a: Project,
) -> None:
    staff = Client()
    staff.force_login(mel_staff)
    journey = application.source_journey
    for url in [
        reverse("home"),
        reverse("workflows:inbox"),
        reverse("workflows:journey_list"),
        reverse("workflows:application_list"),
        reverse("workflows:journey_detail", args=[journey.pk]),
        reverse("workflows:application_detail", args=[application.pk]),
        reverse("applicants:project_list"),
        reverse("applicants:qpv_queue"),
        reverse("reviewers:session_list"),
        reverse("notifications:list"),
        reverse("accounts:organisation_list"),
        reverse("accounts:security"),
        reverse("accounts:password_change"),
    ]:
        _check_page(staff, url)

    applicant = Client()
    applicant.force_login(application.source_journey.holder.user)
    for url in [
        reverse("home"),
        reverse("applicants:space"),
        reverse("workflows:application_detail", args=[application.pk]),
        reverse("notifications:list"),
    ]:
        _check_page(applicant, url)

    owner = Client()
    owner.force_login(project_a.holder.user)
    _check_page(owner, reverse("applicants:project_detail", args=[project_a.pk]))


def test_the_admin_runs_under_the_same_policy(production: ModuleType, admin_user: User) -> None:
    """Django's admin has no inline script or style attribute either: no exemption needed."""
    client = Client()
    client.force_login(admin_user)
    for url in [
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[admin_user.pk]),
        reverse("admin:accounts_organisation_add"),
    ]:
        _check_page(client, url)
