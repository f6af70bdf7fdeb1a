"""Reads of the indicators app.

Functions taking ``user`` are scoped through accounts.access. Functions taking a ``county`` are
for other apps (dashboard, rectification, dossiers) that have already resolved the user's county
through the access layer.
"""

from __future__ import annotations

from collections import defaultdict

from accounts.access import get_scoped_or_404, scope

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
    return get_scoped_or_404(user, Assessment.objects.select_related("county", "requested_by"),
                             scope_kwargs=_COUNTY_ONLY, pk=pk)


def get_evidence_for_user(user, pk: int) -> CountyItemEvidence:
    return get_scoped_or_404(
        user, CountyItemEvidence.objects.select_related("item", "item__county"),
        scope_kwargs={"county": "item__county", "township": None, "school": None}, pk=pk,
    )


def county_item_values(county, year: int) -> dict[str, CountyItemValue]:
    """Entered county items of one year by key, evidence prefetched."""
    qs = CountyItemValue.objects.filter(county=county, year=year).select_related("entered_by").prefetch_related(
        "evidence"
    )
    return {v.key: v for v in qs}


def latest_assessment(county, year: int | None = None, scheme: str | None = None) -> Assessment | None:
    """The most recent finished assessment of ``county`` (optionally of one year / scheme)."""
    qs = Assessment.objects.filter(county=county, status="done")
    if year is not None:
        qs = qs.filter(year=year)
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    return qs.order_by("-finished_at", "-id").first()


def _schemes_with(key: str) -> list[str]:
    # quality-2017 first: it has per-school standards, the stricter reading of a shared key.
    order = ["quality-2017", "basic-2012"]
    return [s for s in order if any(i.key == key for i in RULESETS[s].indicators)]


def indicator_status(county, year: int, key: str, stage: str | None = None) -> dict:
    """Where one indicator stands now, and whether the latest assessment still fails it.

    Returns ``{key, label, unit, scheme, assessment_id, still_failing, stages, units}``:

    - ``scheme``: the latest finished assessment's scheme if it has ``key``, else the first scheme
      that does (quality-2017 before basic-2012); ``assessment_id`` that assessment (None if none).
    - ``still_failing``: True when that assessment fails the indicator (a failing CV, a failing
      composite under basic-2012, or a unit below its per-school standard), False when it passes,
      None when there is no finished assessment.
    - ``stages``: ``{stage: {cv_current, cv_assessed, threshold, cv_passed_assessed}}``, current
      values computed from today's data.
    - ``units``: current ``{school_code, school_name, stage, students, value, standard, meets}``
      (``standard``/``meets`` None without a per-school standard).

    ``stage`` ("primary"/"junior") limits everything to one stage. Raises ValueError for a key no
    scheme has.
    """
    schemes = _schemes_with(key)
    if not schemes:
        raise ValueError(f"未知的指标：{key}")
    latest = None
    for assessment in Assessment.objects.filter(county=county, year=year, status="done").order_by(
        "-finished_at", "-id"
    ):
        if assessment.scheme in schemes:
            latest = assessment
            break
    scheme = latest.scheme if latest else schemes[0]
    rs = get_ruleset(scheme)
    ind = rs.indicator(key)
    stages = [stage] if stage else list(STAGES)

    facts = load_facts(county, year)
    units = [u for u in build_units(facts.schools, facts.teachers, engine_settings()).units if u.stage in stages]
    unit_rows = []
    pairs = defaultdict(list)
    for u in units:
        value = indicator_value(u, ind)
        standard = ind.standard[u.stage] if ind.standard else None
        pairs[u.stage].append((u.students, value))
        unit_rows.append({
            "school_code": u.school_code, "school_name": u.school_name, "stage": u.stage, "students": u.students,
            "value": value, "standard": standard,
            "meets": None if standard is None or value is None else reaches(value, standard),
        })

    still_failing = None
    stages_out = {}
    result = latest.result if latest else None
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
            fails_cv = entry["cv_passed"] is False or (rs.cv_rule == "composite" and assessed["passed"] is False)
            still_failing = still_failing or fails_cv
    if result is not None:
        for row in result["units"]:
            if row["stage"] in stages and row["meets"] is not None and row["meets"].get(key) is False:
                still_failing = True
    return {
        "key": key, "label": ind.label, "unit": ind.unit, "scheme": scheme,
        "assessment_id": latest.pk if latest else None, "still_failing": still_failing,
        "stages": stages_out, "units": unit_rows,
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
    splits = ({row["school_code"]: SchoolSplit.from_dict(row) for row in inputs["splits"]}
              if "splits" in inputs else None)
    classes = [ClassFacts(*row) for row in inputs.get("classes", [])]
    size_units = [Unit(**{**u, "merged_codes": tuple(u["merged_codes"])}) for u in inputs.get("size_units", [])]
    items = [CountyItem(key=r["key"], label=r["label"], passed=r["passed"], detail=r["detail"])
             for r in result.get("county_items", [])]
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
