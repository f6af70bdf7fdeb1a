"""Reads of the indicators app.

Functions taking ``user`` are scoped through accounts.access. Functions taking a ``county`` are
for other apps (dashboard, rectification, dossiers) that have already resolved the user's county
through the access layer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Max, Window
from django.db.models.functions import RowNumber

from accounts.access import get_scoped_or_404, scope
from balance_inspect.jobs import JobStatus
from domain.schemes import TARGET_NAMES
from schools.models import SchoolConditions

from .engine import RULESETS, STAGES, build_units, get_ruleset, indicator_value, weighted_stats
from .engine.rules import reaches
from .facts import engine_settings, load_facts  # load_facts: the loader dossiers use, re-exported here
from .models import Assessment, CountyItemEvidence, CountyItemValue

_COUNTY_ONLY = {"county": "county", "township": None, "school": None}


def assessments_visible_to(user):
    """Assessments of the user's county (bureau, inspectors, admins); none for other roles."""
    return scope(user, Assessment.objects.select_related("county", "requested_by"), **_COUNTY_ONLY)


def assessment_list_for(user, county):
    return assessments_visible_to(user).filter(county=county).defer("result", "inputs")


def get_assessment_for_user(user, pk: int) -> Assessment:
    """An assessment the user may see, else 404."""
    return get_scoped_or_404(
        user, Assessment.objects.select_related("county", "requested_by"), scope_kwargs=_COUNTY_ONLY, pk=pk
    )


def get_evidence_for_user(user, pk: int) -> CountyItemEvidence:
    return get_scoped_or_404(
        user,
        CountyItemEvidence.objects.select_related("item", "item__county"),
        scope_kwargs={"county": "item__county", "township": None, "school": None},
        pk=pk,
    )


def county_item_values(county, year: int) -> dict[str, CountyItemValue]:
    """Entered county items of one year by key, evidence prefetched."""
    qs = (
        CountyItemValue.objects.filter(county=county, year=year)
        .select_related("entered_by")
        .prefetch_related("evidence")
    )
    return {v.key: v for v in qs}


# One ordering for "the latest" of several finished runs: the newest school year, then the most
# recently finished (ids break ties between runs finished in the same instant).
LATEST_ORDER = ("-year", "-finished_at", "-id")


def done_assessments(county, *, scheme: str | None = None, year: int | None = None):
    """Finished runs of ``county`` (optionally of one scheme / year), latest first (LATEST_ORDER).
    ``inputs`` (every unit and class, the what-if's input) is loaded only when read."""
    qs = Assessment.objects.filter(county=county, status=JobStatus.DONE, result__isnull=False).defer("inputs")
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by(*LATEST_ORDER)


def assessment_refs(user, county) -> list[dict]:
    """The county's finished runs the user may see, as plain rows ``{id, scheme, year,
    finished_at, passed}``, latest first (LATEST_ORDER; result documents not loaded)."""
    return list(
        assessments_visible_to(user)
        .filter(county=county, status=JobStatus.DONE, result__isnull=False)
        .order_by(*LATEST_ORDER)
        .values("id", "scheme", "year", "finished_at", "passed")
    )


def latest_done_assessment(
    county, *, scheme: str | None = None, year: int | None = None
) -> Assessment | None:
    """The latest finished run (LATEST_ORDER). For what the county stands at, use
    :func:`current_assessment`; this one serves comparisons and history."""
    return done_assessments(county, scheme=scheme, year=year).first()


def latest_target_assessments(county_ids) -> dict[int, dict]:
    """For each county of ``county_ids``: its latest finished run of its own target scheme
    (``county.target_scheme``), in one query, as a plain row ``{id, county_id, scheme, year,
    finished_at, passed}`` (result documents not loaded); counties without one are absent.

    "Latest" is :func:`latest_done_assessment`'s (LATEST_ORDER): what :func:`current_assessment`
    falls back to, without computing any county's data fingerprint, so it does not say whether
    the run is of the current data (see :func:`data_years` for the cheap part of that answer).
    """
    rank = Window(
        RowNumber(),
        partition_by=[F("county_id")],
        order_by=[F(field[1:]).desc() if field.startswith("-") else F(field).asc() for field in LATEST_ORDER],
    )
    rows = (
        Assessment.objects.filter(
            county_id__in=list(county_ids),
            status=JobStatus.DONE,
            result__isnull=False,
            scheme=F("county__target_scheme"),
        )
        .annotate(rank=rank)
        .filter(rank=1)
        .values("id", "county_id", "scheme", "year", "finished_at", "passed")
    )
    return {row["county_id"]: row for row in rows}


