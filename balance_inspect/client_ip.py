"""The address a request came from, for the login lockout (django-axes).

Behind the documented reverse proxy every request arrives from the proxy's own address, so
keying the lockout on REMOTE_ADDR lets anyone lock any account for everyone. With
``BEHIND_PROXY=true`` the client's address is read from ``X-Forwarded-For``: each of the
``TRUSTED_PROXY_COUNT`` proxies in front of the app appends the address it received the request
from, so the entry that many places from the right is the one the outermost trusted proxy saw.
Entries further left were written by the client and are never trusted (no spoofing by sending
the header). Without ``BEHIND_PROXY`` the header is ignored altogether.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.BEHIND_PROXY:
        return remote
    hops = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    count = settings.TRUSTED_PROXY_COUNT
    if len(hops) < count:
        # Not (fully) through our proxies, e.g. a health check from the host itself.
        return remote
    return _valid(hops[-count]) or remote
