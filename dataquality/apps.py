from django.apps import AppConfig


class DataqualityConfig(AppConfig):
    name = "dataquality"
    verbose_name = "数据质量"

    def ready(self):
        from balance_inspect import signals
        from dataquality import receivers

        signals.import_applied.connect(receivers.import_applied, dispatch_uid="dataquality.import_applied")
        signals.readiness_requested.connect(receivers.readiness_rows, dispatch_uid="dataquality.readiness")
        signals.demo_seeded.connect(receivers.demo_seeded, dispatch_uid="dataquality.demo_seeded")
