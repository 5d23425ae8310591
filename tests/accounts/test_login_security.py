"""Sign-in protection: lockout, second factor, password rules, session lifetime."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import SESSION_STARTED_AT, SESSION_TOUCHED_AT
from accounts.models import User
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")
SECURITY = reverse("accounts:security")
IP_1, IP_2 = "203.0.113.10", "203.0.113.20"


def _sign_in(client: Client, email: str, password: str, ip: str = IP_1, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": email, "password": password, **extra}, REMOTE_ADDR=ip)


def _code(device: TOTPDevice, *, step_offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + step_offset * device.step
    return f"{totp.token():06d}"


def _signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


@pytest.fixture
def fast_otp(settings: Any) -> None:
    """No growing wait between two tries of a code (django-otp throttling)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


# LOCKOUT
# ------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_that_email_from_that_address_with_a_french_page(
    client: Client, mel_staff: User
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in(client, mel_staff.email, "pas-le-bon-mot-de-passe")
        assert response.status_code == 200
        assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()

    response = _sign_in(client, mel_staff.email.upper(), "pas-le-bon-mot-de-passe")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Connexion suspendue" in page
    assert "15 minutes" in page

    # Even the right password is refused from there while locked.
    response = _sign_in(client, mel_staff.email, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)


def test_a_lockout_spares_other_addresses_and_other_accounts(
    client: Client, mel_staff: User, financier_member: User
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, mel_staff.email, "pas-le-bon-mot-de-passe")
    assert _sign_in(client, mel_staff.email, PASSWORD).status_code == 429

    assert _sign_in(Client(), financier_member.email, PASSWORD).status_code == 302
    other_address = Client()
    assert _sign_in(other_address, mel_staff.email, PASSWORD, ip=IP_2).status_code == 302
    assert _signed_in(other_address)


