from datetime import date

from celery import shared_task

from dropout_control.services import cases_scan_overdue


@shared_task(name="dropout_control.tasks.scan_overdue_cases", time_limit=600, soft_time_limit=570)
def scan_overdue_cases(today: str | None = None) -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): flag overdue cases and mail their responsible persons.

    `today` (ISO date) exists for replays and tests; the schedule passes nothing.
    """
    return cases_scan_overdue(today=date.fromisoformat(today) if today else None)
