from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "整改与迎检准备"

    def ready(self):
        from balance_inspect.signals import demo_seeded
        from rectification.demo import seed_rectification

        demo_seeded.connect(seed_rectification, dispatch_uid="rectification.demo")
