from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "满意度调查"

    def ready(self):
        from balance_inspect.signals import county_items_requested, demo_seeded, readiness_requested
        from surveys import receivers
        from surveys.demo import seed_surveys

        demo_seeded.connect(seed_surveys, dispatch_uid="surveys.demo.seed_surveys")
        county_items_requested.connect(receivers.county_items, dispatch_uid="surveys.county_items")
        readiness_requested.connect(receivers.readiness_rows, dispatch_uid="surveys.readiness")
