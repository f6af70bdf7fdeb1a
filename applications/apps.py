from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "申报材料"

    def ready(self):
        from applications.demo import seed_applications
        from balance_inspect.signals import demo_seeded

        demo_seeded.connect(seed_applications, dispatch_uid="applications.demo")
