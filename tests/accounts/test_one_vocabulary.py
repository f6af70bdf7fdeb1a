"""Who reads and who writes is declared once (accounts/roles.py); nothing else spells roles out.

A template that compares `user.role` with a string, or an app that writes its own tuple of roles,
is how the navigation, the tiles and the guards drifted apart before; these checks keep it from
coming back.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "accounts",
    "balance_inspect",
    "dashboard",
    "dossiers",
    "dropout_control",
    "indicators",
    "ops",
    "rectification",
    "schools",
    "surveys",
    "workforce",
    "templates",
)
ROLE_STRING_IN_TEMPLATE = re.compile(
    r"""user\.role\s*(==|!=|in)\s*|role\s*==\s*["'](admin|bureau|township|school|inspector)["']"""
)
ROLE_TUPLE = re.compile(r"\(\s*Role\.\w+\s*,\s*Role\.\w+")
ROLE_STRING_TUPLE = re.compile(r"""role\s+(not\s+)?in\s*\(\s*["']""")


def _files(suffix):
    for app in APPS:
        for path in (ROOT / app).rglob(f"*{suffix}"):
            if "migrations" not in path.parts:
                yield path


def test_no_template_compares_a_role():
    offenders = [
        str(p.relative_to(ROOT)) for p in _files(".html") if ROLE_STRING_IN_TEMPLATE.search(p.read_text())
    ]
    assert offenders == []


def test_no_app_declares_its_own_set_of_roles():
    allowed = {ROOT / "accounts" / "roles.py"}
    offenders = [
        str(p.relative_to(ROOT))
        for p in _files(".py")
        if p not in allowed and (ROLE_TUPLE.search(p.read_text()) or ROLE_STRING_TUPLE.search(p.read_text()))
    ]
    assert offenders == []
