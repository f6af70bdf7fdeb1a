from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "指标评估"

    def ready(self):
        from balance_inspect.signals import demo_seeded

        from .demo import seed_indicators

        demo_seeded.connect(seed_indicators, dispatch_uid="indicators.demo")
