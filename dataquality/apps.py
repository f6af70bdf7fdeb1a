from django.apps import AppConfig


class DataqualityConfig(AppConfig):
    name = "dataquality"
    verbose_name = "数据质量"

    def ready(self):
        from balance_inspect.signals import import_applied
        from dataquality import receivers

        import_applied.connect(receivers.import_applied, dispatch_uid="dataquality.import_applied")
