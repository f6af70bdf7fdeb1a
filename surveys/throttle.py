"""Rate limits of the public answer page, counted in the Django cache.

Three signals, each with a limit a real respondent cannot reach but a script does:
- the address (per minute and per hour; parents on one school Wi-Fi share one, so these stay
  above what one meeting sends);
- the device: a random id in a signed cookie set when the answer page is shown. A submission
  without it did not come from a browser that loaded the page (or cleared its cookies), and its
  address stands in for the device;
- the link (per minute), with a lower "burst" line above which the link is flagged for review.

Nothing personal is kept: the address and the device id are only used as keyed hashes (salted
with SECRET_KEY) in cache keys that expire with their time window.
"""

import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from redis.exceptions import RedisError  # redis-py comes with celery[redis]; Django's RedisCache raises it

from balance_inspect.client_ip import client_ip

log = logging.getLogger(__name__)

DEVICE_COOKIE = "survey_device"
DEVICE_SALT = "surveys.device"
DEVICE_MAX_AGE = 365 * 24 * 3600


def client_address(request) -> str:
    """The respondent's address, read exactly as the login lockout reads it (BEHIND_PROXY,
    TRUSTED_PROXY_COUNT): one rule for which X-Forwarded-For entry is trusted."""
    return client_ip(request)


def address_key(address: str) -> str:
    return salted_hmac("surveys.rate-limit", address).hexdigest()[:32]


def device_id(request) -> str | None:
    """The id of the signed device cookie, None when absent or tampered with."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    return value if value and 16 <= len(value) <= 64 else None


def remember_device(request, response) -> None:
    """Give a browser showing the answer page a device id (kept if it has one)."""
    if device_id(request) is None:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(18),
            salt=DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def _count(name: str, window_seconds: int, now: float) -> int | None:
    """Count one hit in the current fixed window; the count so far, None when the cache is down."""
    key = f"surveys:rl:{name}:{int(now // window_seconds)}"
    try:
        cache.add(key, 0, timeout=window_seconds + 5)
        try:
            return cache.incr(key)
        except ValueError:  # the window's key expired between add and incr
            cache.set(key, 1, timeout=window_seconds + 5)
            return 1
    except (RedisError, ConnectionError, OSError, TimeoutError) as exc:
        # A limiter that is down must not take the survey down with it: let the answer through.
        log.warning("survey rate limit skipped, cache unavailable: %s", exc)
        return None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # why it was refused or why the link deserves a look (Chinese, for staff)
    burst: bool = False  # the link received more than SURVEY_BURST_PER_MINUTE this minute


def check_submission(request, invitation_id: int, *, now: float | None = None) -> Decision:
    """Count this submission against every limit (0 = no limit) and decide."""
    now = time.time() if now is None else now
    address = address_key(client_address(request))
    device = device_id(request)
    device_key = "dev:" + address_key(device) if device else "nodev:" + address
    limits = (
        ("ip-m:" + address, settings.SURVEY_RATE_PER_IP_PER_MINUTE, 60, "同一网络地址 1 分钟内提交过多"),
        ("ip-h:" + address, settings.SURVEY_RATE_PER_IP_PER_HOUR, 3600, "同一网络地址 1 小时内提交过多"),
        (
            device_key,
            settings.SURVEY_RATE_PER_DEVICE_PER_HOUR,
            3600,
            "同一设备 1 小时内提交过多" if device else "未经答题页面（无设备标识）的提交过多",
        ),
        (
            f"inv:{invitation_id}",
            settings.SURVEY_RATE_PER_INVITATION_PER_MINUTE,
            60,
            "该链接 1 分钟内收到的答卷过多",
        ),
    )
    refused = ""
    link_count = None
    for name, limit, window, reason in limits:
        if limit <= 0 and not name.startswith("inv:"):
            continue
        count = _count(name, window, now)
        if name.startswith("inv:"):
            link_count = count
        if count is not None and 0 < limit < count and not refused:
            refused = reason
    burst_line = settings.SURVEY_BURST_PER_MINUTE
    burst = bool(burst_line) and link_count is not None and link_count > burst_line
    if refused:
        return Decision(False, refused, burst)
    if burst:
        return Decision(True, f"该链接 1 分钟内收到超过 {burst_line} 份答卷", True)
    return Decision(True)


def allow_submission(request, invitation_id: int, *, now: float | None = None) -> bool:
    """True if this address, device and invitation are still within their limits."""
    return check_submission(request, invitation_id, now=now).allowed
