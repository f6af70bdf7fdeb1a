from django.apps import AppConfig


class DataqualityConfig(AppConfig):
    name = "dataquality"
    verbose_name = "数据质量"
