"""Exactly-once under real concurrency (PostgreSQL): many workers, one quota, one nonce."""

import secrets
import threading

import pytest
from django.db import connection

from surveys import services
from surveys.models import Invitation, Response


def run_in_threads(n, fn):
    barrier = threading.Barrier(n)
    outcomes = []
    lock = threading.Lock()

    def work(i):
        try:
            barrier.wait()
            try:
                fn(i)
                result = "stored"
            except services.QuotaFull:
                result = "full"
            except services.DuplicateSubmission:
                result = "duplicate"
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


@pytest.mark.integration
def test_concurrent_submissions_never_overshoot_the_quota(
    transactional_db, on_postgres, parent_invitation, today
):
    Invitation.objects.filter(pk=parent_invitation.pk).update(quota=5)
    outcomes = run_in_threads(
        16,
        lambda i: services.response_submit(
            invitation=parent_invitation, answers={}, nonce=secrets.token_hex(16), today=today
        ),
    )
    assert sorted(outcomes) == ["full"] * 11 + ["stored"] * 5
    assert Response.objects.count() == 5
    assert Invitation.objects.get(pk=parent_invitation.pk).answers_count == 5


@pytest.mark.integration
def test_the_same_form_posted_at_once_from_many_workers_counts_once(
    transactional_db, on_postgres, parent_invitation, today
):
    Invitation.objects.filter(pk=parent_invitation.pk).update(quota=100)
    nonce = secrets.token_hex(16)
    outcomes = run_in_threads(
        8,
        lambda i: services.response_submit(
            invitation=parent_invitation, answers={}, nonce=nonce, today=today
        ),
    )
    assert sorted(outcomes) == ["duplicate"] * 7 + ["stored"]
    assert Response.objects.count() == 1
    assert Invitation.objects.get(pk=parent_invitation.pk).answers_count == 1
