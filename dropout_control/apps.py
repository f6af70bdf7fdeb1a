from django.apps import AppConfig


class DropoutControlConfig(AppConfig):
    name = "dropout_control"
    verbose_name = "控辍保学"
