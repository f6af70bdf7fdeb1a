"""The review board of a city or province: one row per county, built in a constant number of
queries whatever the number of counties.

A row says where a county stands by its latest finished run of its own target scheme
(indicators.selectors.latest_target_assessments, the run current_assessment falls back to),
read through the functions the county's own pages use, so a figure reads the same on the board,
on the county's assessment page and in the workbook:

- 结论: indicators.verdict (verdict_key / verdict_text / verdict_css);
- 差异系数: indicators.tables.table3 (its ``cv_text``, domain.numbers.cv); per stage the board
  shows the figure the stage is judged by (quality-2017: every CV, so the largest; basic-2012:
  the composite), the page's detail view and the workbook every CV;
- 达标学校: dashboard.figures.unit_rule_counts over the units (the county overview's count);
- 一票否决: indicators.form_items.veto_rows (the application form's veto list), situations that exist;
- 缺项: indicators.verdict.missing_labels;
- 未销号整改: rectification.selectors.open_item_counts (ledger_summary's "open");
- 报送状态: reviews.selectors.submission_states;
- 距截止: days to the county's 国检日期 (County.inspection_date), dashboard.figures.days_until, the
  county overview's countdown.

No county's data fingerprint is computed (indicators.selectors.current_assessment costs about
0.8 s a county): the board says only what is cheap and certain — ``known_stale`` when the
county has school data of a later year than the run (current_assessment would call it stale
too). A change within the same year shows on the county's own pages (数据已变更，请重新评估).

What is derived from a finished run never changes, so it is cached per run (id and finish time)
like the dashboard's digests; the results of runs not in the cache are read in one query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.utils import timezone

from balance_inspect.xlsx import Flagged, Num
from dashboard.figures import days_until, unit_rule_counts
from domain import numbers
from indicators.county_items import BY_KEY, VETO_KEYS
from indicators.engine import RULESETS, STAGE_LABELS, STAGES, get_ruleset
from indicators.form_items import veto_rows
from indicators.selectors import assessment_result_parts, data_years, latest_target_assessments
from indicators.tables import table3
from indicators.verdict import missing_labels, verdict_css, verdict_key, verdict_text
from rectification.selectors import open_item_counts
from reviews.selectors import submission_states
from schools.models import school_year_label

NONE = "none"  # verdict of a county without a finished run of its target scheme
NONE_TEXT = "未评估"
NOT_SUBMITTED = ""  # state of a county without a submission
NOT_SUBMITTED_TEXT = "未报送"
_VERDICT_ORDER = {"failed": 0, "incomplete": 1, "passed": 2, NONE: 3}
VERDICT_CHOICES = (("failed", "未达标"), ("incomplete", "未完成"), ("passed", "达标"), (NONE, NONE_TEXT))

_CACHE_VERSION = "v1"
DIGEST_SECONDS = 7 * 24 * 3600  # a finished run never changes; this only bounds the cache's memory


# --- one finished run ----------------------------------------------------------------------------


def _stage_digest(block: dict) -> dict:
    """A stage of table3: the judged figure (each-rule: the largest CV; composite: the composite),
    how many CVs fail, and every CV as the assessment page prints it."""
    cvs = {r["key"]: {"cv": r["cv"], "text": r["cv_text"], "passed": r["cv_passed"]} for r in block["rows"]}
    if not block["units"]:
        return {
            "units": 0,
            "value": None,
            "text": numbers.UNDEFINED,
            "passed": None,
            "failing": 0,
            "cvs": cvs,
        }
    if block["rule"] == "composite":
        value, text = block["composite_cv"], block["composite_text"]
    else:
        known = [r for r in block["rows"] if r["cv"] is not None]
        top = max(known, key=lambda r: r["cv"]) if known else None
        value, text = (top["cv"], top["cv_text"]) if top else (None, numbers.UNDEFINED)
    return {
        "units": block["units"],
        "value": value,
        "text": text,
        "passed": block["passed"],
        "failing": sum(1 for r in block["rows"] if r["cv_passed"] is False),
        "cvs": cvs,
    }


# The parts of a result document the digest reads (verdict_key, missing_labels, table3, veto_rows,
# unit_rule_counts): the rest (checks, warnings, gap plans) is not loaded.
DIGEST_PARTS = ("scheme", "verdict", "passed", "missing", "county_items", "stages", "units")


def assessment_digest(result: dict) -> dict:
    """What the board shows of one result document (or of its DIGEST_PARTS; small, cacheable)."""
    scheme = result["scheme"]
    rs = get_ruleset(scheme)
    has_vetoes = any(scheme in BY_KEY[k].schemes for k in VETO_KEYS)
    units = unit_rule_counts(result.get("units") or [])
    return {
        "scheme": scheme,
        "scheme_label": rs.label,
        "verdict": verdict_key(result),
        "verdict_text": verdict_text(result),
        "verdict_css": verdict_css(result),
        "stages": {b["stage"]: _stage_digest(b) for b in table3(result)},
        "per_school_rule": rs.per_school_rule,
        "units_passed": units["passed"] if rs.per_school_rule else None,
        "units_total": units["total"] if rs.per_school_rule else None,
        "vetoes": sum(1 for v in veto_rows(result) if v["fails_application"]) if has_vetoes else None,
        "missing": missing_labels(result),
    }


def _key(ref: dict) -> str:
    finished = ref["finished_at"].timestamp() if ref.get("finished_at") else 0
    # The finish time is part of the key: ids are reused when a test database rolls back.
    return f"reviews:board:{_CACHE_VERSION}:{ref['id']}:{finished:.6f}"


def digests(refs: Iterable[dict]) -> dict[int, dict]:
    """{assessment id: assessment_digest} of finished runs, from the cache where present; the
    others' results are read in one query."""
    keys = {_key(r): r for r in refs}
    found = cache.get_many(list(keys)) if keys else {}
    out = {keys[k]["id"]: v for k, v in found.items()}
    missing = [r for k, r in keys.items() if k not in found]
    if missing:
        results = assessment_result_parts((r["id"] for r in missing), DIGEST_PARTS)
        built = {}
        for ref in missing:
            result = results.get(ref["id"])
            if result is not None:
                built[_key(ref)] = out[ref["id"]] = assessment_digest(result)
        cache.set_many(built, timeout=DIGEST_SECONDS)
    return out


