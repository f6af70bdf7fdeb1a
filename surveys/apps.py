from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "满意度调查"

    def ready(self):
        from balance_inspect.signals import demo_seeded
        from surveys.demo import seed_surveys

        demo_seeded.connect(seed_surveys, dispatch_uid="surveys.demo.seed_surveys")