def assessment_result_parts(ids, keys) -> dict[int, dict]:
    """{assessment id: {key: the result document's value of key, None when absent}} of the given
    runs, in one query. Only these top-level parts are read (in the database): a county's full
    document also holds every check, warning and gap plan, several times what a summary needs."""
    fields = {key: f"result__{key}" for key in keys}
    rows = Assessment.objects.filter(pk__in=list(ids)).values("pk", *fields.values())
    return {row["pk"]: {key: row[field] for key, field in fields.items()} for row in rows}


def assessment_for_input(
    county, year: int, scheme: str, *, fingerprint: str | None = None
) -> Assessment | None:
    """The stored finished run of ``scheme`` on the current data of ``county``/``year`` (same
    input fingerprint: school data, settings, county items), else None. ``fingerprint`` skips
    computing it again when the caller has it."""
    from .services import input_fingerprint_for

    if fingerprint is None:
        fingerprint = input_fingerprint_for(county, year, scheme)
    return done_assessments(county, scheme=scheme, year=year).filter(fingerprint=fingerprint).first()


def data_year(county) -> int | None:
    """The school year the county's data are at: the latest year with school conditions."""
    return SchoolConditions.objects.filter(school__county=county).aggregate(y=Max("year"))["y"]


def data_years(county_ids) -> dict[int, int]:
    """:func:`data_year` of many counties in one query: {county id: latest year with school
    conditions}; counties without school data are absent."""
    rows = (
        SchoolConditions.objects.filter(school__county_id__in=list(county_ids))
        .values("school__county_id")
        .annotate(y=Max("year"))
        .values_list("school__county_id", "y")
    )
    return dict(rows)


STALE_TEXT = "数据已变更，请重新评估"


@dataclass(frozen=True)
class Current:
    """What :func:`current_assessment` answers.

    ``assessment``: the run the county stands at (None: no finished run of the target scheme).
    ``stale``: True when that run is not of the current data (data, settings or county items
    changed after it, or it is of an earlier year): pages still show it, marked STALE_TEXT.
    """

    assessment: Assessment | None
    scheme: str
    year: int | None
    stale: bool

    @property
    def result(self) -> dict | None:
        return self.assessment.result if self.assessment else None

    @property
    def scheme_label(self) -> str:
        return RULESETS[self.scheme].label

    @property
    def target_name(self) -> str:
        return TARGET_NAMES[self.scheme]


def current_assessment(county, year: int | None = None) -> Current:
    """The county's current assessment: the stored finished run of its target scheme
    (``county.target_scheme``) on the current data of ``year`` (default: :func:`data_year`; a
    county without school data: the year of its last run).

    When the data changed after the last run (no run has the current input fingerprint), the
    latest finished run of the target scheme of that year or an earlier one is returned with
    ``stale=True``: people keep seeing where they stood, with 数据已变更，请重新评估, rather than
    an empty page; nothing is computed or stored here (a GET never runs an assessment).
    Runs of the other scheme are comparisons (对比评估) and never become current. Re-running
    on unchanged data reuses the stored row, so the current run stays the same.

    Costs what the fingerprint costs (indicators.facts.load_facts: four queries, plus the county
    items and their providers) plus two small queries; the dashboards call it inside their
    county cache.
    """
    scheme = county.target_scheme
    if year is None:
        year = data_year(county)
    if year is None:
        # No school data at all: the year of the last run, which is current if it ran on nothing.
        last = done_assessments(county, scheme=scheme).values_list("year", flat=True).first()
        year = last
    if year is not None:
        found = assessment_for_input(county, year, scheme)
        if found is not None:
            return Current(found, scheme, year, stale=False)
    fallback = done_assessments(county, scheme=scheme)
    if year is not None:
        fallback = fallback.filter(year__lte=year)
    last = fallback.first()
    return Current(last, scheme, year, stale=last is not None)


def assessment_role(assessment: Assessment, current: Current) -> str:
    """ "current" (the county's current run), "comparison" (a run of the other scheme, 对比评估)
    or "history" (an earlier run of the target scheme)."""
    if current.assessment is not None and assessment.pk == current.assessment.pk:
        return "current"
    return "history" if assessment.scheme == current.scheme else "comparison"


