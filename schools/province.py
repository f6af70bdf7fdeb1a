"""A generated province (~150 counties, ~22,000 schools, ~250,000 roster rows) for scale work.

`manage.py generate_province` calls :func:`generate_province`. It exists for the province
assessment job, the dashboards' benches and anyone who wants to see the product at provincial
size; it is not demo data for users (no accounts, no feature-app rows).

Each county is planned from its own ``random.Random(f"{seed}:{county code}")``, so a county is
the same whichever counties are generated with it, and two runs with the same seed give the same
rows (only primary keys differ). The rules that make a school look real — class sizes, staffing
ratios, resources per student, rosters with titles, ages, backbone teachers and 身份证号 — are
the demo county's (``schools.demo``); this module only decides *which* schools a county has and
how ready the county is:

- about 70 % of the counties are ready: no school below the 85 % floor of any 2017 standard, at
  most a mild shortfall here and there;
- the others are not: a few schools far below a standard, schools without music/art teachers or
  with a too-small music room, a 超大班额 class, resources spread unevenly between schools (a
  higher 差异系数), some below the backbone-teacher line.

Rows are written with ``bulk_create`` in batches, one transaction per county, without signals
or audit records (it is generated data, not anybody's edit).
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db import connection, transaction

from domain.vocabulary import CLASS_SIZE_STANDARD, stage_key
from schools.demo import (
    COMPLETE,
    DEMO_YEAR,
    DEMO_YEARS,
    NINE,
    RURAL,
    TOWN,
    TP,
    URBAN,
    WEIGHTS,
    J,
    P,
    PlannedSchool,
    _delete_with_dependents,
    plan_classes,
    plan_resources,
    plan_roster,
    school_year_rows,
    students_for_year,
    teacher_counts,
)
from schools.models import County, Region, School, SchoolClass, SchoolConditions, Teacher, Township

DEFAULT_COUNTIES = 150
DEFAULT_SCHOOLS_PER_COUNTY = 147
DEFAULT_COUNTIES_PER_CITY = 10
DEFAULT_SEED = 2026
READY_SHARE = 0.7
BATCH = 5000

# Syllables for place names; combinations are drawn without repeats within one province.
NAME_FIRST = "安宁平泰兴永和清丰长新阳临广明定乐昌武隆福寿康顺宣怀德高元利黎庆丹景云盛鹤汇"
NAME_SECOND = "山河城水原川泉台峰林阳安平乐远宁丘州江湖源溪谷岭亭陵滨桥坪关"
TOWNSHIP_SUFFIX = (("镇", 55), ("乡", 45))
VILLAGES = (
    "王李张刘陈杨赵周吴孙马高郭何罗宋郑韩唐冯董曹袁许沈彭吕苏蒋蔡贾丁魏薛叶潘杜戴夏田任姜范石姚谭邹白崔康孟"
)
VILLAGE_SUFFIX = "庄村屯沟洼营寨坡岗铺店湾集"


@dataclass
class CountyPlan:
    code: str
    name: str
    ready: bool
    townships: list[str]
    schools: list[PlannedSchool] = field(default_factory=list)
    # Extra per-school resource factor (≥ 1) of counties whose schools are unevenly equipped.
    spread: float = 0.0


@dataclass
class ProvinceResult:
    province_code: str
    cities: int = 0
    counties: int = 0
    schools: int = 0
    teachers: int = 0  # roster rows written (all years)
    classes: int = 0
    conditions: int = 0
    students: int = 0  # compulsory students of the latest year
    seconds: float = 0.0
    county_codes: list[str] = field(default_factory=list)


def province_prefix(code: str) -> str:
    """'13' or '130000' → '13'; anything else is refused with a Chinese reason."""
    code = code.strip()
    if len(code) == 6 and code.isdigit() and code[2:] == "0000":
        return code[:2]
    if len(code) == 2 and code.isdigit() and code != "00":
        return code
    raise ValueError(f"省级代码应为 2 位数字或以 0000 结尾的 6 位数字：{code}")


def county_codes(prefix: str, counties: int, per_city: int) -> list[tuple[str, str]]:
    """(city code, county code) of every county: cities 01, 02 …, counties 31, 32 … in each.

    County numbers start at 31 so that a generated province never takes the demo county's code
    (130123) nor a 市辖区 code (01–20) of a real city.
    """
    if per_city < 1 or per_city > 60:
        raise ValueError("每个市的区县数应在 1–60 之间")
    cities = math.ceil(counties / per_city)
    if cities > 99:
        raise ValueError("市的数量超过 99 个，请增加每个市的区县数")
    out = []
    for i in range(counties):
        city = f"{prefix}{i // per_city + 1:02d}00"
        out.append((city, f"{city[:4]}{31 + i % per_city:02d}"))
    return out


def _place_names(rng: random.Random, n: int, taken: set[str]) -> list[str]:
    out = []
    while len(out) < n:
        name = rng.choice(NAME_FIRST) + rng.choice(NAME_SECOND)
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def _weighted(rng: random.Random, pairs):
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs], k=1)[0]


def plan_county(code: str, name: str, n_schools: int, seed: int) -> CountyPlan:
    """Which schools one county has (its own rng: a county does not depend on the others)."""
    rng = random.Random(f"{seed}:{code}")
    ready = rng.random() < READY_SHARE
    n_rural_townships = max(2, round(n_schools / 12))
    taken: set[str] = set()
    townships = ["城关镇", "东城街道", "西城街道"][: 1 if n_schools < 40 else 3]
    townships += [
        f"{place}{_weighted(rng, TOWNSHIP_SUFFIX)}" for place in _place_names(rng, n_rural_townships, taken)
    ]
    urban_townships, rural_townships = (
        townships[: len(townships) - n_rural_townships],
        townships[-n_rural_townships:],
    )
    plan = CountyPlan(code=code, name=name, ready=ready, townships=townships)
    plan.spread = rng.uniform(0.0, 0.12) if ready else rng.uniform(0.35, 0.7)

    def add(school: PlannedSchool):
        plan.schools.append(school)

    # The county seat: a few large schools.
    seat = urban_townships[0]
    n_urban_primary = max(1, round(n_schools * 0.03))
    n_urban_junior = max(1, round(n_schools * 0.015))
    for k in range(n_urban_primary):
        township = urban_townships[k % len(urban_townships)]
        add(
            PlannedSchool(
                f"{township[:2]}第{_ordinal(k + 1)}小学",
                township,
                P,
                URBAN,
                primary=round(rng.triangular(360, 1300, 560)),
            )
        )
    for k in range(n_urban_junior):
        township = urban_townships[k % len(urban_townships)]
        add(
            PlannedSchool(
                f"{township[:2]}第{_ordinal(k + 1)}中学",
                township,
                J,
                URBAN,
                junior=round(rng.triangular(350, 1000, 520)),
            )
        )
    add(
        PlannedSchool(
            f"{name}第一中学",
            seat,
            COMPLETE,
            URBAN,
            junior=round(rng.uniform(350, 650)),
            senior=round(rng.uniform(700, 1500)),
            boarding=True,
        )
    )
    if n_schools >= 40:
        add(
            PlannedSchool(
                f"{name}实验学校",
                seat,
                NINE,
                URBAN,
                primary=round(rng.uniform(300, 700)),
                junior=round(rng.uniform(200, 450)),
            )
        )
    # Every rural township: a central primary school and (most) a junior school; then villages.
    centrals: dict[str, str] = {}
    for township in rural_townships:
        short_name = township[:-2] if township.endswith("街道") else township[:-1]
        centrals[township] = f"{short_name}{township[-1]}中心小学"
        add(PlannedSchool(centrals[township], township, P, TOWN, primary=round(rng.uniform(160, 420))))
        if rng.random() < 0.75:
            add(
                PlannedSchool(
                    f"{short_name}{township[-1]}中学",
                    township,
                    J,
                    TOWN,
                    junior=round(rng.uniform(140, 420)),
                    boarding=rng.random() < 0.6,
                )
            )
    remaining = n_schools - len(plan.schools)
    n_nine = round(remaining * 0.05)
    n_points = round(remaining * 0.56)
    n_villages = max(0, remaining - n_nine - n_points)
    village_names: set[str] = set()

    def village(township: str) -> str:
        while True:
            v = rng.choice(VILLAGES) + rng.choice(VILLAGE_SUFFIX)
            if (township, v) not in village_names:
                village_names.add((township, v))
                return v

    for k in range(n_nine):
        township = rural_townships[k % len(rural_townships)]
        add(
            PlannedSchool(
                f"{township}{village(township)}学校",
                township,
                NINE,
                RURAL,
                primary=round(rng.uniform(100, 260)),
                junior=round(rng.uniform(80, 220)),
                boarding=True,
            )
        )
    for _ in range(n_villages):
        township = rng.choice(rural_townships)
        add(
            PlannedSchool(
                f"{township}{village(township)}小学",
                township,
                P,
                RURAL,
                primary=round(rng.triangular(30, 220, 50)),
            )
        )
    for _ in range(n_points):
        township = rng.choice(rural_townships)
        add(
            PlannedSchool(
                f"{township}{village(township)}教学点",
                township,
                TP,
                RURAL,
                primary=round(rng.triangular(6, 60, 18)),
                parent=centrals[township],
            )
        )
    plan.schools = _with_problems(plan.schools, ready, rng)
    return plan


def _ordinal(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if n <= 10 else str(n)


SHORTABLE = ("building_area", "sports_area", "equipment_value", "multimedia_rooms")


def _with_problems(schools: list[PlannedSchool], ready: bool, rng: random.Random) -> list[PlannedSchool]:
    """Give the county the shortcomings of its kind (see the module docstring)."""
    out = []
    for school in schools:
        changes: dict = {}
        regular = school.school_type in (P, J)  # the demo's shortfalls apply to one-stage schools
        if regular and rng.random() < (0.04 if ready else 0.06):
            # Mild: still within the 85 % floor, so a ready county stays ready.
            changes["short"] = ((rng.choice(SHORTABLE[:3]), rng.uniform(0.88, 0.97)),)
        if not ready and regular and rng.random() < 0.025:
            changes["short"] = ((rng.choice(SHORTABLE), rng.uniform(0.6, 0.82)),)
        if school.urban_rural == URBAN and school.school_type in (P, J) and rng.random() < 0.3:
            if school.school_type == P and school.primary >= 800:
                changes["crowded"] = (rng.randint(4, 6), rng.randint(1, 2))
            elif school.school_type == J and school.junior >= 500 and not ready:
                changes["super_large_grade"] = rng.randint(7, 9)
        if school.urban_rural == RURAL and school.school_type == P and not ready and rng.random() < 0.15:
            changes["no_arts"] = True
        if not ready and school.school_type in (P, J, NINE) and rng.random() < 0.04:
            changes["rooms"] = rng.choice(("short_music", "short_art"))
        if not ready and school.school_type in (J, NINE) and rng.random() < 0.2:
            changes["low_backbone"] = True
        out.append(replace(school, **changes) if changes else school)
    return out


def _spread_resources(base: dict, spread: float, rng: random.Random) -> dict:
    """Raise some schools' per-student resources (never below what was drawn): uneven counties
    have a few lavishly equipped schools beside the rest, which raises the 差异系数."""
    if spread <= 0:
        return base
    out = dict(base)
    factor = math.exp(abs(rng.gauss(0, spread)))
    out["building_area"] = Decimal(round(float(base["building_area"]) * factor))
    out["sports_area"] = Decimal(round(float(base["sports_area"]) * factor))
    out["equipment_value"] = Decimal(round(float(base["equipment_value"]) * factor**1.5, -2))
    out["computers"] = max(2, round(base["computers"] * factor))
    out["books"] = round(base["books"] * factor)
    return out


# Per-student resources a ready county's one-stage schools are brought close to (the city
# range of schools.demo.RANGES, all above the 2017 standards), and 体育/艺术 teachers per 100
# students: the demo's rules staff small rural schools far above the city, which alone puts the
# 差异系数 above the line; a ready county has spread them evenly (走教, 县管校聘).
EVEN_TARGETS = {
    "building_area": {"小学": (4.9, 5.4), "初中": (6.2, 6.8)},
    "sports_area": {"小学": (8.0, 9.4), "初中": (10.8, 12.2)},
    "equipment_value": {"小学": (2300, 2800), "初中": (2800, 3400)},
    "computers": {"小学": (10, 12), "初中": (13, 15)},
    "books": {"小学": (24, 29), "初中": (34, 40)},
}
MULTIMEDIA_PER100 = (2.6, 3.2)
ARTS_PER100 = (1.25, 1.6)
ARTS_SUBJECTS = ("体育", "音乐", "美术")


def _even_resources(base: dict, school: PlannedSchool, students: dict[str, int], rng: random.Random) -> dict:
    """A ready county's school: per-student resources near the county's common level, stage by
    stage (a school drawn short on purpose keeps its shortfall)."""
    stages = [s for s in ("小学", "初中", "高中") if students[s]]
    if not stages:
        return base
    shorts = dict(school.short)
    out = dict(base)
    for resource, by_stage in EVEN_TARGETS.items():
        if resource in shorts:
            continue
        # Drawn per student-equivalent (the demo's WEIGHTS), so that every part of a multi-stage
        # school reaches its drawn level when the engine splits the total by the same weights.
        weights = WEIGHTS.get(school.school_type) or {stages[0]: 1.0}
        per = max(rng.uniform(*by_stage.get(s, by_stage["初中"])) / weights[s] for s in stages)
        total = per * sum(weights[s] * students[s] for s in stages)
        if resource == "computers":
            out[resource] = max(2, round(total / 100))
        elif resource == "books":
            out[resource] = round(total)
        elif resource == "equipment_value":
            out[resource] = Decimal(round(total, -2))
        else:
            out[resource] = Decimal(round(total))
    if "multimedia_rooms" not in shorts:
        compulsory = students["小学"] + students["初中"]
        out["multimedia_rooms"] = max(
            1,
            math.ceil(2.4 * compulsory / 100 * 1.1),
            round(rng.uniform(*MULTIMEDIA_PER100) * compulsory / 100),
        ) + math.ceil(students["高中"] * 1.32 / 40)
    return out


def _even_arts_teachers(
    people: list[dict], school: PlannedSchool, students: dict[str, int], rng, points_students: int = 0
) -> None:
    """Bring each stage of a ready county's school to about ARTS_PER100 体育/艺术 teachers per
    100 students by changing the subject of full-time teachers (语文/数学 ↔ 体育/音乐/美术)."""
    if school.no_arts:
        return
    for stage in ("小学", "初中"):
        if not students[stage]:
            continue
        staff = [p for p in people if p["full_time"] and p["left_year"] is None and p["stage"] == stage]
        # A central school's teaching points are one unit with it (and have no such teachers).
        pupils = students[stage] + (points_students if stage == "小学" else 0)
        want = max(1, round(rng.uniform(*ARTS_PER100) * pupils / 100))
        arts = [p for p in staff if p["subject"] in ARTS_SUBJECTS]
        core = [p for p in staff if p["subject"] in ("语文", "数学")]
        k = len(arts)
        while k < want and core:
            core.pop()["subject"] = ARTS_SUBJECTS[k % len(ARTS_SUBJECTS)]
            k += 1
        while k > want and arts:
            arts.pop()["subject"] = "语文" if k % 2 else "数学"
            k -= 1


def _within_standard(rows: list[tuple[int, int]], stage: str) -> list[tuple[int, int]]:
    """A ready county has no class above the standard size (45 / 50): each grade's pupils are
    spread over as many classes as that takes."""
    standard = CLASS_SIZE_STANDARD[stage_key(stage)]
    by_grade: dict[int, int] = defaultdict(int)
    for grade, size in rows:
        by_grade[grade] += size
    out = []
    for grade, n in by_grade.items():
        parts = math.ceil(n / standard)
        out.extend((grade, n // parts + (1 if i < n % parts else 0)) for i in range(parts))
    return out


# --- writing ------------------------------------------------------------------------------------


def delete_counties(codes: list[str]) -> int:
    """Delete generated counties and everything that depends on them; returns how many existed."""
    counties = County.objects.filter(code__in=codes)
    found = counties.count()
    if not found:
        return 0
    # The big tables first with plain deletes (nothing points at a roster row or a class).
    for model in (Teacher, SchoolClass, SchoolConditions):
        _delete_with_dependents(model.objects.filter(school__county__in=counties))
    _delete_with_dependents(School.objects.filter(county__in=counties, parent__isnull=False))
    _delete_with_dependents(School.objects.filter(county__in=counties))
    _delete_with_dependents(Township.objects.filter(county__in=counties))
    _delete_with_dependents(County.objects.filter(code__in=codes))
    return found


PROVINCE_NAMES = {"13": "河北省"}


def write_regions(province_code: str, cities: dict[str, str]) -> None:
    """The province and its cities as schools.Region rows (kept if they exist: a real province's
    name is not overwritten by a generated one); counties belong to them by code prefix."""
    prefix = province_code[:2]
    Region.objects.get_or_create(
        code=province_code,
        defaults={"name": PROVINCE_NAMES.get(prefix, f"模拟省{prefix}"), "level": Region.Level.PROVINCE},
    )
    for code, name in cities.items():
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": Region.Level.CITY})


def write_county(plan: CountyPlan, years: tuple[int, ...], seed: int) -> dict:
    """Create one planned county with its yearly data (one transaction); returns the counts."""
    rng = random.Random(f"{seed}:{plan.code}:data")
    counts = {"schools": 0, "teachers": 0, "classes": 0, "conditions": 0, "students": 0}
    with transaction.atomic():
        county = County.objects.create(code=plan.code, name=plan.name)
        townships = {
            t.name: t
            for t in Township.objects.bulk_create(
                [Township(county=county, name=name, position=n) for n, name in enumerate(plan.townships, 1)]
            )
        }
        numbered = list(enumerate(plan.schools, start=1))

        def school_row(i: int, p: PlannedSchool, parent=None) -> School:
            return School(
                code=f"{plan.code}{i:04d}",
                name=p.name,
                county=county,
                township=townships[p.township],
                school_type=p.school_type,
                urban_rural=p.urban_rural,
                sponsor=p.sponsor,
                parent=parent,
                boarding=p.boarding,
            )

        # Central schools first, so a teaching point can point at its parent.
        heads = School.objects.bulk_create([school_row(i, p) for i, p in numbered if p.parent is None])
        by_name = {s.name: s for s in heads}
        points = School.objects.bulk_create(
            [school_row(i, p, by_name[p.parent]) for i, p in numbered if p.parent is not None]
        )
        by_name.update({s.name: s for s in points})
        counts["schools"] = len(heads) + len(points)

        conditions, teachers, classes = [], [], []
        latest = max(years)
        points_students: dict[str, int] = defaultdict(int)
        for p in plan.schools:
            if p.parent:
                points_students[p.parent] += p.primary
        for p in plan.schools:
            school = by_name[p.name]
            yearly = {year: students_for_year(p, year, rng) for year in years}
            class_plans = {
                year: {stage: plan_classes(p, stage, yearly[year][stage], rng) for stage in ("小学", "初中")}
                for year in years
            }
            if plan.ready:
                class_plans = {
                    year: {stage: _within_standard(rows, stage) for stage, rows in stages.items()}
                    for year, stages in class_plans.items()
                }
            now = class_plans[DEMO_YEAR] if DEMO_YEAR in class_plans else class_plans[latest]
            class_counts = {stage: len(now[stage]) for stage in ("小学", "初中")}
            base = plan_resources(p, yearly[latest], sum(class_counts.values()), rng)
            base = _spread_resources(base, plan.spread, rng)
            people = plan_roster(p, teacher_counts(p, yearly[latest], class_counts), yearly[latest], rng)
            if plan.ready:
                base = _even_resources(base, p, yearly[latest], rng)
                _even_arts_teachers(people, p, yearly[latest], rng, points_students.get(p.name, 0))
            for year in years:
                students = yearly[year]
                condition, year_classes, roster = school_year_rows(
                    school, year, students, base, class_plans[year], people
                )
                conditions.append(condition)
                classes.extend(year_classes)
                teachers.extend(roster)
                if year == latest:
                    counts["students"] += students["小学"] + students["初中"]
        SchoolConditions.objects.bulk_create(conditions, batch_size=BATCH)
        SchoolClass.objects.bulk_create(classes, batch_size=BATCH)
        Teacher.objects.bulk_create(teachers, batch_size=BATCH)
    counts.update(teachers=len(teachers), classes=len(classes), conditions=len(conditions))
    return counts


def plan_province(
    prefix: str, *, counties: int, schools_per_county: int, per_city: int, seed: int
) -> tuple[dict[str, str], list[CountyPlan]]:
    """City names by code, and the plan of every county (names drawn from the province's rng)."""
    codes = county_codes(prefix, counties, per_city)
    # One shuffled list of every name of the province: counties take it from the front, cities
    # from the back, so county n has the same name whatever the number of counties generated.
    names = [a + b for a in NAME_FIRST for b in NAME_SECOND]
    random.Random(f"{seed}:{prefix}:names").shuffle(names)
    city_codes = sorted({city for city, _ in codes})
    if counties + len(city_codes) > len(names):
        raise ValueError(f"区县数过多：最多 {len(names) - len(city_codes)} 个")
    cities = {code: f"{names[-1 - k]}市" for k, code in enumerate(city_codes)}
    names = names[:counties]
    plans = []
    for (_city, code), name in zip(codes, names, strict=True):
        # The first county of a city is its 市辖区 seat, the others 县.
        label = f"{name}区" if code.endswith("31") else f"{name}县"
        plans.append(plan_county(code, label, schools_per_county, seed))
    return cities, plans


def generate_province(
    code: str = "13",
    *,
    counties: int = DEFAULT_COUNTIES,
    schools_per_county: int = DEFAULT_SCHOOLS_PER_COUNTY,
    per_city: int = DEFAULT_COUNTIES_PER_CITY,
    years: int = 1,
    seed: int = DEFAULT_SEED,
    on_county: Callable[[int, int, CountyPlan, dict], None] | None = None,
) -> ProvinceResult:
    """(Re)create a generated province: counties of the same codes are deleted first.

    ``years``: how many school years up to the demo year (1 = 2025 only, 3 = 2023–2025).
    ``on_county(done, total, plan, counts)`` is called after each county (progress output).
    """
    if counties < 1:
        raise ValueError("区县数应至少为 1")
    if schools_per_county < 10:
        raise ValueError("每县学校数应至少为 10")
    if not 1 <= years <= len(DEMO_YEARS):
        raise ValueError(f"学年数应在 1–{len(DEMO_YEARS)} 之间")
    started = time.perf_counter()
    prefix = province_prefix(code)
    cities, plans = plan_province(
        prefix, counties=counties, schools_per_county=schools_per_county, per_city=per_city, seed=seed
    )
    result = ProvinceResult(province_code=f"{prefix}0000", cities=len(cities))
    write_regions(result.province_code, cities)
    delete_counties([p.code for p in plans])
    chosen_years = DEMO_YEARS[-years:]
    for n, plan in enumerate(plans, start=1):
        counts = write_county(plan, chosen_years, seed)
        result.counties += 1
        result.schools += counts["schools"]
        result.teachers += counts["teachers"]
        result.classes += counts["classes"]
        result.conditions += counts["conditions"]
        result.students += counts["students"]
        result.county_codes.append(plan.code)
        if on_county:
            on_county(n, len(plans), plan, counts)
    _analyze()
    result.seconds = time.perf_counter() - started
    return result


def _analyze() -> None:
    """Refresh PostgreSQL's statistics of the tables just filled: until autovacuum gets to them the
    planner still believes the roster small and reads all of it for one county (0.6 s instead of
    0.01 s per county query)."""
    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in (County, Township, School, SchoolConditions, SchoolClass, Teacher)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")
