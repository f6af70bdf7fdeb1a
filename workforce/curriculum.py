"""Weekly periods per class per subject (pure data, no Django).

A planning table shaped after the 2022 compulsory-education curriculum plan (义务教育课程方案, 2022):
each class of a grade needs this many periods a week of each subject. It is what "load" means
on the coverage page (periods needed ÷ teachers) and how the recruitment plan sizes a gap.
Counties that timetable differently change the numbers here; the shape stays.

Psychological health (心理健康) is usually taught every week or every other week; one period
a week is the planning figure, which errs on the side of providing a teacher. Whole periods
only: the arithmetic stays in integers.
"""

from domain.vocabulary import JUNIOR, PRIMARY  # noqa: F401  (the stage names, re-exported here)

# subject -> periods for grades 1..6
_PRIMARY = {
    "语文": (8, 8, 7, 7, 6, 6),
    "数学": (4, 4, 5, 5, 5, 5),
    "英语": (0, 0, 2, 2, 3, 3),  # from grade 3
    "道德与法治": (2, 2, 2, 2, 2, 2),
    "科学": (1, 1, 2, 2, 2, 2),
    "体育": (4, 4, 3, 3, 3, 3),
    "音乐": (2, 2, 2, 2, 2, 2),
    "美术": (2, 2, 2, 2, 2, 2),
    "信息技术": (0, 0, 1, 1, 1, 1),  # from grade 3
    "心理健康": (1, 1, 1, 1, 1, 1),
    "劳动": (1, 1, 1, 1, 1, 1),
    "综合实践": (1, 1, 1, 1, 1, 1),
}
# subject -> periods for grades 7..9
_JUNIOR = {
    "语文": (5, 5, 5),
    "数学": (5, 5, 5),
    "英语": (4, 4, 4),
    "道德与法治": (2, 2, 2),
    "历史": (2, 2, 2),
    "地理": (2, 2, 0),
    "生物": (2, 2, 0),
    "物理": (0, 2, 3),
    "化学": (0, 0, 3),
    "体育": (3, 3, 3),
    "音乐": (1, 1, 1),
    "美术": (1, 1, 1),
    "信息技术": (1, 1, 0),
    "心理健康": (1, 1, 1),
    "劳动": (1, 1, 1),
    "综合实践": (1, 1, 1),
}

GRADES = {PRIMARY: range(1, 7), JUNIOR: range(7, 10)}

WEEKLY_PERIODS: dict[tuple[str, int], dict[str, int]] = {}
for _stage, _table in ((PRIMARY, _PRIMARY), (JUNIOR, _JUNIOR)):
    for _i, _grade in enumerate(GRADES[_stage]):
        WEEKLY_PERIODS[(_stage, _grade)] = {s: p[_i] for s, p in _table.items() if p[_i]}


def periods_per_week(stage: str, grade: int, subject: str) -> int:
    """Periods one class of `grade` needs of `subject` each week; 0 where the plan has none
    (also for a grade that does not belong to the stage)."""
    return WEEKLY_PERIODS.get((stage, grade), {}).get(subject, 0)


def subjects_taught(stage: str) -> tuple[str, ...]:
    """Every subject the table schedules in `stage`, in table order."""
    table = _PRIMARY if stage == PRIMARY else _JUNIOR
    return tuple(table)
