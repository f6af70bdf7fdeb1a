"""Demo workforce records for the demo county (receiver of balance_inspect.signals.demo_seeded).

Adds, for the three school years before and including `year`: approved posts per public school,
exchange records out of urban and town schools, five years of training hours and the teacher
certificate per teacher, and the year joined where the roster lacks it. The county is built to
look like one a month before the inspection: the county exchange rate passes, one urban school
exchanges too few; a few rural schools are approved fewer posts than the standard gives; a few
teachers are short of 360 hours; two teachers' certificates are missing.

Draws come from a Random seeded with the county code (not the shared `rng`), so the workforce
rows stay the same when another app changes how many numbers it draws.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count

from schools.models import SchoolClass, SchoolConditions, SchoolType, Sponsor, Teacher
from workforce.engine import TRAINING_YEARS, posts_required
from workforce.models import ApprovedPosts, ExchangeRecord, TrainingRecord
from workforce.selectors import rules_from_settings

YEARS_BACK = 3


def seed_workforce(sender, *, county, year, **kwargs):
    """Add the demo county's workforce records (see the module docstring); `rng` is not used."""

    def rng(part):  # one stream per part: filling a year joined never shifts the other parts' draws
        return random.Random(f"workforce-demo-{county.code}-{part}")

    rules = rules_from_settings()
    schools = list(county.schools.select_related("township").order_by("code"))
    years = range(year - YEARS_BACK + 1, year + 1)
    teachers_by_year = defaultdict(list)
    for t in Teacher.objects.filter(
        school__county=county, year__in=years, stage__in=("小学", "初中")
    ).order_by("school__code", "staff_no", "year"):
        teachers_by_year[t.year].append(t)

    _fill_joined_years(rng("joined"), teachers_by_year)
    _approved_posts(rng("posts"), schools, years, teachers_by_year, rules)
    _exchanges(rng("exchanges"), schools, years, teachers_by_year, rules)
    _training(rng("training"), teachers_by_year, year)


def _fill_joined_years(rng, teachers_by_year) -> None:
    missing = [t for ts in teachers_by_year.values() for t in ts if t.joined_year is None]
    for t in missing:
        t.joined_year = t.year - rng.randint(0, 20)
    Teacher.objects.bulk_update(missing, ["joined_year"], batch_size=1000)


def _approved_posts(rng, schools, years, teachers_by_year, rules) -> None:
    conditions = {
        (c.school_id, c.year): c for c in SchoolConditions.objects.filter(school__in=schools, year__in=years)
    }
    classes = {
        (row["school_id"], row["year"]): row["n"]
        for row in SchoolClass.objects.filter(school__in=schools, year__in=years)
        .values("school_id", "year")
        .annotate(n=Count("id"))
        .order_by()
    }
    in_post = defaultdict(int)
    for y, ts in teachers_by_year.items():
        for t in ts:
            in_post[(t.school_id, y)] += 1
    rows = []
    for school in schools:
        if school.sponsor != Sponsor.PUBLIC:
            continue
        short_of_posts = school.urban_rural == "乡村" and rng.random() < 0.15
        for y in years:
            c = conditions.get((school.pk, y))
            if c is None:
                continue
            required = posts_required(
                c.primary_students,
                c.junior_students,
                rural=school.urban_rural == "乡村",
                classes=classes.get((school.pk, y)),
                rules=rules,
            ).required
            if short_of_posts:
                posts = max(1, required - rng.randint(1, 3))
            else:
                posts = max(required, in_post[(school.pk, y)]) + rng.choice((0, 0, 0, 1, 2))
            rows.append(
                ApprovedPosts(
                    school=school,
                    year=y,
                    posts=posts,
                    note="县编办核定" if school.school_type != SchoolType.TEACHING_POINT else "含于中心校",
                )
            )
    ApprovedPosts.objects.bulk_create(rows)


def _exchanges(rng, schools, years, teachers_by_year, rules) -> None:
    # Every public school exchanges (the county rate counts all eligible teachers); urban and town
    # teachers mostly go to rural schools, rural teachers to town and urban ones.
    rural = [s for s in schools if s.urban_rural == "乡村" and s.school_type != SchoolType.TEACHING_POINT]
    other = [s for s in schools if s.urban_rural != "乡村" and s.sponsor == Sponsor.PUBLIC]
    senders = [
        s for s in schools if s.sponsor == Sponsor.PUBLIC and s.school_type != SchoolType.TEACHING_POINT
    ]
    if not rural or not other:
        return
    laggard = other[0].pk  # one urban school exchanges too few: the page shows a failing school
    rows = []
    for y in years:
        by_school = defaultdict(list)
        for t in teachers_by_year[y]:
            if t.joined_year is not None and y - t.joined_year >= rules.exchange_eligible_years:
                by_school[t.school_id].append(t)
        for school in senders:
            eligible = by_school.get(school.pk, [])
            if not eligible:
                continue
            n = 0 if school.pk == laggard else math.ceil(len(eligible) * rng.uniform(0.10, 0.15))
            picked = rng.sample(eligible, min(n, len(eligible)))
            backbones = [t for t in eligible if t.backbone != "无" and t not in picked]
            if picked and backbones and not any(t.backbone != "无" for t in picked):
                picked[-1] = rng.choice(backbones)  # at least one backbone teacher in each school's group
            for t in picked:
                rows.append(
                    ExchangeRecord(
                        year=y,
                        staff_no=t.staff_no,
                        teacher_name=t.name,
                        from_school=school,
                        to_school=rng.choice(rural if school.urban_rural != "乡村" else other),
                        start_date=date(y, 9, 1),
                        end_date=date(y + rng.choice((1, 2, 3)), 7, 31),
                        backbone=t.backbone != "无",
                    )
                )
    ExchangeRecord.objects.bulk_create(rows, ignore_conflicts=True)


def _training(rng, teachers_by_year, year) -> None:
    """Hours for every teacher of the demo years' rosters, for every year any of those years'
    five-year windows covers, so each year's page shows a realistic completion rate."""
    people = {}
    for y in sorted(teachers_by_year):
        for t in teachers_by_year[y]:
            people.setdefault((t.school_id, t.staff_no), t)
    first = min(teachers_by_year, default=year) - TRAINING_YEARS + 1
    missing_certificates = set(rng.sample(sorted(people), min(2, len(people))))
    rows = []
    for key, t in people.items():
        low = rng.random() < 0.03
        for y in range(first, year + 1):
            hours = rng.randint(40, 62) if low else rng.randint(66, 96)
            rows.append(
                TrainingRecord(
                    school_id=t.school_id,
                    year=y,
                    staff_no=t.staff_no,
                    hours=Decimal(hours),
                    has_certificate=None if key in missing_certificates else True,
                )
            )
    TrainingRecord.objects.bulk_create(rows, batch_size=2000)
