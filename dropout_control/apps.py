from django.apps import AppConfig
from django.core import checks


class DropoutControlConfig(AppConfig):
    name = "dropout_control"
    verbose_name = "控辍保学"

    def ready(self):
        from dropout_control import demo
        from balance_inspect.signals import demo_seeded

        demo_seeded.connect(demo.seed_dropout_demo, dispatch_uid="dropout_control.demo")
        checks.register(check_retention_formula, checks.Tags.compatibility)


def check_retention_formula(app_configs=None, **kwargs):
    """A mistyped RETENTION_FORMULA must stop the app at start, not show wrong rates."""
    from django.conf import settings

    from dropout_control.retention import FORMULAS

    if settings.RETENTION_FORMULA not in FORMULAS:
        return [checks.Error(f"RETENTION_FORMULA must be one of {', '.join(FORMULAS)}",
                             hint=f"got {settings.RETENTION_FORMULA!r}", id="dropout_control.E001")]
    return []
