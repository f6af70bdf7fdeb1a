"""County-level items of the assessment (domain.md §2.1, §2.2): the catalogue, the verdict of an
entered value, and the contract for other apps that fill items automatically.

Pure module: no Django imports. The catalogue is data; :func:`judge` turns an entered value into
passed True/False; :func:`merge_items` combines entered values and provider items into the rows
an assessment stores (``result["county_items"]``) and hands to the engine as ``CountyItem``.

Items the school data gives (class size, school size, music/art rooms) are judged by the engine
itself and are not in this catalogue. Junior retention (初中三年巩固率) is in the catalogue with
``entry=False``: it comes from the data through a provider (dropout_control), never from the form.

Providers
---------
Other apps fill items through the signal ``balance_inspect.signals.county_items_requested``
(connected in their ``AppConfig.ready()`` from ``<app>/receivers.py``)::

    county_items_requested.connect(receivers.county_items, dispatch_uid="myapp.county_items")

A receiver is called as ``receiver(sender, county=county, year=year)`` (``county`` a
``schools.County``, ``year`` the school year's starting year) and returns a list of dicts, each:

- ``key`` (str, required): a catalogue key (see ``CATALOGUE``; workforce fills
  ``teacher_exchange``, ``backbone_exchange``, ``teacher_training``, ``teacher_certificates``;
  surveys fills ``social_recognition``; dropout_control fills ``junior_retention``). Keys that are
  not in the scheme being assessed are ignored for that scheme.
- ``label`` (str, required): what the item is, in Chinese (the catalogue label is shown; this one
  only names the provider's own wording in the detail when it differs).
- ``passed`` (True / False / None, required): None means "no data yet": not a failure, but the
  verdict stays incomplete (未完成) and lists the item under ``missing`` until data arrive.
- ``value`` (number, optional): the measured figure in the catalogue unit (88.25 for 88.25 %),
  stored in the row so that every page reads the figure from the same place.
- ``value_text`` (str, optional): the figure as the providing app prints it ("88.25%"); the
  row shows it, so the assessment prints what the app's own pages print.
- ``detail`` (str, optional): the figures behind the verdict, e.g. "交流 12 人 / 符合条件 98 人 = 12.2%".
- ``evidence`` (list of str, optional): short descriptions of where the proof is (page names, files).

A receiver that has nothing to say (e.g. no survey of that year) returns an empty list: the
entered value, if any, then counts. Provider items take precedence over entered values for the
same key: the form still stores what staff type, but the verdict uses the provider's. Two
providers giving the same key are combined: any False fails, else any None is "no data", else
passed. The signal is sent with ``send()``: a receiver that raises makes the assessment fail with
its message — a broken provider must be fixed, not silently skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from domain import numbers

BASIC = "basic-2012"
QUALITY = "quality-2017"

# Comparators of an entered value against the threshold.
GE, GT, LE, LT = "ge", "gt", "le", "lt"
YES, NO = "yes", "no"  # 是 must be entered / 否 must be entered (one-vote vetoes)
COMPARATORS = (GE, GT, LE, LT, YES, NO)
BOOLEAN_COMPARATORS = (YES, NO)

PART_LABELS: Mapping[str, str] = {
    "standards": "学校办学基本标准",
    "government": "政府保障程度",
    "quality": "教育质量",
    "recognition": "社会认可度",
    "veto": "一票否决",
}


@dataclass(frozen=True)
class ItemSpec:
    """One county-level item.

    ``threshold_text`` is the requirement as printed (e.g. "≥ 85%"); ``comparator`` and
    ``threshold`` judge a number (``yes``/``no`` items take 是 = 1 / 否 = 0). ``unit`` is the unit of
    the entered number ("%", "元", "分" or "" for 是/否). ``entry`` False: the item comes only from
    a provider (the form does not offer it). ``provider_hint`` names the app that fills it.
    """

    key: str
    label: str
    part: str
    threshold_text: str
    comparator: str
    threshold: Decimal | None
    unit: str
    schemes: tuple[str, ...]
    entry: bool = True
    provider_hint: str = ""

    @property
    def is_boolean(self) -> bool:
        return self.comparator in BOOLEAN_COMPARATORS


def _item(
    key, label, part, threshold_text, comparator, threshold, unit, schemes, entry=True, provider_hint=""
):
    return ItemSpec(
        key=key,
        label=label,
        part=part,
        threshold_text=threshold_text,
        comparator=comparator,
        threshold=None if threshold is None else Decimal(str(threshold)),
        unit=unit,
        schemes=tuple(schemes),
        entry=entry,
        provider_hint=provider_hint,
    )


_B, _Q, _BOTH = (BASIC,), (QUALITY,), (BASIC, QUALITY)

CATALOGUE: tuple[ItemSpec, ...] = (
    # basic-2012 (教督〔2012〕3号): besides the coefficients, three county-level parts.
    _item(
        "province_standards", "全县义务教育学校均达到省定办学基本标准", "standards", "是", YES, None, "", _B
    ),
    _item(
        "government_work_score",
        "县级人民政府推进义务教育均衡发展工作评估得分",
        "government",
        "≥ 85 分",
        GE,
        85,
        "分",
        _B,
    ),
    # Both schemes: the 2012 公众满意度 and the 2017 社会认可度 come from the same survey.
    _item(
        "social_recognition",
        "社会认可度（公众满意度）",
        "recognition",
        "≥ 85%",
        GE,
        85,
        "%",
        _BOTH,
        provider_hint="满意度调查",
    ),
    # quality-2017 government guarantee (政府保障程度), the items with numbers; class size, school
    # size and music/art rooms are judged from the school data by the engine.
    _item(
        "village_school_funding",
        "村小学和教学点按不足100名学生按100名学生核定公用经费",
        "government",
        "是",
        YES,
        None,
        "",
        _Q,
    ),
    _item(
        "special_education_funding", "特殊教育学校生均公用经费", "government", "≥ 6000 元", GE, 6000, "元", _Q
    ),
    _item(
        "teacher_pay",
        "教师平均工资收入水平不低于当地公务员平均工资收入水平",
        "government",
        "是",
        YES,
        None,
        "",
        _Q,
    ),
    _item(
        "teacher_training",
        "教师5年360学时培训完成率",
        "government",
        "≥ 100%",
        GE,
        100,
        "%",
        _Q,
        provider_hint="师资",
    ),
    _item(
        "teacher_exchange",
        "县域内义务教育学校教师交流轮岗比例（占符合条件教师）",
        "government",
        "≥ 10%",
        GE,
        10,
        "%",
        _Q,
        provider_hint="师资",
    ),
    _item(
        "backbone_exchange",
        "骨干教师占交流轮岗教师的比例",
        "government",
        "≥ 20%",
        GE,
        20,
        "%",
        _Q,
        provider_hint="师资",
    ),
    _item(
        "teacher_certificates",
        "专任教师持有教师资格证上岗率",
        "government",
        "≥ 100%",
        GE,
        100,
        "%",
        _Q,
        provider_hint="师资",
    ),
    _item("nearby_enrolment_primary", "小学就近划片入学比例", "government", "≥ 100%", GE, 100, "%", _Q),
    _item("nearby_enrolment_junior", "初中就近划片入学比例", "government", "≥ 95%", GE, 95, "%", _Q),
    _item("quota_allocation", "优质普通高中招生名额分配到初中的比例", "government", "≥ 50%", GE, 50, "%", _Q),
    _item(
        "migrant_children",
        "符合条件的随迁子女在公办学校和政府购买服务学校就读比例",
        "government",
        "≥ 85%",
        GE,
        85,
        "%",
        _Q,
    ),
    # quality-2017 education quality (教育质量), the items with numbers.
    _item(
        "junior_retention",
        "初中三年巩固率",
        "quality",
        "≥ 95%",
        GE,
        95,
        "%",
        _Q,
        entry=False,
        provider_hint="控辍保学",
    ),
    _item("disabled_enrolment", "残疾儿童少年入学率", "quality", "≥ 95%", GE, 95, "%", _Q),
    _item(
        "training_funds", "各校教师培训经费占公用经费比例（最低的学校）", "quality", "≥ 5%", GE, 5, "%", _Q
    ),
    _item(
        "monitoring_level",
        "国家义务教育质量监测相关科目学生学业水平达到Ⅲ级以上",
        "quality",
        "是",
        YES,
        None,
        "",
        _Q,
    ),
    _item("monitoring_difference", "国家义务教育质量监测校际差异率", "quality", "< 0.15", LT, 0.15, "", _Q),
    # quality-2017 one-vote vetoes: 否 must be entered. The first three are [firm], the rest [practice].
    _item("veto_exam_admission", "存在以考试方式招生", "veto", "否", NO, None, "", _Q),
    _item("veto_school_choice", "存在违规择校行为", "veto", "否", NO, None, "", _Q),
    _item("veto_key_schools", "存在重点学校或重点班", "veto", "否", NO, None, "", _Q),
    _item("veto_unfilled_posts", "存在有编不补、长期借用教师", "veto", "否", NO, None, "", _Q),
    _item("veto_safety_accident", "发生重大安全责任事故", "veto", "否", NO, None, "", _Q),
    _item("veto_falsified_data", "存在弄虚作假行为", "veto", "否", NO, None, "", _Q),
)
BY_KEY: Mapping[str, ItemSpec] = {spec.key: spec for spec in CATALOGUE}
assert len(BY_KEY) == len(CATALOGUE), "duplicate county item key"


def items_for(scheme: str) -> list[ItemSpec]:
    """The catalogue items of one scheme, in catalogue order."""
    return [spec for spec in CATALOGUE if scheme in spec.schemes]


def judge(spec: ItemSpec, value: Decimal | int | float | None) -> bool | None:
    """Whether an entered ``value`` meets the item: None when nothing was entered.

    Boolean items take 1 (是) or 0 (否). A value exactly at a ``≥``/``≤`` line passes.
    """
    if value is None:
        return None
    v = value if isinstance(value, Decimal) else Decimal(str(value))
    if spec.comparator == YES:
        return v == 1
    if spec.comparator == NO:
        return v == 0
    t = spec.threshold
    return {GE: v >= t, GT: v > t, LE: v <= t, LT: v < t}[spec.comparator]


def value_text(spec: ItemSpec, value: Decimal | int | float | None) -> str:
    """Display text of an entered value: 是/否 for boolean items, the number and its unit else."""
    if value is None:
        return "未录入"
    if spec.is_boolean:
        return numbers.yes_no(value)
    # 表Ⅳ/表Ⅴ: ratios 1 place, other numbers integers; more places only where fewer would print
    # the line itself beside a failing verdict (84.96 entered against ≥ 85% reads 84.96%).
    digits = numbers.RATE if spec.unit == "%" else 0
    text = numbers.against(
        value,
        spec.threshold,
        digits,
        at_least=spec.comparator in (GE, GT),
        strict=spec.comparator in (GT, LT),
        passed=judge(spec, value),
    )
    return f"{text}{spec.unit}" if spec.unit in ("%",) else f"{text} {spec.unit}".rstrip()


def parse_value(spec: ItemSpec, raw: str) -> Decimal:
    """A typed value (是/否 for boolean items) as the stored Decimal; ValueError in Chinese."""
    text = (raw or "").strip()
    if spec.is_boolean:
        if text in ("是", "1"):
            return Decimal(1)
        if text in ("否", "0"):
            return Decimal(0)
        raise ValueError(f"{spec.label}：请填写“是”或“否”")
    try:
        number = Decimal(text.rstrip("%"))
    except InvalidOperation:
        raise ValueError(f"{spec.label}：“{text}”不是数字") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{spec.label}：请填写不小于 0 的数字")
    return number


@dataclass(frozen=True)
class Entered:
    """What bureau staff entered for one item: the value (None = cleared) and a note."""

    value: Decimal | None
    note: str = ""
    evidence: tuple[str, ...] = ()


def _check_provided(item: Mapping, provider_name: str) -> None:
    if not isinstance(item, Mapping):
        raise ValueError(f"自动项目提供方 {provider_name} 返回了非字典的项目：{item!r}")
    missing = [k for k in ("key", "label", "passed") if k not in item]
    if missing:
        raise ValueError(f"自动项目提供方 {provider_name} 的项目缺少字段：{'、'.join(missing)}")
    if item["passed"] not in (True, False, None):
        raise ValueError(
            f"自动项目提供方 {provider_name} 的项目 {item['key']} 的 passed 须为 True/False/None"
        )
    value = item.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float | Decimal)):
        raise ValueError(f"自动项目提供方 {provider_name} 的项目 {item['key']} 的 value 须为数字")


def collect_provided(responses: Iterable[tuple[str, Iterable[Mapping] | None]]) -> list[dict]:
    """The items of every provider, validated (ValueError in Chinese on a bad one).

    ``responses``: (provider name, its items) pairs, e.g. from ``county_items_requested.send()``
    with each receiver replaced by its name.
    """
    out: list[dict] = []
    for name, items in responses:
        for item in items or ():
            _check_provided(item, name)
            value = item.get("value")
            out.append(
                {
                    "key": str(item["key"]),
                    "label": str(item["label"]),
                    "passed": item["passed"],
                    "value": None if value is None else float(value),
                    "value_text": str(item.get("value_text") or ""),
                    "detail": str(item.get("detail") or ""),
                    "evidence": [str(e) for e in item.get("evidence") or ()],
                    "provider": name,
                }
            )
    return out


def _combine(items: Sequence[dict]) -> tuple[bool | None, float | None, str, str, list[str]]:
    verdicts = [i["passed"] for i in items]
    passed = False if False in verdicts else None if None in verdicts else True
    # A figure is the item's only when one provider measured it; two figures would be two items.
    values = [i for i in items if i.get("value") is not None]
    value, value_text = (
        (values[0]["value"], values[0].get("value_text") or "") if len(values) == 1 else (None, "")
    )
    detail = "；".join(i["detail"] for i in items if i["detail"])
    evidence = [e for i in items for e in i["evidence"]]
    return passed, value, value_text, detail, evidence


def merge_items(scheme: str, entered: Mapping[str, Entered], provided: Sequence[dict]) -> list[dict]:
    """The county items of ``scheme`` as stored rows, in catalogue order.

    Row: ``key, label, part, part_label, threshold_text, source`` ("provider" / "entered" / "none"),
    ``value`` (float or None: the entered value, or the figure a provider measured), ``value_text``, ``passed`` (True/False/None),
    ``detail`` (what the engine prints after "未达标："), ``note``, ``evidence`` (list of str).
    """
    by_key: dict[str, list[dict]] = {}
    for item in provided:
        by_key.setdefault(item["key"], []).append(item)
    rows = []
    for spec in items_for(scheme):
        row = {
            "key": spec.key,
            "label": spec.label,
            "part": spec.part,
            "part_label": PART_LABELS[spec.part],
            "threshold_text": spec.threshold_text,
        }
        if spec.key in by_key:
            passed, value, shown, detail, evidence = _combine(by_key[spec.key])
            if value is not None and not shown:
                shown = value_text(spec, value)
            row.update(
                source="provider",
                value=value,
                value_text=shown or detail or "自动提供",
                passed=passed,
                detail=detail or f"要求 {spec.threshold_text}",
                note="",
                evidence=evidence,
            )
        elif spec.key in entered and entered[spec.key].value is not None and spec.entry:
            e = entered[spec.key]
            shown = value_text(spec, e.value)
            row.update(
                source="entered",
                value=float(e.value),
                value_text=shown,
                passed=judge(spec, e.value),
                detail=f"录入值 {shown}，要求 {spec.threshold_text}",
                note=e.note,
                evidence=list(e.evidence),
            )
        else:
            row.update(
                source="none", value=None, value_text="未录入", passed=None, detail="", note="", evidence=[]
            )
        rows.append(row)
    return rows
