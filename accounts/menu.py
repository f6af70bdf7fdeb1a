"""The main navigation and the home tiles, built from one declaration per app.

Each app lists its pages in `<app>/menu.py` as `MENU = (Entry(...), ...)`. An entry names who may
open the page with a set from accounts.roles — the very set its view guards with — so the link, the
tile and the guard cannot drift apart (tests/accounts/test_menu.py opens every entry as every role).
An entry whose URL name does not resolve (an app not installed) is left out instead of breaking
every page.
"""

from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import module_has_submodule

from accounts.roles import (
    AUDIT_READERS,
    COUNTY_WRITERS,
    TWO_FACTOR_USERS,
    USER_MANAGERS,
)


@dataclass(frozen=True)
class Tile:
    """A tile on the home page of `roles` (a subset of its entry's roles); lower rank first."""

    rank: int
    label: str
    help: str
    roles: tuple


@dataclass(frozen=True)
class Entry:
    url_name: str
    roles: tuple  # who may open the page: the set its view guards with
    nav: str = ""  # label in the main navigation; "" = not in it
    nav_rank: int = 0
    tiles: tuple[Tile, ...] = ()
    # A page above the county (home, the area page): offered to a city or province reviewer
    # before they choose a county; every other page is a county's and waits for that choice.
    above_county: bool = False

    def __post_init__(self):
        for tile in self.tiles:
            if not set(tile.roles) <= set(self.roles):
                raise ValueError(
                    f"{self.url_name}: tile “{tile.label}” is offered to roles that may not open it"
                )


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    """Every installed app's MENU, in app order (navigation and tiles sort by rank)."""
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "menu"):
            found.extend(getattr(import_module(f"{config.name}.menu"), "MENU", ()))
    return tuple(found)


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _offered(entry: Entry, user) -> bool:
    if user.role not in entry.roles:
        return False
    return entry.above_county or not user.is_area_reviewer or bool(user.acting_county_id)


def nav_items(user, path: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for entry in sorted((e for e in entries() if e.nav and _offered(e, user)), key=lambda e: e.nav_rank):
        url = _url(entry.url_name)
        if url is not None:
            items.append({"label": entry.nav, "url": url, "active": False})
    # Only the longest matching entry is active (/schools/import/ is 数据导入, not also 学校).
    matches = [i for i in items if (path == i["url"] if i["url"] == "/" else path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items


def home_tiles(user) -> list[dict]:
    """What each role does first, in the order they do it."""
    tiles = []
    for entry in entries():
        if not _offered(entry, user):
            continue
        for tile in entry.tiles:
            if user.role in tile.roles:
                url = _url(entry.url_name)
                if url is not None:
                    tiles.append((tile.rank, {"url": url, "label": tile.label, "help": tile.help}))
    return [t for _rank, t in sorted(tiles, key=lambda pair: pair[0])]


MENU = (
    Entry(
        "accounts:audit",
        AUDIT_READERS,
        nav="审计",
        nav_rank=110,
        tiles=(Tile(130, "审计记录", "谁在何时改了什么", USER_MANAGERS),),
    ),
    Entry(
        "accounts:users",
        USER_MANAGERS,
        nav="用户",
        nav_rank=120,
        tiles=(Tile(120, "用户管理", "账号、角色与管辖范围", USER_MANAGERS),),
    ),
    Entry(
        "accounts:otp_setup",
        TWO_FACTOR_USERS,
        tiles=(Tile(110, "双重验证", "为账号启用动态验证码", COUNTY_WRITERS),),
    ),
)