def test_a_successful_sign_in_clears_the_failures(client: Client, mel_staff: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, mel_staff.email, "pas-le-bon-mot-de-passe")
    assert _sign_in(client, mel_staff.email, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()

    client.post(reverse("accounts:logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, mel_staff.email, "pas-le-bon-mot-de-passe").status_code == 200
    assert _sign_in(client, mel_staff.email, PASSWORD).status_code == 302


def test_the_address_behind_trusted_proxies_is_the_one_the_outer_proxy_saw(
    client: Client, mel_staff: User, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": mel_staff.email, "password": "faux-mot-de-passe"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.7, {IP_1}",
        )
    assert AccessAttempt.objects.get().ip_address == IP_1
    # Another client behind the same proxy is not locked out.
    response = Client().post(
        LOGIN,
        {"username": mel_staff.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=IP_2,
    )
    assert response.status_code == 302


# SECOND FACTOR
# ------------------------------------------------------------------------------


def test_staff_turn_on_the_second_factor_with_the_key_shown_and_a_first_code(
    client: Client, mel_staff: User
) -> None:
    client.force_login(mel_staff)
    assert "Désactivée" in client.get(SECURITY).content.decode()

    assert client.post(SECURITY, {"action": "start"}).status_code == 302
    device = TOTPDevice.objects.get(user=mel_staff)
    assert not device.confirmed
    page = client.get(SECURITY).content.decode()
    assert "otpauth://totp/" in page
    assert "Entreprendre%20Autrement%20MEL" in page

    response = client.post(SECURITY, {"action": "confirm", "code": "000000"})
    assert "Ce code ne correspond pas" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()

    response = client.post(SECURITY, {"action": "confirm", "code": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # The session that enrolled counts as verified and stays open.
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("home")).status_code == 200


def test_applicants_have_no_second_factor_page(client: Client, applicant_a: User) -> None:
    client.force_login(applicant_a)
    assert client.get(SECURITY).status_code == 404
    assert SECURITY not in client.get(reverse("home")).content.decode()


@pytest.fixture
def staff_device(mel_staff: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=mel_staff, name="Téléphone", confirmed=True)


def test_with_a_second_factor_the_password_alone_does_not_sign_in(
    client: Client, mel_staff: User, staff_device: TOTPDevice, fast_otp: None
) -> None:
    response = _sign_in(client, mel_staff.email, PASSWORD, next="/notifications/")
    assert response.status_code == 302
    assert response["Location"] == CODE
    assert not _signed_in(client)
    assert "Code de connexion" in client.get(CODE).content.decode()

    response = client.post(CODE, {"code": "123456"}, REMOTE_ADDR=IP_1)
    assert "Ce code ne correspond pas" in response.content.decode()
    assert not _signed_in(client)

    response = client.post(CODE, {"code": _code(staff_device)}, REMOTE_ADDR=IP_1)
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    assert _signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == staff_device.persistent_id
    assert client.get(reverse("home")).status_code == 200


def test_five_wrong_codes_send_back_to_the_password_step(
    client: Client, mel_staff: User, staff_device: TOTPDevice, fast_otp: None, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 20
    _sign_in(client, mel_staff.email, PASSWORD)
    for _ in range(settings.OTP_LOGIN_MAX_ATTEMPTS - 1):
        assert client.post(CODE, {"code": "000000"}, REMOTE_ADDR=IP_1).status_code == 200
    response = client.post(CODE, {"code": "000000"}, REMOTE_ADDR=IP_1, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "Trop de codes erronés" in response.content.decode()
    # The right code no longer helps: the password step must be done again.
    response = client.post(CODE, {"code": _code(staff_device)}, REMOTE_ADDR=IP_1)
    assert response["Location"] == LOGIN
    assert not _signed_in(client)


def test_wrong_codes_count_towards_the_lockout(
    client: Client, mel_staff: User, staff_device: TOTPDevice, fast_otp: None, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    _sign_in(client, mel_staff.email, PASSWORD)
    client.post(CODE, {"code": "000000"}, REMOTE_ADDR=IP_1)
    client.post(CODE, {"code": "000000"}, REMOTE_ADDR=IP_1)
    response = client.post(CODE, {"code": "000000"}, REMOTE_ADDR=IP_1)
    assert response.status_code == 429
    assert "Connexion suspendue" in response.content.decode()
    assert _sign_in(Client(), mel_staff.email, PASSWORD).status_code == 429


def test_a_session_opened_without_the_code_is_closed(
    client: Client, mel_staff: User, staff_device: TOTPDevice
) -> None:
    client.force_login(mel_staff)  # as through another sign-in page, e.g. the admin's
    response = client.get(reverse("workflows:inbox"))
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_URL)
    assert not _signed_in(client)


def test_turning_the_second_factor_off_needs_a_current_code(
    client: Client, mel_staff: User, staff_device: TOTPDevice, fast_otp: None
) -> None:
    _sign_in(client, mel_staff.email, PASSWORD)
    client.post(CODE, {"code": _code(staff_device)}, REMOTE_ADDR=IP_1)
    assert "Activée" in client.get(SECURITY).content.decode()

    response = client.post(SECURITY, {"action": "disable", "code": "000000"})
    assert "Ce code ne correspond pas" in response.content.decode()
    assert TOTPDevice.objects.filter(user=mel_staff).exists()

    response = client.post(
        SECURITY, {"action": "disable", "code": _code(staff_device, step_offset=1)}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=mel_staff).exists()
    assert client.get(reverse("workflows:inbox")).status_code == 200


def test_when_required_staff_must_enrol_before_using_the_back_office(
    client: Client, mel_staff: User, applicant_a: User, settings: Any
) -> None:
    settings.OTP_REQUIRED_FOR_STAFF = True
    client.force_login(mel_staff)
    response = client.get(reverse("workflows:inbox"))
    assert response.status_code == 302
    assert response["Location"] == SECURITY
    assert client.get(SECURITY).status_code == 200

    applicant = Client()
    applicant.force_login(applicant_a)
    assert applicant.get(reverse("applicants:space")).status_code == 200


# PASSWORDS
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        (
            "Court-12345",
            "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères.",
        ),
        ("password1234", "Ce mot de passe est trop courant."),
    ],
)
def test_short_or_common_new_passwords_are_refused_in_french(
    client: Client, applicant_a: User, new_password: str, message: str
) -> None:
    assert len("Court-12345") == 11
    client.force_login(applicant_a)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    applicant_a.refresh_from_db()
    assert applicant_a.check_password(PASSWORD)


# SESSIONS
# ------------------------------------------------------------------------------


def test_signing_in_gives_a_new_session_key(client: Client, mel_staff: User) -> None:
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == before

    assert _sign_in(client, mel_staff.email, PASSWORD).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def _session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_a_session_idle_longer_than_the_window_is_signed_out(
    client: Client, mel_staff: User
) -> None:
    client.force_login(mel_staff)
    inbox = reverse("workflows:inbox")
    assert client.get(inbox).status_code == 200
    Session.objects.filter(pk=_session_row(client).pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(inbox)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_activity_pushes_the_idle_expiry_back(client: Client, mel_staff: User) -> None:
    client.force_login(mel_staff)
    session = client.session
    session[SESSION_TOUCHED_AT] = time.time() - 120
    session.save()
    Session.objects.filter(pk=session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=30)
    )
    assert client.get(reverse("workflows:inbox")).status_code == 200
    expected = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((_session_row(client).expire_date - expected).total_seconds()) < 5


def test_a_short_idle_window_really_expires(client: Client, mel_staff: User, settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 1
    client.force_login(mel_staff)
    inbox = reverse("workflows:inbox")
    assert client.get(inbox).status_code == 200
    time.sleep(1.5)
    assert client.get(inbox).status_code == 302


def test_a_session_ends_after_its_maximum_lifetime_however_active(
    client: Client, mel_staff: User
) -> None:
    client.force_login(mel_staff)
    session = client.session
    session[SESSION_STARTED_AT] = time.time() - settings.SESSION_MAX_LIFETIME_SECONDS - 1
    session.save()
    response = client.get(reverse("workflows:inbox"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "Votre session a expiré" in response.content.decode()
    assert not _signed_in(client)
