"""SQL-like and wildcard strings in every search and filter box: 200, no error, no other area.

Values go through the ORM as parameters (and icontains escapes % and _), so `%` matches a literal
percent sign, not every row; and whatever matches is still scoped to the user's area.
"""

import pytest
from django.urls import reverse

from accounts.services import audit_record
from tests.factories import ConditionsFactory, SchoolFactory
from tests.security import world

pytestmark = pytest.mark.django_db

ATTACKS = (
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    '"; DROP TABLE schools_school; --',
    "%' OR '1'='1",
    "1; SELECT pg_sleep(5)",
    "\x00",
    "城关\x00小学",
    "' UNION SELECT username, password FROM accounts_user --",
    "a" * 5000,
    "%%%%",
    "[a-z]*",
    "*",
    "1e999",
    "-1",
    "9" * 40,
    "2025-13-45",
    "²",
    "١٢",
    "２０２５",
)


@pytest.fixture
def areas(
    bureau,
    county,
    school_a,
    school_b,
    township_official,
    other_township_official,
    township_a,
    township_b,
    other_bureau,
    other_county,
    other_school,
):
    """Rows on both sides: 滨河县 (own) and 山前县 (foreign), 城关镇 and 河口乡."""
    for school in (school_a, school_b, other_school):
        ConditionsFactory(school=school, year=2025)
    SchoolFactory(township=other_school.township, code="1301240002", name="山前%中心_小学")
    world.file_case(township_official, township_a, school_a, name="张小明")
    world.file_case(other_township_official, township_b, school_b, name="李小红", male=False)
    world.rectification_rows(bureau, county, problem="城关小学运动场不足", lead_unit="县教育局计财股")
    world.rectification_rows(other_bureau, other_county, problem="山前县的问题", lead_unit="山前县教育局")
    audit_record(
        user=other_bureau, action="update", object_type="x", object_repr="山前县的记录", county=other_county
    )
    audit_record(user=bureau, action="update", object_type="x", object_repr="滨河县的记录", county=county)


# (persona, url name, the GET parameters it reads, text that must never appear)
BOXES = [
    (
        "bureau",
        "schools:list",
        ("q", "township", "school_type", "urban_rural", "sort", "year", "page"),
        "山前",
    ),
    ("township_official", "schools:list", ("q", "township", "sort"), "河口小学"),
    ("bureau", "dropout_control:list", ("q", "status", "township", "school", "overdue", "page"), "钱小多"),
    ("township_official", "dropout_control:list", ("q", "status", "township", "school", "overdue"), "李小红"),
    ("reporter", "dropout_control:list", ("q", "school"), "李小红"),
    (
        "bureau",
        "accounts:audit",
        ("username", "action", "object_type", "q", "since", "until", "page"),
        "山前县的记录",
    ),
    (
        "bureau",
        "rectification:list",
        ("status", "source", "lead_unit", "overdue", "mine", "page"),
        "山前县的问题",
    ),
    ("bureau", "rectification:export", ("status", "source", "lead_unit"), "山前县的问题"),
    ("bureau", "schools:import_history", ("page",), "山前"),
    (
        "bureau",
        "dashboard:schools",
        ("stage", "township", "urban_rural", "scheme", "sort", "dir", "page"),
        "山前",
    ),
    ("bureau", "dashboard:overview", ("stage", "township", "urban_rural"), "山前"),
    ("bureau", "dashboard:trends", ("stage", "township", "urban_rural"), "山前"),
    ("bureau", "dropout_control:letters", ("year",), "山前"),
    ("bureau", "dropout_control:register_checks", ("year", "term"), "山前"),
    ("bureau", "dropout_control:retention", ("year",), "山前"),
    ("bureau", "dropout_control:report_monthly", ("year", "month"), "山前"),
    ("bureau", "dropout_control:report_quarterly", ("year", "quarter"), "山前"),
    ("bureau", "indicators:items", ("year",), "山前"),
    ("bureau", "workforce:overview", ("year",), "山前"),
    ("bureau", "rectification:plan", ("mine",), "山前"),
    ("bureau", "surveys:list", ("page",), "山前"),
    ("bureau", "dossiers:list", ("page",), "山前"),
]


@pytest.mark.parametrize(
    ("persona", "name", "params", "foreign"), BOXES, ids=[f"{p}-{n}" for p, n, _, _ in BOXES]
)
def test_hostile_search_strings_give_a_normal_page_of_the_own_area(
    persona, name, params, foreign, request, login, areas
):
    client = login(request.getfixturevalue(persona))
    url = reverse(name)
    problems = []
    for param in params:
        for attack in ATTACKS:
            response = client.get(url, {param: attack})
            if response.status_code != 200:
                problems.append((param, attack[:30], response.status_code))
            elif foreign in response.content.decode(errors="replace"):
                problems.append((param, attack[:30], "shows another area"))
    assert problems == []


def test_a_percent_sign_matches_only_a_literal_percent(login, bureau, areas, school_a):
    client = login(bureau)
    body = client.get(reverse("schools:list"), {"q": "%"}).content.decode()
    assert school_a.name not in body  # "%" is not a wildcard
    body = client.get(reverse("schools:list"), {"q": "_"}).content.decode()
    assert school_a.name not in body
    body = client.get(reverse("schools:list"), {"q": "城关"}).content.decode()
    assert school_a.name in body  # control: a real search finds it


def test_the_school_search_of_another_county_finds_its_own_literal_wildcards(login, other_bureau, areas):
    body = login(other_bureau).get(reverse("schools:list"), {"q": "%中心_"}).content.decode()
    assert "山前%中心_小学" in body and "山前小学" not in body


def test_a_case_search_by_sql_does_not_widen_the_result(login, township_official, areas):
    client = login(township_official)
    body = client.get(reverse("dropout_control:list"), {"q": "' OR 1=1 --"}).content.decode()
    assert "张小明" not in body and "李小红" not in body
    assert "张小明" in client.get(reverse("dropout_control:list"), {"q": "张小明"}).content.decode()


YEARISH = ("9" * 40, "²", "-2025", "2025.5", "1e3", "\x00", "", "2099", "1999")


@pytest.mark.parametrize(
    "url",
    [
        "/schools/export/conditions/",
        "/schools/export/teachers/",
        "/schools/export/classes/",
        "/workforce/export/",
        "/workforce/coverage/",
        "/schools/1301230001/",
        "/workforce/school/1301230001/",
        "/dossiers/school/1301230001/brief.pdf",
    ],
)
def test_year_parameters_out_of_any_range_give_a_page_or_a_404(url, login, bureau, areas):
    from indicators.services import assessment_run_now

    if "brief" in url:
        assessment_run_now(county=bureau.county, year=2025, scheme="quality-2017", user=bureau)
    client = login(bureau)
    problems = []
    for raw in YEARISH:
        response = client.get(url, {"year": raw})
        if response.status_code not in (200, 404):
            problems.append((raw[:10], response.status_code))
    assert problems == []
