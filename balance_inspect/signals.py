"""The one way for an app to contribute to another without importing it: signals.

Each feature app connects its receivers in ``AppConfig.ready()``, from ``<app>/receivers.py``
(demo rows from ``<app>/demo.py``), always with a ``dispatch_uid`` so that a second ``ready()``
does not connect twice. The senders know none of the receivers, so ``schools`` and
``indicators`` never import the apps that feed them, and those apps import neither
``indicators`` nor ``rectification``. This module sits in the base package because both sides
must import it.

``demo_seeded``
    Sent by ``manage.py seed_demo`` after the demo county's schools, yearly data and users exist.
    kwargs: ``county`` (schools.County), ``users`` (dict role -> User), ``year`` (int),
    ``rng`` (random.Random, seeded). Receivers add their app's demo rows.

``county_items_requested``
    Sent (``send``) by indicators.services whenever an assessment gathers its county-level items.
    kwargs: ``county`` (schools.County), ``year`` (school year, starting year: 2025 = 2025—2026).
    A receiver returns a list of item dicts (the contract is in indicators/county_items.py:
    ``key``, ``label``, ``passed`` True/False/None, optional ``value``, ``value_text``,
    ``detail``, ``evidence``). It is sent with ``send()``, not ``send_robust()``: a receiver that
    raises fails the assessment with its message, because a verdict without one of its items
    would be wrong, not merely incomplete.

``readiness_requested``
    Sent (``send_robust``) by rectification.selectors.readiness_board. kwargs: ``county``,
    ``year`` as above. A receiver returns a list of row dicts (contract in
    rectification/readiness.py: ``area``, ``item``, ``status`` pass/at_risk/fail, optional
    ``detail``, ``owner``, ``deadline``). A receiver that raises becomes a failing row naming
    it: the board must still open the day before the inspection.

``import_applied``
    Sent by schools.importing after an applied (not previewed, not refused) Excel import has been
    committed. kwargs: ``record`` (schools.ImportRecord), ``kind`` (学校 / 办学条件 / 教师 / 班级
    template key), ``county_codes`` (set of 6-digit county codes the file touched), ``years``
    (set of 学年 in the file; empty for the 学校 template, which has no year). Sent with
    ``send_robust``: the import is committed and must be reported as done whatever a receiver does.
"""

from django.dispatch import Signal

demo_seeded = Signal()
county_items_requested = Signal()
readiness_requested = Signal()
import_applied = Signal()


def receiver_name(receiver) -> str:
    """``module.function`` of a receiver, to name it in a message or a board row."""
    return (
        f"{getattr(receiver, '__module__', '')}.{getattr(receiver, '__qualname__', repr(receiver))}".lstrip(
            "."
        )
    )