def city_names(region) -> dict[str, str]:
    """{4-digit code prefix: name} of the cities of a province (None: of every province)."""
    from schools.models import Region

    cities = Region.objects.filter(level=Region.Level.CITY)
    if region is not None:
        cities = cities.filter(code__startswith=region.prefix)
    return {code[:4]: name for code, name in cities.values_list("code", "name")}


# --- the rows ------------------------------------------------------------------------------------


def board_rows(counties: Sequence, *, today: date, cities: dict[str, str] | None = None) -> list[dict]:
    """One row per county of ``counties`` (already narrowed to the reader's region by the view
    through the access layer), in their order. ``cities``: {4-digit code prefix: city name}
    for the 所属市 column. Queries: the latest runs, their results not yet cached, data years,
    open ledger items and submission states — one each, whatever the number of counties."""
    ids = [c.pk for c in counties]
    refs = latest_target_assessments(ids)
    built = digests(refs.values())
    years = data_years(ids)
    ledger = open_item_counts(ids)
    states = submission_states(ids)
    cities = cities or {}
    rows = []
    for county in counties:
        ref = refs.get(county.pk)
        digest = built.get(ref["id"]) if ref else None
        state = states.get(county.pk)
        days = days_until(county.inspection_date, today)
        row = {
            "county_id": county.pk,
            "code": county.code,
            "name": county.name,
            "city": cities.get(county.code[:4], ""),
            "assessment_id": None,
            "year": None,
            "year_label": "",
            "finished_at": None,
            "known_stale": False,
            "data_year": years.get(county.pk),
            "scheme": county.target_scheme,
            "scheme_label": RULESETS[county.target_scheme].label,
            "verdict": NONE,
            "verdict_text": NONE_TEXT,
            "verdict_css": "",
            "stages": {},
            "units_passed": None,
            "units_total": None,
            "vetoes": None,
            "missing": [],
            "ledger_open": ledger.get(county.pk, 0),
            "state": state[0] if state else NOT_SUBMITTED,
            "state_label": state[1] if state else NOT_SUBMITTED_TEXT,
            "version": state[2] if state else None,
            "submitted_at": state[3] if state else None,
            "deadline": county.inspection_date,
            "days_left": days,
        }
        if digest is not None:
            data_year = years.get(county.pk)
            row.update(
                {k: digest[k] for k in ("scheme", "scheme_label", "verdict", "verdict_text", "verdict_css")},
                assessment_id=ref["id"],
                year=ref["year"],
                year_label=school_year_label(ref["year"]),
                finished_at=ref["finished_at"],
                known_stale=data_year is not None and data_year > ref["year"],
                stages=digest["stages"],
                units_passed=digest["units_passed"],
                units_total=digest["units_total"],
                vetoes=digest["vetoes"],
                missing=digest["missing"],
            )
        rows.append(row)
    return rows


