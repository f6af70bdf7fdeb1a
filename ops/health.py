"""Is the broker reachable? Asked by pages to say "background jobs are delayed"."""

import socket
from urllib.parse import urlparse

from django.conf import settings
from django.core.cache import cache

CACHE_KEY = "ops:broker-up"


def broker_up() -> bool:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "amqp://")):
        return True  # the embedded filesystem broker is always there
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return cached
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=0.3):
            up = True
    except OSError:
        up = False
    cache.set(CACHE_KEY, up, 30)
    return up
