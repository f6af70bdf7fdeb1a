"""The demo county 滨河县 (130123): schools, three school years of data, and one user per role.

`manage.py seed_demo` calls :func:`seed_demo_county`. Everything is drawn from one
``random.Random(2025)`` in a fixed order, so two runs give identical rows (only primary keys
differ). The county is built to look like a real one before the inspection: most schools
meet the 2017 per-school standards, a few rural schools fall short on purpose, urban schools
carry a few 大班额 and one 超大班额 class, some rural schools have no music/art teacher.
The plan below is the single place to change any of that.

Rebuilding deletes the demo county first, including rows of feature apps that protect it
(they are re-added by their `demo_seeded` receivers).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from accounts.models import Role, User
from balance_inspect.signals import demo_seeded
from domain.vocabulary import ART_ROOM_MIN_AREA, MUSIC_ROOM_MIN_AREA
from schools.columns import areas_stored
from schools.idcard import id_check_digit
from schools.models import (
    County,
    Region,
    School,
    SchoolClass,
    SchoolConditions,
    SchoolType,
    Teacher,
    Township,
)

SEED = 2025
DEMO_COUNTY_CODE = "130123"
DEMO_COUNTY_NAME = "滨河县"
DEMO_YEAR = 2025
DEMO_YEARS = (2023, 2024, 2025)
DEMO_PASSWORD = "Demo-pass-2025"  # noqa: S105 - the documented password of the public demo accounts
INSPECTION_IN_DAYS = 60

TOWNSHIPS = ("城关镇", "东城街道", "西城街道", "柳河镇", "石桥镇", "河口乡", "南山乡", "北坡乡")

P, J, NINE, TWELVE, COMPLETE, TP = (
    SchoolType.PRIMARY,
    SchoolType.JUNIOR,
    SchoolType.NINE_YEAR,
    SchoolType.TWELVE_YEAR,
    SchoolType.COMPLETE_MIDDLE,
    SchoolType.TEACHING_POINT,
)
URBAN, TOWN, RURAL = "城区", "镇区", "乡村"


@dataclass(frozen=True)
class PlannedSchool:
    """One demo school. Student numbers are those of 2025; earlier years follow the area's trend.

    ``short``: (resource, fraction of the 2017 per-school standard) the school deliberately reaches.
    ``crowded``: (grade, n) — n classes of that grade are 大班额 (56–65); ``super_large_grade``: a
    grade with one 超大班额 class (≥ 66). ``no_arts``: no 音乐/美术/心理健康 teacher.
    ``low_backbone``: almost no county-level backbone teachers.
    ``rooms``: how its music/art rooms measure up (every other school's rooms reach 96 / 90 ㎡):
    "short_music" / "short_art" — its one room of that kind is below the line (the school fails
    the room rule); "extra_small_art" — an extra art room below the line beside enough good ones
    (shown as 不足, the school still passes); "unmeasured" — no areas reported (面积未填报).
    """

    name: str
    township: str
    school_type: str
    urban_rural: str
    primary: int = 0
    junior: int = 0
    senior: int = 0
    sponsor: str = "公办"
    parent: str | None = None
    boarding: bool = False
    short: tuple[tuple[str, float], ...] = ()
    crowded: tuple[int, int] | None = None
    super_large_grade: int | None = None
    no_arts: bool = False
    low_backbone: bool = False
    rooms: str = ""


# Codes are assigned in this order: 1301230001 = 城关小学, the demo reporter's school.
PLAN: tuple[PlannedSchool, ...] = (
    # 城关镇: the county seat.
    PlannedSchool("城关小学", "城关镇", P, URBAN, primary=1380, crowded=(6, 3)),
    PlannedSchool("城关第二小学", "城关镇", P, URBAN, primary=860, rooms="extra_small_art"),
    PlannedSchool("城关第三小学", "城关镇", P, URBAN, primary=620),
    PlannedSchool("城关中学", "城关镇", J, URBAN, junior=980, super_large_grade=9),
    PlannedSchool("滨河县第一中学", "城关镇", COMPLETE, URBAN, junior=560, senior=1200, boarding=True),
    PlannedSchool(
        "滨河县育英学校", "城关镇", NINE, URBAN, primary=420, junior=260, sponsor="民办", boarding=True
    ),
    # 东城街道
    PlannedSchool("东城小学", "东城街道", P, URBAN, primary=1060, crowded=(5, 2)),
    PlannedSchool("东城第二小学", "东城街道", P, URBAN, primary=760),
    PlannedSchool("东城中学", "东城街道", J, URBAN, junior=820),
    PlannedSchool("滨河县实验学校", "东城街道", TWELVE, URBAN, primary=540, junior=380, senior=300),
    # 西城街道
    PlannedSchool("西城小学", "西城街道", P, URBAN, primary=760),
    PlannedSchool("西城第二小学", "西城街道", P, URBAN, primary=520),
    PlannedSchool("西城第三小学", "西城街道", P, URBAN, primary=360),
    PlannedSchool("西城中学", "西城街道", J, URBAN, junior=620),
    # 柳河镇
    PlannedSchool("柳河镇中心小学", "柳河镇", P, TOWN, primary=460),
    PlannedSchool("柳河镇中学", "柳河镇", J, TOWN, junior=420, boarding=True),
    PlannedSchool("柳河镇大营小学", "柳河镇", P, RURAL, primary=180),
    PlannedSchool("柳河镇新村小学", "柳河镇", P, RURAL, primary=140, no_arts=True),
    PlannedSchool("柳河镇前屯教学点", "柳河镇", TP, RURAL, primary=38, parent="柳河镇中心小学"),
    PlannedSchool("柳河镇后屯教学点", "柳河镇", TP, RURAL, primary=26, parent="柳河镇中心小学"),
    # 石桥镇
    PlannedSchool("石桥镇中心小学", "石桥镇", P, TOWN, primary=420),
    PlannedSchool("石桥镇中学", "石桥镇", J, TOWN, junior=360, boarding=True),
    PlannedSchool("石桥镇王庄小学", "石桥镇", P, RURAL, primary=150, rooms="short_music"),
    PlannedSchool("石桥镇马庄学校", "石桥镇", NINE, RURAL, primary=210, junior=150, boarding=True),
    PlannedSchool("石桥镇李家沟教学点", "石桥镇", TP, RURAL, primary=32, parent="石桥镇中心小学"),
    # 河口乡
    PlannedSchool("河口乡中心小学", "河口乡", P, RURAL, primary=260),
    PlannedSchool("河口乡河口学校", "河口乡", NINE, RURAL, junior=180, primary=170, boarding=True),
    PlannedSchool(
        "河口乡沙河小学",
        "河口乡",
        P,
        RURAL,
        primary=110,
        no_arts=True,
        short=(("multimedia_rooms", 0.7), ("building_area", 0.93)),
    ),
    PlannedSchool("河口乡张湾教学点", "河口乡", TP, RURAL, primary=24, parent="河口乡中心小学"),
    PlannedSchool("河口乡柳树沟教学点", "河口乡", TP, RURAL, primary=18, parent="河口乡中心小学"),
    # 南山乡
    PlannedSchool("南山乡中心小学", "南山乡", P, RURAL, primary=230, rooms="unmeasured"),
    PlannedSchool(
        "南山乡南山学校", "南山乡", NINE, RURAL, primary=150, junior=160, boarding=True, low_backbone=True
    ),
    PlannedSchool("南山乡杨庄小学", "南山乡", P, RURAL, primary=90, short=(("sports_area", 0.78),)),
    PlannedSchool("南山乡石门教学点", "南山乡", TP, RURAL, primary=22, parent="南山乡中心小学"),
    PlannedSchool("南山乡高岭教学点", "南山乡", TP, RURAL, primary=15, parent="南山乡中心小学"),
    # 北坡乡
    PlannedSchool("北坡乡中心小学", "北坡乡", P, RURAL, primary=210, rooms="short_art"),
    PlannedSchool(
        "北坡乡中学",
        "北坡乡",
        J,
        RURAL,
        junior=170,
        boarding=True,
        short=(("sports_area", 0.82), ("building_area", 0.95)),
        low_backbone=True,
    ),
    PlannedSchool(
        "北坡乡前进小学", "北坡乡", P, RURAL, primary=80, no_arts=True, short=(("equipment_value", 0.75),)
    ),
    PlannedSchool("北坡乡东沟教学点", "北坡乡", TP, RURAL, primary=20, parent="北坡乡中心小学"),
    PlannedSchool("北坡乡西洼教学点", "北坡乡", TP, RURAL, primary=12, parent="北坡乡中心小学"),
)

# 2017 per-school standards (domain.md §2.2), per student or per 100 students.
STANDARD = {
    "building_area": {"小学": 4.5, "初中": 5.8},
    "sports_area": {"小学": 7.5, "初中": 10.2},
    "equipment_value": {"小学": 2000, "初中": 2500},
    "multimedia_rooms": {"小学": 2.3, "初中": 2.4},
}
# Student-equivalent weights used to split shared resources (data-contract §2).
WEIGHTS = {
    NINE: {"小学": 1.0, "初中": 1.1},
    TWELVE: {"小学": 1.0, "初中": 1.1, "高中": 1.32},
    COMPLETE: {"初中": 1.0, "高中": 1.2},
}

# Ranges per student of healthy schools, by stage and area ("教学点" for teaching points).
# Rural schools are small, so per-student space and (new) equipment run far above the city.
RANGES = {
    "building_area": {
        "小学": {URBAN: (4.7, 5.6), TOWN: (5.2, 6.6), RURAL: (6.0, 9.0), TP: (9.0, 16.0)},
        "初中": {URBAN: (6.0, 7.0), TOWN: (6.5, 8.0), RURAL: (7.5, 10.0)},
        "高中": {URBAN: (8.0, 9.0)},
    },
    "sports_area": {
        "小学": {URBAN: (7.7, 9.6), TOWN: (9.0, 13.0), RURAL: (12.0, 20.0), TP: (20.0, 45.0)},
        "初中": {URBAN: (10.4, 12.5), TOWN: (12.0, 16.0), RURAL: (14.0, 22.0)},
        "高中": {URBAN: (10.0, 12.0)},
    },
    "equipment_value": {
        "小学": {URBAN: (2150, 2900), TOWN: (2600, 3800), RURAL: (5500, 12000), TP: (8000, 15000)},
        "初中": {URBAN: (2650, 3500), TOWN: (3200, 4500), RURAL: (6000, 11000)},
        "高中": {URBAN: (4000, 5000)},
    },
    "computers": {  # per 100 students
        "小学": {URBAN: (9, 13), TOWN: (11, 16), RURAL: (14, 25), TP: (15, 30)},
        "初中": {URBAN: (12, 16), TOWN: (13, 18), RURAL: (15, 26)},
        "高中": {URBAN: (14, 18)},
    },
    "books": {
        "小学": {URBAN: (22, 30), TOWN: (26, 36), RURAL: (30, 45), TP: (30, 45)},
        "初中": {URBAN: (32, 42), TOWN: (36, 48), RURAL: (40, 55)},
        "高中": {URBAN: (40, 50)},
    },
}
# Yearly trend of enrolment going back from 2025: the city grows, villages empty.
TREND = {URBAN: 1.025, TOWN: 1.0, RURAL: 0.96}

GRADE_CN = "一二三四五六七八九"

SURNAMES = (
    ("王", 72),
    ("李", 70),
    ("张", 68),
    ("刘", 52),
    ("陈", 45),
    ("杨", 31),
    ("赵", 28),
    ("黄", 22),
    ("周", 21),
    ("吴", 20),
    ("徐", 17),
    ("孙", 16),
    ("胡", 13),
    ("朱", 13),
    ("高", 12),
    ("林", 11),
    ("何", 11),
    ("郭", 11),
    ("马", 11),
    ("罗", 9),
    ("梁", 9),
    ("宋", 8),
    ("郑", 8),
    ("谢", 7),
    ("韩", 7),
    ("唐", 7),
    ("冯", 7),
    ("于", 6),
    ("董", 6),
    ("程", 6),
    ("曹", 6),
    ("袁", 5),
    ("邓", 5),
    ("许", 5),
    ("傅", 5),
    ("沈", 5),
    ("曾", 5),
    ("彭", 5),
    ("吕", 5),
    ("苏", 5),
    ("卢", 4),
    ("蒋", 4),
    ("蔡", 4),
    ("贾", 4),
    ("丁", 4),
    ("魏", 4),
    ("薛", 4),
    ("叶", 4),
    ("阎", 3),
    ("潘", 3),
    ("杜", 3),
    ("戴", 3),
    ("夏", 3),
    ("田", 3),
    ("任", 3),
    ("姜", 3),
    ("范", 3),
    ("石", 3),
    ("姚", 3),
    ("谭", 2),
    ("邹", 2),
    ("白", 2),
    ("崔", 2),
    ("康", 2),
    ("孟", 2),
    ("欧阳", 1),
    ("司马", 1),
    ("上官", 1),
)
# Given-name characters; the rare ones (堃 喆 昇 珺 …) are here on purpose: they vanish when
# a font or an encoding is subset to GB2312, and the demo must show it.
GIVEN_FEMALE = "丽娜静敏燕艳娟霞芳秀英华玉萍红梅琳颖雪婷佳欣怡悦琪璐瑶晨菲珺婧琦瑾嫣妍"
GIVEN_MALE = "伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆堃喆昇翀燚垚淼犇"
GIVEN_ANY = "文建志海云晓春丹宁博思远雨泽嘉"

PRIMARY_SUBJECTS = (
    ("语文", 0.29),
    ("数学", 0.24),
    ("英语", 0.09),
    ("道德与法治", 0.04),
    ("科学", 0.05),
    ("体育", 0.075),
    ("音乐", 0.055),
    ("美术", 0.055),
    ("信息技术", 0.03),
    ("心理健康", 0.015),
    ("劳动", 0.01),
    ("综合实践", 0.02),
)
JUNIOR_SUBJECTS = (
    ("语文", 0.14),
    ("数学", 0.14),
    ("英语", 0.13),
    ("道德与法治", 0.06),
    ("物理", 0.07),
    ("化学", 0.05),
    ("生物", 0.05),
    ("历史", 0.06),
    ("地理", 0.05),
    ("体育", 0.075),
    ("音乐", 0.035),
    ("美术", 0.035),
    ("信息技术", 0.04),
    ("心理健康", 0.02),
    ("劳动", 0.01),
    ("综合实践", 0.01),
)
SENIOR_SUBJECTS = (
    ("语文", 0.13),
    ("数学", 0.13),
    ("英语", 0.13),
    ("物理", 0.09),
    ("化学", 0.08),
    ("生物", 0.08),
    ("历史", 0.07),
    ("地理", 0.07),
    ("道德与法治", 0.06),
    ("体育", 0.06),
    ("音乐", 0.02),
    ("美术", 0.02),
    ("信息技术", 0.04),
    ("心理健康", 0.02),
)
SMALL_SCHOOL_SUBJECTS = ("语文", "数学", "语文", "数学", "体育", "英语", "美术", "音乐", "科学")
ARTS = ("音乐", "美术", "心理健康")

# Birth places of teachers: mostly the county itself, some from the prefecture and neighbours.
ID_REGIONS = (("130123", 70), ("130102", 8), ("130104", 6), ("130181", 6), ("130421", 5), ("131002", 5))

DEMO_USERS = (
    # role, username, display name, unit, area
    (Role.ADMIN, "admin", "系统管理员", "滨河县教育局信息中心", None),
    (Role.BUREAU, "bureau", "王科长", "滨河县教育局", "county"),
    (Role.INSPECTOR, "inspector", "赵督学", "滨河县人民政府教育督导室", "county"),
    (Role.TOWNSHIP, "township", "李镇长", "城关镇人民政府", "城关镇"),
    (Role.SCHOOL, "school", "陈老师", "城关小学", "城关小学"),
    # Reviewers above the county (area: a Region code of DEMO_REGIONS).
    (Role.CITY, "city_reviewer", "刘复核", "石家庄市教育局督导室", "130100"),
    (Role.PROVINCE, "province_reviewer", "何评估", "河北省人民政府教育督导室", "130000"),
)
# The province and city the demo county lies in (code, name, level); kept across reseeds.
DEMO_REGIONS = (("130000", "河北省", "province"), ("130100", "石家庄市", "city"))


# --- identity numbers ------------------------------------------------------------------------


def make_id_number(rng: random.Random, *, birth: date, female: bool) -> str:
    region = _weighted(rng, ID_REGIONS)
    seq = rng.randrange(0, 500) * 2 + (0 if female else 1)  # 17th digit: odd = male
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


# --- small deterministic helpers -------------------------------------------------------------


def _weighted(rng: random.Random, pairs):
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return rng.choices(values, weights=weights, k=1)[0]


def _split(total: int, parts: int, rng: random.Random, jitter: float = 0.08) -> list[int]:
    """`total` split into `parts` integers near total/parts that sum exactly to `total`."""
    if parts <= 0:
        return []
    weights = [1 + rng.uniform(-jitter, jitter) for _ in range(parts)]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(parts), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def _even(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _quota(n: int, shares) -> list[str]:
    """n subjects allocated to the shares by largest remainder (ties: list order)."""
    total = sum(s for _, s in shares)
    raw = [(name, n * s / total) for name, s in shares]
    counts = {name: int(x) for name, x in raw}
    rest = n - sum(counts.values())
    for name, _share in sorted(raw, key=lambda t: t[1] - int(t[1]), reverse=True)[:rest]:
        counts[name] += 1
    return [name for name, _ in shares for _ in range(counts[name])]


def _area(plan: PlannedSchool) -> str:
    return TP if plan.school_type == TP else plan.urban_rural


def _stages(plan: PlannedSchool) -> list[str]:
    return [s for s, n in (("小学", plan.primary), ("初中", plan.junior), ("高中", plan.senior)) if n]


# --- students and classes ---------------------------------------------------------------------


def students_for_year(plan: PlannedSchool, year: int, rng: random.Random) -> dict[str, int]:
    back = DEMO_YEAR - year
    factor = TREND[plan.urban_rural] ** back
    out = {}
    for stage, n in (("小学", plan.primary), ("初中", plan.junior), ("高中", plan.senior)):
        out[stage] = 0 if n == 0 else max(1, round(n / factor * (1 + rng.uniform(-0.012, 0.012))))
    return out


def plan_classes(plan: PlannedSchool, stage: str, students: int, rng: random.Random) -> list[tuple[int, int]]:
    """(grade, size) of every class of one stage; sizes sum to `students`."""
    if plan.school_type == TP:
        grades = [1, 2, 3] if students >= 20 else [1, 2]
    else:
        grades = list(range(1, 7)) if stage == "小学" else [7, 8, 9]
    standard = 45 if stage == "小学" else 50
    # City schools fill classes to the standard and a little over; elsewhere classes stay small.
    target = standard + 3 if plan.urban_rural == URBAN else standard
    out = []
    for grade, n in zip(grades, _split(students, len(grades), rng), strict=True):
        if n == 0:
            continue
        if plan.school_type == TP:
            out.append((grade, n))
            continue
        big = []
        if plan.crowded and plan.crowded[0] == grade:
            big = [58 + i % 3 for i in range(plan.crowded[1])]
        elif grade == plan.super_large_grade:
            big = [68]
        rest = n - sum(big)
        out.extend((grade, size) for size in big)
        out.extend((grade, size) for size in _even(rest, max(1, math.ceil(rest / target))))
    return out


# --- physical resources -----------------------------------------------------------------------


def _draw(rng: random.Random, resource: str, stage: str, area: str) -> float:
    ranges = RANGES[resource][stage]
    lo, hi = ranges.get(area) or ranges.get(RURAL) or ranges[URBAN]
    return rng.uniform(lo, hi)


def plan_resources(plan: PlannedSchool, students: dict[str, int], classes: int, rng: random.Random) -> dict:
    """Physical conditions of 2025, sized to the 2025 students of every stage."""
    area = _area(plan)
    weights = WEIGHTS.get(plan.school_type)
    stages = _stages(plan)
    shorts = dict(plan.short)
    out = {}
    for resource in ("building_area", "sports_area", "equipment_value", "computers", "books"):
        if weights:
            # Per student-equivalent base, so that every part reaches at least its drawn value
            # when the engine splits the total by the same weights.
            base = max(_draw(rng, resource, s, area) / weights[s] for s in stages)
            total = base * sum(weights[s] * students[s] for s in stages)
        else:
            stage = stages[0]
            per = _draw(rng, resource, stage, area)
            if resource in shorts:
                per = shorts[resource] * STANDARD[resource][stage] * rng.uniform(0.99, 1.0)
            total = per * students[stage]
        if resource == "computers":
            total /= 100
        out[resource] = total
    out["computers"] = max(2, round(out["computers"]))
    out["books"] = round(out["books"])
    # Floor areas to whole square metres, equipment to hundreds of yuan, as the forms report them.
    out["building_area"] = Decimal(round(out["building_area"]))
    out["sports_area"] = Decimal(round(out["sports_area"]))
    out["equipment_value"] = Decimal(round(out["equipment_value"], -2))
    compulsory = students["小学"] + students["初中"]
    if "multimedia_rooms" in shorts:
        stage = stages[0]
        rooms = math.floor(
            shorts["multimedia_rooms"] * STANDARD["multimedia_rooms"][stage] * compulsory / 100
        )
    else:
        rooms = classes + round(classes * 0.3) + 1 + math.ceil(students["高中"] / 40)
    out["multimedia_rooms"] = max(1, rooms)
    out.update(plan_rooms(plan, max(1, math.ceil(classes / 12))))
    return out


def plan_rooms(plan: PlannedSchool, required: int) -> dict:
    """Music and art rooms with the area of each (see PlannedSchool.rooms).

    Areas come from a generator of their own, seeded by the school's name, so that adding them
    did not shift the draws of everything generated after (rosters, classes of later schools).
    """
    rng = random.Random(f"{SEED}:rooms:{plan.name}")

    def area(lo: float, hi: float) -> Decimal:
        return Decimal(round(rng.uniform(lo, hi) * 2)) / 2  # measured to half a square metre

    music = [area(MUSIC_ROOM_MIN_AREA, 126) for _ in range(required)]
    art = [area(ART_ROOM_MIN_AREA, 118) for _ in range(required)]
    if plan.rooms == "short_music":
        music[0] = area(72, 88)
    elif plan.rooms == "short_art":
        art[0] = area(66, 84)
    elif plan.rooms == "extra_small_art":
        art.append(area(60, 76))
    measured = plan.rooms != "unmeasured"
    return {
        "music_rooms": len(music),
        "art_rooms": len(art),
        "music_room_areas": areas_stored(music) if measured else [],
        "art_room_areas": areas_stored(art) if measured else [],
    }


def resources_for_year(base: dict, year: int) -> dict:
    """Earlier years had less equipment, fewer computers and books; buildings stood already."""
    back = DEMO_YEAR - year
    out = dict(base)
    out["equipment_value"] = Decimal(round(float(base["equipment_value"]) * 0.93**back, -2))
    out["computers"] = max(1, round(base["computers"] * 0.95**back))
    out["books"] = round(base["books"] * 0.96**back)
    out["multimedia_rooms"] = max(1, base["multimedia_rooms"] - back)
    return out


# --- teachers ---------------------------------------------------------------------------------


def teacher_counts(plan: PlannedSchool, students: dict[str, int], classes: dict[str, int]) -> dict[str, int]:
    """Full-time teachers per stage: the staffing ratio, or enough to teach every class."""
    if plan.school_type == TP:
        return {"小学": max(2, classes["小学"])}
    ratio = {URBAN: (18.5, 12.5), TOWN: (16.0, 11.0), RURAL: (13.0, 9.5)}[plan.urban_rural]
    out = {}
    if students["小学"]:
        out["小学"] = max(round(students["小学"] / ratio[0]), math.ceil(classes["小学"] * 1.6))
    if students["初中"]:
        out["初中"] = max(round(students["初中"] / ratio[1]), math.ceil(classes["初中"] * 3.0))
    if students["高中"]:
        out["高中"] = round(students["高中"] / 12.5)
    return out


def subjects_for(plan: PlannedSchool, stage: str, n: int) -> list[str]:
    if stage == "小学" and n < 9:
        subjects = [SMALL_SCHOOL_SUBJECTS[i % len(SMALL_SCHOOL_SUBJECTS)] for i in range(n)]
    else:
        shares = {"小学": PRIMARY_SUBJECTS, "初中": JUNIOR_SUBJECTS, "高中": SENIOR_SUBJECTS}[stage]
        subjects = _quota(n, shares)
    if plan.no_arts:
        # Rural schools without music/art teachers: those lessons are taught by others (or 走教).
        fill = ("语文", "数学", "综合实践")
        subjects = [fill[i % 3] if s in ARTS else s for i, s in enumerate(subjects)]
    return subjects


def _title(rng: random.Random, age: int, area: str) -> str:
    if age < 27:
        return _weighted(rng, (("未定级", 60), ("二级", 40)))
    if age < 36:
        return _weighted(rng, (("二级", 58), ("一级", 36), ("三级", 6)))
    if age < 46:
        return _weighted(rng, (("一级", 60), ("二级", 25), ("高级", 15)))
    pairs = [("高级", 40), ("一级", 50), ("二级", 8)]
    if area == URBAN:
        pairs.append(("正高级", 2))
    return _weighted(rng, pairs)


def _education(rng: random.Random, stage: str, age: int, area: str) -> str:
    urban = area == URBAN
    if stage == "高中":
        return _weighted(rng, (("研究生", 20), ("本科", 80)))
    if stage == "初中":
        return _weighted(
            rng,
            (
                ("研究生", 7 if urban else 2),
                ("本科", 83 if urban else 78),
                ("专科", 10 if urban else 18),
                ("中专", 0 if urban else 2),
            ),
        )
    young = age < 35
    return _weighted(
        rng,
        (
            ("研究生", 3 if urban else 1),
            ("本科", (62 if urban else 45) + (20 if young else 0)),
            ("专科", 30 if urban else 38),
            ("中专", 4 if urban else 12),
            ("高中及以下", 0 if young else (1 if urban else 4)),
        ),
    )


# County-level-or-higher backbone teachers per 100 students, as the bureau appointed them.
BACKBONE_PER100 = {URBAN: (1.15, 2.4), TOWN: (1.1, 1.6), RURAL: (1.05, 1.5)}
BACKBONE_LEVELS = (("县级", 65), ("市级", 25), ("省级", 8), ("国家级", 2))


def _appoint_backbone(
    rng: random.Random, plan: PlannedSchool, people: list[dict], stage: str, students: int
) -> None:
    """Mark enough experienced teachers of one stage as backbone teachers (骨干教师)."""
    lo, hi = (0.0, 0.4) if plan.low_backbone else BACKBONE_PER100[plan.urban_rural]
    wanted = math.ceil(rng.uniform(lo, hi) * students / 100)
    staff = [p for p in people if p["stage"] == stage and p["full_time"]]
    eligible = [p for p in staff if p["age"] >= 30 and p["title"] in ("一级", "高级", "正高级")]
    eligible += [p for p in staff if p not in eligible and p["age"] >= 28]
    levels = BACKBONE_LEVELS if plan.urban_rural == URBAN else BACKBONE_LEVELS[:3]
    for person in rng.sample(eligible, min(wanted, len(eligible))):
        person["backbone"] = _weighted(rng, levels)


def _name(rng: random.Random, female: bool) -> str:
    surname = _weighted(rng, SURNAMES)
    pool = (GIVEN_FEMALE if female else GIVEN_MALE) + GIVEN_ANY
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.72 else "")
    return surname + given


def _person(rng: random.Random, plan: PlannedSchool, stage: str, subject: str, full_time: bool) -> dict:
    area = plan.urban_rural
    female = rng.random() < {"小学": 0.72, "初中": 0.58, "高中": 0.5}[stage]
    age = round(rng.triangular(23, 59, 36 if area == URBAN else 47))
    birth = date(DEMO_YEAR - age, rng.randint(1, 12), rng.randint(1, 28))
    career_start = birth.year + 22
    title = _title(rng, age, area)
    return {
        "name": _name(rng, female),
        "id_number": make_id_number(rng, birth=birth, female=female),
        "stage": stage,
        "full_time": full_time,
        "education": _education(rng, stage, age, area),
        "title": title,
        "backbone": "无",
        "subject": subject,
        "joined_year": rng.randint(max(career_start, 1995), DEMO_YEAR),
        "age": age,
    }


def plan_roster(
    plan: PlannedSchool, counts: dict[str, int], students: dict[str, int], rng: random.Random
) -> list[dict]:
    """Everyone who taught at the school in 2023–2025, with the year they left (None: still there).

    Staff numbers are stable across years, so the same person keeps one 教师编号.
    """
    people = []
    for stage, n in counts.items():
        subjects = subjects_for(plan, stage, n)
        rng.shuffle(subjects)
        people.extend(_person(rng, plan, stage, s, True) for s in subjects)
        _appoint_backbone(rng, plan, people, stage, students[stage])
    # Non-teaching staff (教辅、行政) appear in the roster as 非专任.
    main_stage = max(counts, key=lambda s: counts[s])
    for _ in range(round(sum(counts.values()) * 0.05)):
        people.append(_person(rng, plan, main_stage, "其他", False))
    for person in people:
        person["left_year"] = None
    # About 4 % a year retired or moved away: they appear in the earlier rosters only.
    leavers = []
    for left in (2024, 2025):
        for stage, n in counts.items():
            for _ in range(round(n * 0.04)):
                pick = rng.choice([p for p in people if p["stage"] == stage and p["full_time"]])
                person = _person(rng, plan, stage, pick["subject"], True)
                person["joined_year"] = min(person["joined_year"], left - 3)
                person["left_year"] = left
                leavers.append(person)
    people.extend(leavers)
    for i, person in enumerate(people, start=1):
        person["staff_no"] = f"JS{i:04d}"
    return people


def roster_for_year(people: list[dict], year: int) -> list[dict]:
    return [
        p for p in people if p["joined_year"] <= year and (p["left_year"] is None or p["left_year"] > year)
    ]


# --- the county ---------------------------------------------------------------------------------


@dataclass
class DemoResult:
    county: County
    users: dict
    schools: int
    students: int
    teachers: int
    classes: int


def reset_demo_county(code: str = DEMO_COUNTY_CODE) -> None:
    """Delete the demo county, its users and every row that depends on them."""
    county = County.objects.filter(code=code).first()
    usernames = [u[1] for u in DEMO_USERS]
    _delete_with_dependents(User.objects.filter(username__in=usernames))
    if county is None:
        return
    _delete_with_dependents(User.objects.filter(county=county))
    for model in (Teacher, SchoolClass, SchoolConditions):
        _delete_with_dependents(model.objects.filter(school__county=county))
    _delete_with_dependents(School.objects.filter(county=county, parent__isnull=False))
    _delete_with_dependents(School.objects.filter(county=county))
    _delete_with_dependents(Township.objects.filter(county=county))
    _delete_with_dependents(County.objects.filter(pk=county.pk))


def _delete_with_dependents(qs, depth: int = 0) -> None:
    """Delete `qs`; rows of other apps that PROTECT (or RESTRICT) them are deleted first.

    The demo county owns everything that points at it, so clearing blockers is safe here and
    keeps the schools app free of any knowledge of the feature apps' models.
    """
    if depth > 10:
        raise RuntimeError("演示数据删除失败：外键依赖层级过深")
    for _ in range(20):
        try:
            with transaction.atomic():
                qs.delete()
            return
        except (ProtectedError, RestrictedError) as exc:
            blockers = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            by_model = defaultdict(list)
            for obj in blockers:
                by_model[type(obj)].append(obj.pk)
            for model, pks in by_model.items():
                _delete_with_dependents(model._base_manager.filter(pk__in=pks), depth + 1)
    raise RuntimeError("演示数据删除失败：仍有数据引用演示县")


def _make_regions() -> dict[str, Region]:
    regions = {}
    for code, name, level in DEMO_REGIONS:
        region, _ = Region.objects.update_or_create(code=code, defaults={"name": name, "level": level})
        region.full_clean()
        regions[code] = region
    return regions


def _make_users(county: County, schools_by_name: dict[str, School], townships: dict[str, Township]) -> dict:
    users = {}
    regions = _make_regions()
    for role, username, display, unit, area in DEMO_USERS:
        user = User(username=username, display_name=display, role=role, unit=unit)
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
        elif area in regions:
            user.region = regions[area]
        elif area == "county":
            user.county = county
        elif role == Role.TOWNSHIP:
            user.county, user.township = county, townships[area]
        else:
            school = schools_by_name[area]
            user.county, user.township, user.school = county, school.township, school
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
        users[role.value] = user
    return users


def seed_demo_county(
    *, rng: random.Random | None = None, today: date | None = None, notify_apps: bool = True
) -> DemoResult:
    """(Re)build the demo county in one transaction and tell the feature apps (demo_seeded)."""
    from django.utils import timezone

    rng = rng or random.Random(SEED)
    today = today or timezone.localdate()
    with transaction.atomic():
        reset_demo_county()
        county = County.objects.create(
            code=DEMO_COUNTY_CODE,
            name=DEMO_COUNTY_NAME,
            inspection_date=today + timedelta(days=INSPECTION_IN_DAYS),
        )
        townships = {
            name: Township.objects.create(county=county, name=name, position=n)
            for n, name in enumerate(TOWNSHIPS, start=1)
        }
        schools = _create_schools(county, townships)
        totals = _create_yearly_data(schools, rng)
        users = _make_users(county, {s.name: s for s in schools.values()}, townships)
        if notify_apps:
            demo_seeded.send(sender=School, county=county, users=users, year=DEMO_YEAR, rng=rng)
    return DemoResult(county=county, users=users, schools=len(schools), **totals)


def _create_schools(county: County, townships: dict[str, Township]) -> dict[PlannedSchool, School]:
    schools: dict[PlannedSchool, School] = {}
    by_name: dict[str, School] = {}
    # Central schools first, so a teaching point can point at its parent.
    for i, plan in sorted(enumerate(PLAN, start=1), key=lambda t: t[1].parent is not None):
        school = School(
            code=f"{DEMO_COUNTY_CODE}{i:04d}",
            name=plan.name,
            county=county,
            township=townships[plan.township],
            school_type=plan.school_type,
            urban_rural=plan.urban_rural,
            sponsor=plan.sponsor,
            parent=by_name.get(plan.parent) if plan.parent else None,
            boarding=plan.boarding,
        )
        school.save()
        schools[plan] = by_name[plan.name] = school
    return {plan: schools[plan] for plan in PLAN}


def school_year_rows(school, year, students, base, class_rows, people):
    """One school's rows of one school year, from its plan: the conditions, the classes and the
    roster (the demo county and the generated province write the same rows from the same plans)."""
    condition = SchoolConditions(
        school=school,
        year=year,
        primary_students=students["小学"],
        junior_students=students["初中"],
        senior_students=students["高中"],
        **resources_for_year(base, year),
    )
    classes = []
    for stage, rows in class_rows.items():
        seen = defaultdict(int)
        for grade, size in rows:
            seen[grade] += 1
            classes.append(
                SchoolClass(
                    school=school,
                    year=year,
                    stage=stage,
                    grade=grade,
                    students=size,
                    name=f"{GRADE_CN[grade - 1]}年级（{seen[grade]}）班",
                )
            )
    roster = [
        Teacher(school=school, year=year, **{k: v for k, v in p.items() if k not in ("left_year", "age")})
        for p in roster_for_year(people, year)
    ]
    return condition, classes, roster


def _create_yearly_data(schools: dict[PlannedSchool, School], rng: random.Random) -> dict:
    conditions, teachers, classes = [], [], []
    totals = {"students": 0, "teachers": 0, "classes": 0}
    for plan, school in schools.items():
        yearly = {year: students_for_year(plan, year, rng) for year in DEMO_YEARS}
        class_plans = {
            year: {stage: plan_classes(plan, stage, yearly[year][stage], rng) for stage in ("小学", "初中")}
            for year in DEMO_YEARS
        }
        now = class_plans[DEMO_YEAR]
        class_counts = {stage: len(now[stage]) for stage in ("小学", "初中")}
        base = plan_resources(plan, yearly[DEMO_YEAR], sum(class_counts.values()), rng)
        people = plan_roster(
            plan, teacher_counts(plan, yearly[DEMO_YEAR], class_counts), yearly[DEMO_YEAR], rng
        )
        for year in DEMO_YEARS:
            students = yearly[year]
            condition, year_classes, roster = school_year_rows(
                school, year, students, base, class_plans[year], people
            )
            conditions.append(condition)
            classes.extend(year_classes)
            teachers.extend(roster)
            if year == DEMO_YEAR:
                totals["students"] += students["小学"] + students["初中"]
                totals["teachers"] += len(roster)
                totals["classes"] += sum(class_counts.values())
    SchoolConditions.objects.bulk_create(conditions)
    SchoolClass.objects.bulk_create(classes, batch_size=500)
    Teacher.objects.bulk_create(teachers, batch_size=500)
    return totals