# --- columns: one list for the page and the workbook ---------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    title: str = ""
    num: bool = False


def _stage_title(stage: str) -> str:
    return (
        f"{STAGE_LABELS[stage]}差异系数：2017 优质均衡方案为各项中的最大值（每项均须达标），"
        "2012 基本均衡方案为综合差异系数"
    )


def indicator_columns(rows: Iterable[dict] | None = None) -> list[tuple[str, str]]:
    """(key, label) of every indicator of the schemes the rows are judged by (None: of every
    scheme), in rule-set order."""
    schemes = None if rows is None else {r["scheme"] for r in rows}
    out: dict[str, str] = {}
    for key, rs in RULESETS.items():
        if schemes is None or key in schemes:
            for ind in rs.indicators:
                out.setdefault(ind.key, ind.short_label)
    return list(out.items())


def columns(rows: Sequence[dict] | None, *, with_city: bool, every_cv: bool) -> list[Column]:
    """The board's columns after 区县 (the page's header and the workbook's, in this order);
    ``every_cv`` adds a column per indicator and stage after each stage's figure."""
    cols = []
    if with_city:
        cols.append(Column("city", "所属市"))
    cols.append(Column("verdict", "结论"))
    indicators = indicator_columns(rows) if every_cv else []
    for stage in STAGES:
        cols.append(Column(f"cv_{stage}", f"{STAGE_LABELS[stage]}差异系数", _stage_title(stage), num=True))
        for key, label in indicators:
            cols.append(
                Column(
                    f"cv_{stage}_{key}",
                    f"{STAGE_LABELS[stage]}{label}",
                    f"{STAGE_LABELS[stage]}{label}差异系数",
                    num=True,
                )
            )
    cols += [
        Column("units", "达标学校", "达到逐校标准的学校单元 / 参评学校单元（2017 优质均衡方案）", num=True),
        Column("vetoes", "一票否决", "一票否决情形中录入为“是”的项数", num=True),
        Column("missing", "缺项", "结论所缺的评估项目数", num=True),
        Column("ledger", "未销号整改", "整改台账中未销号的事项（不含长期坚持）", num=True),
        Column("state", "报送状态"),
        Column("assessed", "评估日期", "目标方案最近一次完成的评估"),
        Column("days", "距截止", "距本县国检日期的天数（与区县迎检看板的倒计时相同）", num=True),
    ]
    return cols


def _count(n) -> str:
    return numbers.UNDEFINED if n is None else str(n)


def cell(row: dict, key: str) -> tuple[str, str]:
    """(text, css) of one cell as the page prints it; the workbook writes the same text or number."""
    if key == "city":
        return row["city"] or numbers.UNDEFINED, ""
    if key == "verdict":
        # verdict_css names the badge classes (ok / bad / warn); a table cell is shaded ok / fail / warn.
        return row["verdict_text"], {"bad": "fail"}.get(row["verdict_css"], row["verdict_css"])
    if key.startswith("cv_"):
        stage, _, ind = key[3:].partition("_")
        s = row["stages"].get(stage)
        if ind:
            c = (s or {}).get("cvs", {}).get(ind)
            if c is None or not s["units"]:
                return numbers.UNDEFINED, ""
            return c["text"], "fail" if c["passed"] is False else ""
        if not s:
            return numbers.UNDEFINED, ""
        return s["text"], "fail" if s["passed"] is False else ""
    if key == "units":
        if row["units_total"] is None:
            return numbers.UNDEFINED, ""
        css = "fail" if row["units_passed"] < row["units_total"] else ""
        return f"{row['units_passed']} / {row['units_total']}", css
    if key == "vetoes":
        return _count(row["vetoes"]), "fail" if row["vetoes"] else ""
    if key == "missing":
        n = None if row["assessment_id"] is None else len(row["missing"])
        return _count(n), "warn" if n else ""
    if key == "ledger":
        return str(row["ledger_open"]), ""
    if key == "state":
        return row["state_label"], ""
    if key == "assessed":
        if row["finished_at"] is None:
            return numbers.UNDEFINED, ""
        text = f"{timezone.localdate(row['finished_at']):%Y-%m-%d}（{row['year_label']}）"
        return (text + "，已有新学年数据", "warn") if row["known_stale"] else (text, "")
    if key == "days":
        return _count(row["days_left"]), "fail" if row["days_left"] is not None and row[
            "days_left"
        ] < 0 else ""
    raise KeyError(key)


