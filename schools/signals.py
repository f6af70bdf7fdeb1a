from django.dispatch import Signal

# Sent by `manage.py seed_demo` after the demo county's schools, yearly data and users exist.
# kwargs: county (County), users (dict role -> User), year (int), rng (random.Random, seeded).
# Feature apps add their own demo rows in a receiver (their demo.py, connected in AppConfig.ready),
# so the base app needs to know none of them.
demo_seeded = Signal()
