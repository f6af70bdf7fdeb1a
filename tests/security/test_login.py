"""Login throttling through the real login form (django-axes), unlocking, and safe redirects.

tests/accounts checks that five failures show the locked page; here: the correct password is
refused while locked, the lock holds for the configured minutes and then lifts, an admin can
lift it at once (audited), an unknown username locks the same way (no account enumeration),
the lock is per username and address, and no login step redirects off-site.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "Demo-pass-2025"
LOGIN = "/accounts/login/"


def attempt(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def lock_out(client, username="bureau", **extra):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, username, "wrong-password", **extra)


def test_the_correct_password_is_refused_while_locked(bureau):
    client = Client()
    lock_out(client)
    response = attempt(client, "bureau", PASSWORD)
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert not logged_in(client)
    assert client.get(reverse("home")).status_code == 302  # still sent to the login page


def test_failures_below_the_limit_do_not_lock_and_a_success_resets_the_count(bureau):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "bureau", "wrong-password")
        assert response.status_code == 200 and "账号已暂时锁定" not in response.content.decode()
    assert attempt(client, "bureau", PASSWORD).status_code == 302 and logged_in(client)
    client.post(reverse("accounts:logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "bureau", "wrong-password")
    assert attempt(client, "bureau", PASSWORD).status_code == 302  # the earlier failures were forgotten


def _age_attempts(delta):
    """Time travel for axes: make the recorded failures `delta` older."""
    from axes.models import AccessAttempt
    from django.db.models import F

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


def test_the_lock_lifts_after_the_configured_minutes(bureau):
    client = Client()
    lock_out(client)
    _age_attempts(settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert attempt(client, "bureau", PASSWORD).status_code == 429  # (a try while locked counts again)
    _age_attempts(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert attempt(client, "bureau", PASSWORD).status_code == 302 and logged_in(client)


def test_an_admin_unlocks_the_account_at_once_and_it_is_audited(bureau, admin_user, login):
    client = Client()
    lock_out(client)
    assert attempt(client, "bureau", PASSWORD).status_code == 429
    admin = login(admin_user)
    assert admin.get(reverse("accounts:user_unlock", args=[bureau.pk])).status_code == 405  # POST only
    response = admin.post(reverse("accounts:user_unlock", args=[bureau.pk]))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(note="解除登录锁定")
    assert entry.user_id == admin_user.pk and entry.object_id == str(bureau.pk)
    assert attempt(client, "bureau", PASSWORD).status_code == 302 and logged_in(client)


@pytest.mark.parametrize("persona", ["bureau", "inspector", "township_official"])
def test_only_admins_may_unlock(persona, request, login, other_bureau):
    client = login(request.getfixturevalue(persona))
    assert client.post(reverse("accounts:user_unlock", args=[other_bureau.pk])).status_code == 403
    assert not AuditEntry.objects.filter(note="解除登录锁定").exists()


def _form_errors(response) -> str:
    import re

    match = re.search(r'<div class="form-errors"[^>]*>(.*?)</div>', response.content.decode(), re.DOTALL)
    return match.group(1) if match else ""


def test_an_unknown_username_locks_the_same_way(bureau):
    """Same pages for a name that does not exist: failures do not tell which accounts exist."""
    client = Client()
    unknown = _form_errors(attempt(client, "nobody-here", "wrong-password"))
    assert unknown and unknown == _form_errors(attempt(Client(), "bureau", "wrong-password")).replace(
        "bureau", ""
    )
    lock_out(client, "nobody-here")
    response = attempt(client, "nobody-here", "anything")
    assert response.status_code == 429 and "账号已暂时锁定" in response.content.decode()


def test_the_lock_is_per_username_and_address(bureau, inspector):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    lock_out(attacker)
    assert attempt(attacker, "bureau", PASSWORD).status_code == 429
    # The real user at the office is not locked out by someone guessing from elsewhere …
    office = Client(REMOTE_ADDR="10.1.2.3")
    assert attempt(office, "bureau", PASSWORD).status_code == 302
    # … and the attacker's address is not locked for other accounts.
    assert attempt(Client(REMOTE_ADDR="203.0.113.9"), "inspector", PASSWORD).status_code == 302


def test_a_locked_out_account_cannot_reach_the_admin_login_either(admin_user):
    client = Client()
    lock_out(client, "admin")
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302


# --- redirects after login ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "https:evil.example"]
)
def test_login_never_redirects_off_site(target, bureau):
    client = Client()
    client.get(LOGIN)
    response = client.post(f"{LOGIN}?next={target}", {"username": "bureau", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_the_second_factor_never_redirects_off_site(target, login, bureau):
    device = TOTPDevice.objects.create(user=bureau, name="d", confirmed=True)
    client = login(bureau)
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post(f"/accounts/otp/verify/?next={target}", {"token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_second_factor_returns_to_the_page_asked_for(login, bureau):
    device = TOTPDevice.objects.create(user=bureau, name="d", confirmed=True)
    client = login(bureau)
    first = client.get("/schools/")
    assert first["Location"] == "/accounts/otp/verify/?next=/schools/"
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post(first["Location"], {"token": token})["Location"] == "/schools/"
