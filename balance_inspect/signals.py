"""Signals by which one app tells others something without importing them.

This module sits in the base package because both sides (sender and receivers) import it; the
receivers connect in their ``AppConfig.ready()`` with a ``dispatch_uid``.

``import_applied``
    Sent by schools.importing after an applied (not previewed, not refused) Excel import has been
    committed. kwargs: ``record`` (schools.ImportRecord), ``kind`` (学校 / 办学条件 / 教师 / 班级
    template key), ``county_codes`` (set of 6-digit county codes the file touched), ``years``
    (set of 学年 in the file; empty for the 学校 template, which has no year). Sent with
    ``send_robust``: the import is committed and must be reported as done whatever a receiver does.
"""

from django.dispatch import Signal

import_applied = Signal()
