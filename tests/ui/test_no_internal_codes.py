"""No page shows a user an internal code: every page of every role is walked on the demo county and
its visible text must hold no scheme key (quality-2017), status key (not_started), `app.Model`
label, "None", "True"/"False" or Django's "---------" empty choice.
"""

import re
from html.parser import HTMLParser

import pytest
from django.db import models
from django.test import Client
from django.urls import get_resolver

from accounts.models import User
from tests.dashboard.test_read_only import (  # noqa: F401  (demo: fixture)
    build_path,
    demo,
    read_only_client,
    value_for,
    walk,
)

# The reviewers walk the demo county's pages after choosing it (read_only_client).
ROLES = ("admin", "bureau", "inspector", "township", "school", "city_reviewer", "province_reviewer")
SKIPPED_PREFIXES = ("admin/", "accounts/login", "accounts/logout", "healthz/")
APPS = (
    "accounts",
    "schools",
    "indicators",
    "workforce",
    "dropout_control",
    "rectification",
    "surveys",
    "dossiers",
    "reviews",
    "applications",
    "dashboard",
)


class VisibleText(HTMLParser):
    """The text a person sees: text nodes and option labels, without scripts and styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def internal_codes() -> re.Pattern:
    keys = set()
    for choices in _all_subclasses(models.TextChoices):
        keys |= {v for v in choices.values if re.fullmatch(r"[a-z][a-z0-9]*[_-][a-z0-9_-]+", str(v))}
    words = sorted(keys, key=len, reverse=True)
    return re.compile(
        r"(?<![\w-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w-])"
        r"|\b(?:" + "|".join(APPS) + r")\.[A-Z]\w+"
        r"|(?<![\w-])(?:None|True|False)(?![\w-])"
        r"|-{6,}"
    )


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_an_internal_code(demo, role):  # noqa: F811
    pattern = internal_codes()
    if role.endswith("_reviewer"):
        client = read_only_client(demo, role)
    else:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=role))
    found = {}
    for route, name in walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES) or name in ("surveys:answer", "area:enter", "area:leave"):
            continue
        path = build_path(route, value_for(demo, name))
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        text = visible_text(response.content.decode())
        hits = sorted({m.group(0) for m in pattern.finditer(text)})
        if hits:
            found[path] = hits
    assert not found, (
        "internal codes shown to " + role + ":\n" + "\n".join(f"{p}: {h}" for p, h in found.items())
    )
