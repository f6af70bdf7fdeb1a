from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = "师资队伍"

    def ready(self):
        from balance_inspect.signals import county_items_requested, demo_seeded, readiness_requested
        from workforce import checks, receivers  # noqa: F401 - checks registers the settings check
        from workforce.demo import seed_workforce

        demo_seeded.connect(seed_workforce, dispatch_uid="workforce.demo.seed_workforce")
        county_items_requested.connect(receivers.county_items, dispatch_uid="workforce.county_items")
        readiness_requested.connect(receivers.readiness_rows, dispatch_uid="workforce.readiness")
