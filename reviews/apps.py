from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "实地核查"

    def ready(self):
        from balance_inspect.signals import demo_seeded
        from reviews.demo import seed_reviews

        demo_seeded.connect(seed_reviews, dispatch_uid="reviews.demo")
