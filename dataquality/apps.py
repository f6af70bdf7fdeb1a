from django.apps import AppConfig


class DataqualityConfig(AppConfig):
    name = "dataquality"
    verbose_name = "数据质量"

    def ready(self):
        from balance_inspect import signals
        from dataquality import receivers

        signals.import_applied.connect(receivers.import_applied, dispatch_uid="dataquality.import_applied")
        # The readiness board asks the apps for rows through this signal (balance_inspect.signals).
        readiness_requested = getattr(signals, "readiness_requested", None)
        if readiness_requested is not None:
            readiness_requested.connect(receivers.readiness_rows, dispatch_uid="dataquality.readiness")
