"""An unscoped read of children's cases during a request fails loudly instead of leaking.

Like django-scopes in pretix: a selector that forgets `scope()` raises ScopeError on the first
request, rather than quietly listing another area's cases.
"""

import pytest

from accounts.access import ScopeError, guard_requests, scope, scopes_disabled, unguard_requests
from dropout_control import selectors
from dropout_control.models import DropoutCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def guarded():
    token = guard_requests(True)
    yield
    unguard_requests(token)


def test_a_selector_that_forgets_scope_breaks_the_page_instead_of_leaking(
    monkeypatch, login, township_official, other_case
):
    monkeypatch.setattr(selectors, "cases_visible_to", lambda user: DropoutCase.objects.all())
    with pytest.raises(ScopeError):
        login(township_official).get("/dropout/")


def test_inside_a_request_every_kind_of_unscoped_read_raises(guarded, other_case):
    qs = DropoutCase.objects.filter(status=other_case.status)
    for read in (
        list,
        lambda q: q.count(),
        lambda q: q.exists(),
        lambda q: q.first(),
        lambda q: next(iter(q.values_list("name"))),
        lambda q: q.update(outcome_note="x"),
    ):
        with pytest.raises(ScopeError):
            read(qs)


def test_scoped_and_declared_reads_pass(guarded, bureau, other_bureau, other_case):
    assert list(scope(bureau, DropoutCase.objects.all())) == []
    assert list(scope(other_bureau, DropoutCase.objects.all()).filter(pk=other_case.pk)) == [other_case]
    assert DropoutCase.objects.unscoped("test: a check over every area").filter(pk=other_case.pk).exists()
    with scopes_disabled():
        assert DropoutCase.objects.count() == 1


def test_outside_requests_the_worker_and_commands_read_freely(other_case):
    assert DropoutCase.objects.count() == 1
