"""The login lockout behind the reverse proxy is keyed on the client, not on the proxy (issue 15,
finding 13): nobody can lock an account for everyone, and nobody escapes the lock by sending an
X-Forwarded-For header of their own."""

import pytest
from django.test import Client

from tests.security.test_login import PASSWORD, attempt, lock_out, logged_in

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
ATTACKER, OFFICE = "203.0.113.9", "198.51.100.7"


def through_proxy(forwarded_for: str) -> Client:
    """A client whose requests reach the app through the proxy (REMOTE_ADDR = the proxy)."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1


def test_behind_the_proxy_two_clients_are_locked_separately(behind_proxy, bureau):
    attacker = through_proxy(ATTACKER)
    lock_out(attacker)
    assert attempt(attacker, "bureau", PASSWORD).status_code == 429
    office = through_proxy(OFFICE)
    response = attempt(office, "bureau", PASSWORD)
    assert response.status_code == 302 and logged_in(office)


def test_behind_the_proxy_a_forged_header_entry_does_not_escape_the_lock(behind_proxy, bureau):
    """The client may write anything on the left of the header; the proxy appends what it saw."""
    for i in range(6):
        attempt(through_proxy(f"192.0.2.{i}, {ATTACKER}"), "bureau", "wrong-password")
    assert attempt(through_proxy(f"192.0.2.99, {ATTACKER}"), "bureau", PASSWORD).status_code == 429


def test_with_two_trusted_proxies_the_address_the_outer_proxy_saw_counts(behind_proxy, settings, bureau):
    settings.TRUSTED_PROXY_COUNT = 2
    lock_out(through_proxy(f"192.0.2.1, {ATTACKER}, 10.0.0.2"))
    assert attempt(through_proxy(f"192.0.2.2, {ATTACKER}, 10.0.0.2"), "bureau", PASSWORD).status_code == 429
    assert attempt(through_proxy(f"{OFFICE}, 10.0.0.2"), "bureau", PASSWORD).status_code == 302


def test_without_behind_proxy_the_header_is_ignored(settings, bureau):
    """Directly exposed, X-Forwarded-For is whatever the client says: changing it escapes nothing."""
    settings.BEHIND_PROXY = False
    for i in range(6):
        attempt(Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"), "bureau", "wrong-password")
    locked = attempt(Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=OFFICE), "bureau", PASSWORD)
    assert locked.status_code == 429


def test_a_garbage_header_falls_back_to_the_connection_address(behind_proxy, bureau):
    lock_out(through_proxy("not-an-address"))
    assert attempt(Client(REMOTE_ADDR=PROXY), "bureau", PASSWORD).status_code == 429