def indicator_status(county, year: int | None, key: str, stage: str | None = None) -> dict:
    """Where one indicator stands now, and whether the county's current assessment (of ``year``;
    None: the data year) fails it.

    Returns ``{key, label, unit, scheme, year, assessment_id, stale, still_failing, stages, units}``:

    - ``scheme``/``year``: those of the current assessment (:func:`current_assessment`; the target
      scheme and the data year without one); ``assessment_id`` None without a finished run, and
      also when the target scheme has no such indicator (e.g. 计算机 under quality-2017: values
      are then those of the scheme that has it, and ``still_failing`` is None).
    - ``stale``: the current run is not of the current data (数据已变更，请重新评估).
    - ``still_failing``: True when that run fails the indicator (a failing CV, a failing composite
      under basic-2012, or a unit below its per-school standard), False when it passes, None
      without a run or when the scheme has no such indicator.
    - ``stages``: ``{stage: {cv_current, cv_assessed, threshold, cv_passed_assessed}}``, current
      values computed from today's data.
    - ``units``: current ``{school_code, school_name, stage, students, value, standard, meets}``
      (``standard``/``meets`` None without a per-school standard).

    ``stage`` ("primary"/"junior") limits everything to one stage. Raises ValueError for a key no
    scheme has.
    """
    having = [rs for rs in RULESETS.values() if any(i.key == key for i in rs.indicators)]
    if not having:
        raise ValueError(f"未知的指标：{key}")
    current = current_assessment(county, year)
    scheme = current.scheme
    target = get_ruleset(scheme)
    judged = target in having
    # An indicator the target scheme does not have (计算机 under quality-2017) still shows its
    # values, from the scheme that has it, but no run of the target scheme can judge it.
    rs = target if judged else having[0]
    ind = rs.indicator(key)
    stages = [stage] if stage else list(STAGES)
    year = current.year

    unit_rows = []
    pairs = defaultdict(list)
    if year is not None:
        facts = load_facts(county, year)
        units = [
            u
            for u in build_units(facts.schools, facts.teachers, engine_settings()).units
            if u.stage in stages
        ]
    else:
        units = []
    for u in units:
        value = indicator_value(u, ind)
        standard = ind.standard[u.stage] if ind.standard else None
        pairs[u.stage].append((u.students, value))
        unit_rows.append(
            {
                "school_code": u.school_code,
                "school_name": u.school_name,
                "stage": u.stage,
                "students": u.students,
                "value": value,
                "standard": standard,
                "meets": None if standard is None or value is None else reaches(value, standard),
            }
        )

    still_failing = None
    stages_out = {}
    result = current.result if judged else None
    if result is not None:
        still_failing = False
    for s in stages:
        assessed = result["stages"][s] if result else None
        entry = assessed["indicators"][key] if assessed else None
        stages_out[s] = {
            "cv_current": weighted_stats(pairs[s]).cv if pairs[s] else None,
            "cv_assessed": entry["cv"] if entry else None,
            "threshold": rs.cv_thresholds[s],
            "cv_passed_assessed": entry["cv_passed"] if entry else None,
        }
        if assessed and assessed["units"]:
            fails_cv = entry["cv_passed"] is False or (
                rs.cv_rule == "composite" and assessed["passed"] is False
            )
            still_failing = still_failing or fails_cv
    if result is not None:
        for row in result["units"]:
            if row["stage"] in stages and row["meets"] is not None and row["meets"].get(key) is False:
                still_failing = True
    return {
        "key": key,
        "label": ind.label,
        "unit": ind.unit,
        "scheme": scheme,
        "year": year,
        "assessment_id": current.assessment.pk if current.assessment and judged else None,
        "stale": current.stale,
        "still_failing": still_failing,
        "stages": stages_out,
        "units": unit_rows,
    }


def what_if_for(assessment: Assessment, changes) -> dict:
    """The assessment recomputed with ``changes`` ((school_code, stage, field, delta) tuples)
    applied to its stored units; nothing is written. ValueError (Chinese) for an invalid change.
    A change to the shared physical resources of a multi-stage school (stage "school", or any of
    its stages) is applied to the whole school and re-split among its parts.

    Uses the assessment's own stored inputs, settings, county items and room checks, so with no
    changes it reproduces the stored result exactly.
    """
    from .engine import ClassFacts, CountyItem, EngineSettings, SchoolSplit, Unit, UnitChange, what_if

    result = assessment.result
    inputs = assessment.inputs or {}
    units = [Unit(**{**u, "merged_codes": tuple(u["merged_codes"])}) for u in inputs.get("units", [])]
    # Assessments stored before splits were kept have none: their parts are changed one by one.
    splits = (
        {row["school_code"]: SchoolSplit.from_dict(row) for row in inputs["splits"]}
        if "splits" in inputs
        else None
    )
    classes = [ClassFacts(*row) for row in inputs.get("classes", [])]
    size_units = [
        Unit(**{**u, "merged_codes": tuple(u["merged_codes"])}) for u in inputs.get("size_units", [])
    ]
    items = [
        CountyItem(key=r["key"], label=r["label"], passed=r["passed"], detail=r["detail"])
        for r in result.get("county_items", [])
    ]
    return what_if(
        units,
        [UnitChange(*change) for change in changes],
        result["scheme"],
        classes=classes,
        settings=EngineSettings.from_dict(result["settings"]),
        county_items=items,
        rooms=result["checks"]["rooms"],
        splits=splits,
        size_units=size_units,
    )
