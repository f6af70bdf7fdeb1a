from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = "师资队伍"

    def ready(self):
        from indicators.county_items import COUNTY_ITEM_PROVIDERS
        from schools.signals import demo_seeded
        from workforce import checks  # noqa: F401 - registers the settings check
        from workforce.demo import seed_workforce
        from workforce.selectors import county_items, readiness_rows

        demo_seeded.connect(seed_workforce, dispatch_uid="workforce.demo.seed_workforce")
        # The assessment's government-guarantee items (contract in indicators/county_items.py).
        if county_items not in COUNTY_ITEM_PROVIDERS:
            COUNTY_ITEM_PROVIDERS.append(county_items)
        try:
            from rectification.readiness import register_provider
        except ImportError:
            # The readiness board is optional: without it the rows are simply not shown there.
            return
        register_provider(readiness_rows)
