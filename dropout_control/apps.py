from django.apps import AppConfig
from django.core import checks


class DropoutControlConfig(AppConfig):
    name = "dropout_control"
    verbose_name = "控辍保学"

    def ready(self):
        from balance_inspect.signals import county_items_requested, demo_seeded, readiness_requested
        from dropout_control import demo, receivers

        demo_seeded.connect(demo.seed_dropout_demo, dispatch_uid="dropout_control.demo")
        county_items_requested.connect(receivers.county_items, dispatch_uid="dropout_control.county_items")
        readiness_requested.connect(receivers.readiness_rows, dispatch_uid="dropout_control.readiness")
        checks.register(check_retention_formula, checks.Tags.compatibility)


def check_retention_formula(app_configs=None, **kwargs):
    """A mistyped RETENTION_FORMULA must stop the app at start, not show wrong rates."""
    from django.conf import settings

    from dropout_control.retention import FORMULAS

    if settings.RETENTION_FORMULA not in FORMULAS:
        return [
            checks.Error(
                f"RETENTION_FORMULA must be one of {', '.join(FORMULAS)}",
                hint=f"got {settings.RETENTION_FORMULA!r}",
                id="dropout_control.E001",
            )
        ]
    return []
