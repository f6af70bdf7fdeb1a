"""Rate limits of the public answer page, counted in the Django cache.

The respondent's address is never stored: only a keyed hash of it (salted with SECRET_KEY)
is used as a cache key, and it expires with its time window.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from redis.exceptions import RedisError  # redis-py comes with celery[redis]; Django's RedisCache raises it

log = logging.getLogger(__name__)


def client_address(request) -> str:
    if settings.SURVEY_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            # Our proxy appends the address it saw last; earlier entries are client-supplied.
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def address_key(address: str) -> str:
    return salted_hmac("surveys.rate-limit", address).hexdigest()[:32]


def _hit(name: str, limit: int, window_seconds: int, now: float) -> bool:
    """Count one hit in the current fixed window; True while within the limit (0 = unlimited)."""
    if limit <= 0:
        return True
    key = f"surveys:rl:{name}:{int(now // window_seconds)}"
    try:
        cache.add(key, 0, timeout=window_seconds + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # the window's key expired between add and incr
            cache.set(key, 1, timeout=window_seconds + 5)
            count = 1
    except (RedisError, ConnectionError, OSError, TimeoutError) as exc:
        # A limiter that is down must not take the survey down with it: let the answer through.
        log.warning("survey rate limit skipped, cache unavailable: %s", exc)
        return True
    return count <= limit


def allow_submission(request, invitation_id: int, *, now: float | None = None) -> bool:
    """True if this address and this invitation are still within their limits."""
    now = time.time() if now is None else now
    ip_ok = _hit("ip:" + address_key(client_address(request)), settings.SURVEY_RATE_PER_IP_PER_HOUR, 3600, now)
    inv_ok = _hit(f"inv:{invitation_id}", settings.SURVEY_RATE_PER_INVITATION_PER_MINUTE, 60, now)
    return ip_ok and inv_ok