# --- sorting and filtering -------------------------------------------------------------------------


def sort_value(row: dict, key: str):
    """The value a column sorts by (None: no value, always last)."""
    if key == "county":
        return row["code"]
    if key == "city":
        return row["code"][:4] if row["city"] else None
    if key == "verdict":
        return _VERDICT_ORDER[row["verdict"]]
    if key.startswith("cv_"):
        stage, _, ind = key[3:].partition("_")
        s = row["stages"].get(stage)
        if not s or not s["units"]:
            return None
        return s["cvs"].get(ind, {}).get("cv") if ind else s["value"]
    if key == "units":
        return None if not row["units_total"] else row["units_passed"] / row["units_total"]
    if key == "missing":
        return None if row["assessment_id"] is None else len(row["missing"])
    if key == "assessed":
        return row["finished_at"]
    simple = {"vetoes": "vetoes", "ledger": "ledger_open", "state": "state_label", "days": "days_left"}
    return row[simple[key]]


def sort_rows(rows: Sequence[dict], key: str, descending: bool = False) -> list[dict]:
    """Rows sorted by a column; rows without a value go last in either direction, ties keep
    county code order."""
    base = sorted(rows, key=lambda r: r["code"])
    present = [r for r in base if sort_value(r, key) is not None]
    absent = [r for r in base if sort_value(r, key) is None]
    present.sort(key=lambda r: sort_value(r, key), reverse=descending)
    return present + absent


def filter_rows(
    rows: Iterable[dict], *, city: str = "", verdict: str = "", state=None, q: str = ""
) -> list[dict]:
    """Rows of one city (4-digit code prefix), verdict key, submission state code (None: any;
    "" is 未报送) and with ``q`` in the county name (empty filters keep every row)."""
    q = q.strip()
    return [
        r
        for r in rows
        if (not city or r["code"].startswith(city))
        and (not verdict or r["verdict"] == verdict)
        and (state is None or r["state"] == state)
        and (not q or q in r["name"])
    ]


def sort_keys() -> set[str]:
    """Every column the board can be sorted by (those of every scheme)."""
    return {"county"} | {c.key for c in columns(None, with_city=True, every_cv=True)}


# --- the workbook ------------------------------------------------------------------------------------


def sheet_rows(rows: Sequence[dict], cols: Sequence[Column]) -> tuple[list[str], list[list]]:
    """Header and rows of the workbook: the page's columns with the same text, CVs and counts as
    numbers (each CV rounded like the page prints it)."""
    header = ["区县", "区县代码", *(c.label for c in cols)]
    out = []
    for row in rows:
        line: list = [row["name"], row["code"]]
        for c in cols:
            text, css = cell(row, c.key)
            value: object = text
            if c.key.startswith("cv_") and text != numbers.UNDEFINED:
                stage, _, ind = c.key[3:].partition("_")
                s = row["stages"][stage]
                value = Num(s["cvs"][ind]["cv"] if ind else s["value"], numbers.CV)
            elif c.key in ("vetoes", "missing", "ledger", "days") and text != numbers.UNDEFINED:
                value = int(text)
            line.append(
                Flagged(value) if css == "fail" else Flagged(value, "warn") if css == "warn" else value
            )
        out.append(line)
    return header, out
