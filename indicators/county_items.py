"""County-level items of the assessment (domain.md §2.1, §2.2; application-forms.md 表Ⅳ, 表Ⅴ,
一票否决): the catalogue, the structured inputs of each item, its verdict, and the contract for
other apps that fill items automatically.

Pure module: no Django imports. The catalogue is data. Each item declares the input fields its
fill-in sentence needs (``fields``: name, Chinese label, unit, printed places) and how it is
judged (:func:`evaluate`: a figure computed from the fields against the item's line, a 是/否
conclusion, or several conditions at once, e.g. 表Ⅳ-13 小学 100% *and* 初中 95%).
:func:`merge_items` combines entered inputs and provider items into the rows an assessment stores
(``result["county_items"]``) and hands to the engine as ``CountyItem``; :func:`fill_sentence`
prints an item's sentence from a row (the entry page and indicators.form_items both use it).

Items the school data gives (class size, school size, music/art rooms: 表Ⅳ-3/4/5) are judged by
the engine itself and are not in this catalogue (``DATA_CHECKS`` only names them for the form).
Items with ``entry=False`` come from the data through a provider (training, exchange,
certificates: workforce; 初中三年巩固率: dropout_control), never from the form.

Providers
---------
Other apps fill items through the signal ``balance_inspect.signals.county_items_requested``
(connected in their ``AppConfig.ready()`` from ``<app>/receivers.py``)::

    county_items_requested.connect(receivers.county_items, dispatch_uid="myapp.county_items")

A receiver is called as ``receiver(sender, county=county, year=year)`` (``county`` a
``schools.County``, ``year`` the school year's starting year) and returns a list of dicts, each:

- ``key`` (str, required): a catalogue key (workforce fills ``teacher_exchange``,
  ``teacher_training``, ``teacher_certificates``; surveys fills ``social_recognition``;
  dropout_control fills ``junior_retention``). Keys that are not in the scheme being assessed
  are ignored for that scheme.
- ``label`` (str, required): what the item is, in Chinese (the catalogue label is shown; this one
  only names the provider's own wording in the detail when it differs).
- ``passed`` (True / False / None, required): None means "no data yet": not a failure, but the
  verdict stays incomplete (未完成) and lists the item under ``missing`` until data arrive.
- ``value`` (number, optional): the measured figure in the catalogue unit (88.25 for 88.25 %),
  stored in the row so that every page reads the figure from the same place.
- ``value_text`` (str, optional): the figure as the providing app prints it ("88.25%"); the
  row shows it, so the assessment prints what the app's own pages print.
- ``inputs`` (dict, optional): the numbers of the item's fill-in sentence under the item's field
  names (e.g. teacher_exchange: ``{"eligible": 98, "exchanged": 12, "backbone": 3}``); the
  sentence's rates are computed from them (:func:`evaluate`), the verdict stays the provider's.
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

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from domain import numbers

BASIC = "basic-2012"
QUALITY = "quality-2017"

# Comparators of an entered value against the threshold.
GE, GT, LE, LT = "ge", "gt", "le", "lt"
YES, NO = "yes", "no"  # 是 must be entered / 否 must be entered (one-vote vetoes)
ALL = "all"  # several conditions at once (the item's rule says which)
COMPARATORS = (GE, GT, LE, LT, YES, NO, ALL)
BOOLEAN_COMPARATORS = (YES, NO)

PART_LABELS: Mapping[str, str] = {
    "standards": "学校办学基本标准",
    "government": "政府保障程度",
    "quality": "教育质量",
    "recognition": "社会认可度",
    "veto": "一票否决",
}

# Field kinds: a number, 是/否 (stored 1/0), a monitoring level Ⅰ–Ⅳ (stored 1–4).
NUMBER, YESNO, LEVEL = "number", "yesno", "level"
LEVEL_TEXT: Mapping[int, str] = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ"}

# Who fills an item (表Ⅳ/表Ⅴ "who" column, the blanks checklist).
WHO_ENTRY = "教育局录入"
WHO_WORKFORCE = "自动：师资数据"
WHO_SCHOOL_DATA = "自动：学校数据（评估）"
WHO_DROPOUT = "自动：控辍保学"
WHO_SURVEYS = "自动：满意度调查"

BLANK = "＿"


@dataclass(frozen=True)
class Field:
    """One input of an item (or a figure computed from the inputs, in ``ItemSpec.derived``).

    ``digits``: places printed in the sentence (表Ⅳ/表Ⅴ: ratios 1, other numbers integers;
    万元 and 差异率 2). ``integer``: the entry must be a whole number (people, schools).
    ``maximum``: the largest value allowed (100 for a percentage). Ratios are in percent.
    """

    name: str
    label: str
    unit: str = ""
    digits: int = 0
    kind: str = NUMBER
    integer: bool = False
    maximum: Decimal | None = None


def _n(name, label, unit, digits=0, *, integer=None, maximum=None) -> Field:
    whole = unit in ("人", "名", "所", "个") if integer is None else integer
    return Field(name, label, unit, digits, NUMBER, whole, None if maximum is None else Decimal(maximum))


def _pct(name, label, maximum=100) -> Field:
    return _n(name, label, "%", numbers.RATE, integer=False, maximum=maximum)


def _yes(name, label) -> Field:
    return Field(name, label, "", 0, YESNO, True, Decimal(1))


def _level(name, label) -> Field:
    return Field(name, label, "级", 0, LEVEL, True, Decimal(4))


@dataclass(frozen=True)
class ItemSpec:
    """One county-level item.

    ``label`` is the short Chinese name used in reasons and pages; ``name`` the official item
    text as the form prints it (表Ⅳ/表Ⅴ/一票否决; equal to ``label`` for items not on the form).
    ``table``/``no``: "Ⅳ"/"Ⅴ"/"veto" and the item's number on the form ("" / 0 otherwise).
    ``threshold_text`` is the requirement as printed (e.g. "≥ 85%"); ``comparator`` and
    ``threshold`` judge the item's figure (``yes``/``no`` items take 是 = 1 / 否 = 0; ``all``:
    the item's rule in :func:`evaluate` combines several conditions). ``unit`` is the unit of
    that figure. ``fields``: the inputs of the fill-in ``sentence`` (placeholders ``{name}`` of
    fields and ``derived`` figures); the field ``value`` is the item's 是/否 or single number.
    ``conclusion``: the form asks for a brief conclusion text too. ``entry`` False: the item
    comes only from a provider (the form does not offer it). ``who`` says who fills it;
    ``threshold_setting`` names the Django setting that replaces ``threshold`` (passed to
    :func:`merge_items` as ``limits``).
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
    name: str = ""
    table: str = ""
    no: int = 0
    fields: tuple[Field, ...] = ()
    derived: tuple[Field, ...] = ()
    sentence: str = ""
    conclusion: bool = False
    who: str = WHO_ENTRY
    threshold_setting: str = ""

    @property
    def is_boolean(self) -> bool:
        return self.comparator in BOOLEAN_COMPARATORS

    @property
    def official_name(self) -> str:
        return self.name or self.label

    def field(self, name: str) -> Field | None:
        return next((f for f in (*self.fields, *self.derived) if f.name == name), None)


_B, _Q, _BOTH = (BASIC,), (QUALITY,), (BASIC, QUALITY)


def _item(key, label, part, threshold_text, comparator, threshold, unit, schemes, **extra) -> ItemSpec:
    extra.setdefault("fields", ())
    if not extra["fields"] and extra.get("entry", True):
        # A single-number or 是/否 item: one field ``value``.
        if comparator in BOOLEAN_COMPARATORS:
            extra["fields"] = (_yes("value", "是否存在" if comparator == NO else "是否达标"),)
        else:
            digits = numbers.RATE if unit == "%" else 0
            extra["fields"] = (_n("value", label, unit, digits, integer=False),)
    return ItemSpec(
        key=key,
        label=label,
        part=part,
        threshold_text=threshold_text,
        comparator=comparator,
        threshold=None if threshold is None else Decimal(str(threshold)),
        unit=unit,
        schemes=tuple(schemes),
        **extra,
    )


def _conclusion(key, no, table, name, label) -> ItemSpec:
    """A conclusion item of 表Ⅳ/表Ⅴ: 达标 是/否 with a brief conclusion and evidence files."""
    part = "government" if table == "Ⅳ" else "quality"
    return _item(key, label, part, "是", YES, None, "", _Q, name=name, table=table, no=no, conclusion=True)


def _veto(key, label, name) -> ItemSpec:
    """A one-vote veto: 否 must be entered (是 = the situation exists and fails the application)."""
    return _item(key, label, "veto", "否", NO, None, "", _Q, name=name, table="veto", conclusion=True)


_MONITORING_SUBJECTS = (
    ("chinese", "语文"),
    ("math", "数学"),
    ("science", "科学"),
    ("pe", "体育"),
    ("art", "艺术"),
    ("moral", "德育"),
)
MONITORING_LEVEL_MIN = 3  # 学业水平达到Ⅲ级以上
MONITORING_DIFFERENCE_MAX = Fraction(15, 100)  # 校际差异率低于 0.15

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
        fields=(_pct("value", "社会认可度"),),
    ),
    # quality-2017 表Ⅳ 政府保障程度 (items 3, 4, 5 are judged from the school data: DATA_CHECKS).
    _conclusion(
        "school_layout", 1, "Ⅳ", "县域内义务教育学校规划布局合理，符合国家规定要求", "学校规划布局合理"
    ),
    _conclusion(
        "unified_standards",
        2,
        "Ⅳ",
        "县域内城乡义务教育学校建设标准统一、教师编制标准统一、生均公用经费基准定额统一、基本装备配置标准统一",
        "城乡义务教育学校建设、编制、公用经费、装备配置标准统一",
    ),
    _item(
        "village_school_funding",
        "村小学和教学点按不足100名学生按100名学生核定公用经费",
        "government",
        "是",
        YES,
        None,
        "",
        _Q,
        name="不足 100 人的规模较小学校（包括乡镇中心校附设的村小）按不低于 100 人核定公用经费",
        table="Ⅳ",
        no=6,
        conclusion=True,
        fields=(
            _n("students", "不足 100 人的规模较小学校学生数", "人"),
            _n("funds", "不足 100 人的规模较小学校公用经费", "元"),
            _yes("value", "是否均按不低于 100 人核定公用经费"),
        ),
        sentence="不足 100 人的规模较小学校学生数{students}人，公用经费{funds}元",
    ),
    _item(
        "special_education_funding",
        "特殊教育学校生均公用经费",
        "government",
        "≥ 6000 元",
        GE,
        6000,
        "元",
        _Q,
        name="特殊教育学校生均公用经费不低于 6000 元",
        table="Ⅳ",
        no=7,
        threshold_setting="SPECIAL_EDUCATION_FUNDING_PER_STUDENT",
        fields=(
            _n("funds_wan", "特殊教育学校公用经费", "万元", 2, integer=False),
            _n("students", "特殊教育学生数", "人"),
        ),
        derived=(_n("per_student", "特殊教育学校生均公用经费", "元"),),
        sentence="特殊教育学校公用经费为{funds_wan}万元，特殊教育学生数为{students}人，特殊教育学校生均公用经费为{per_student}元",
    ),
    _item(
        "teacher_pay",
        "教师平均工资收入水平不低于当地公务员平均工资收入水平",
        "government",
        "教师 ≥ 公务员，绩效工资足额核定",
        ALL,
        None,
        "",
        _Q,
        name="全县义务教育学校教师平均工资收入水平不低于当地公务员平均工资收入水平，按规定足额核定教师绩效工资总量",
        table="Ⅳ",
        no=8,
        conclusion=True,
        fields=(
            _n("teacher_pay", "全县义务教育学校教师年平均工资收入", "元"),
            _n("civil_pay", "当地公务员年平均工资收入", "元"),
            _yes("performance_pay", "是否按规定足额核定教师绩效工资总量"),
        ),
        sentence="全县义务教育学校教师年平均工资收入为{teacher_pay}元，当地公务员年平均工资收入{civil_pay}元；按规定足额核定教师绩效工资总量：{performance_pay}",
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
        entry=False,
        provider_hint="师资",
        who=WHO_WORKFORCE,
        name="教师 5 年 360 学时培训完成率达到 100%",
        table="Ⅳ",
        no=9,
        fields=(_n("complete", "完成 360 学时培训的教师", "人"), _n("teachers", "全县教师", "人")),
        derived=(_pct("rate", "教师培训完成率"),),
        sentence="完成 360 学时培训的教师{complete}人，全县教师{teachers}人，教师培训完成率{rate}%",
    ),
    _conclusion(
        "staffing_allocation",
        10,
        "Ⅳ",
        "县级教育行政部门在核定的教职工编制总额和岗位总量内，统筹分配各校教职工编制和岗位数量",
        "县级教育行政部门统筹分配各校教职工编制和岗位数量",
    ),
    _item(
        "teacher_exchange",
        "县域内义务教育学校教师交流轮岗比例（占符合条件教师）",
        "government",
        "≥ 10%，其中骨干教师 ≥ 20%",
        GE,
        10,
        "%",
        _Q,
        entry=False,
        provider_hint="师资",
        who=WHO_WORKFORCE,
        name="全县每年交流轮岗教师的比例不低于符合交流轮岗条件教师总数的 10%；其中，骨干教师不低于交流轮岗教师总数的 20%",
        table="Ⅳ",
        no=11,
        fields=(
            _n("eligible", "全县符合交流轮岗条件教师总数", "名"),
            _n("exchanged", "上一年度交流轮岗教师", "名"),
            _n("backbone", "交流轮岗的骨干教师", "名"),
        ),
        derived=(_pct("rate", "交流轮岗教师占比"), _pct("backbone_share", "骨干教师占交流轮岗教师总数比例")),
        sentence="全县符合交流轮岗条件教师总数{eligible}名，上一年度交流轮岗教师{exchanged}名，占比{rate}%；交流轮岗的骨干教师{backbone}名，占交流轮岗教师总数的{backbone_share}%",
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
        entry=False,
        provider_hint="师资",
        who=WHO_WORKFORCE,
        name="专任教师持有教师资格证上岗率达到 100%",
        table="Ⅳ",
        no=12,
        fields=(
            _n("full_time", "全县在岗专任教师", "人"),
            _n("certified", "持有教师资格证的专任教师", "人"),
        ),
        derived=(_pct("rate", "持证上岗率"),),
        sentence="全县在岗专任教师{full_time}人，其中持有教师资格证的专任教师{certified}人，占比{rate}%",
    ),
    _item(
        "nearby_enrolment",
        "城区和镇区公办小学、初中就近划片入学比例",
        "government",
        "小学 100%，初中 ≥ 95%",
        ALL,
        None,
        "",
        _Q,
        name="城区和镇区公办小学、初中（均不含寄宿制学校）就近划片入学比例分别达到 100%、95% 以上",
        table="Ⅳ",
        no=13,
        fields=(_pct("primary", "小学就近划片入学比例"), _pct("junior", "初中就近划片入学比例")),
        sentence="城区和镇区公办小学、初中（均不含寄宿制学校）就近划片入学比例分别为{primary}%、{junior}%",
    ),
    _item(
        "quota_allocation",
        "优质普通高中招生名额分配到初中的比例",
        "government",
        "≥ 50%",
        GE,
        50,
        "%",
        _Q,
        name="全县优质高中招生名额分配比例不低于 50%，并向农村初中倾斜",
        table="Ⅳ",
        no=14,
        fields=(
            _n("total", "全县优质高中招生名额总数", "人"),
            _n("allocated", "分配名额", "人"),
            _n("rural", "分配农村学校的名额", "人"),
        ),
        derived=(_pct("share", "分配名额占比"), _pct("rural_share", "农村学校名额占分配名额比例")),
        sentence="全县优质高中招生名额总数{total}人，分配名额{allocated}人，占比{share}%。其中分配农村学校的名额{rural}人，占分配名额总数的{rural_share}%",
    ),
    _item(
        "migrant_children",
        "符合条件的随迁子女在公办学校和政府购买服务学校就读比例",
        "government",
        "≥ 85%，留守儿童关爱体系健全",
        GE,
        85,
        "%",
        _Q,
        name="留守儿童关爱体系健全，全县符合条件的随迁子女在公办学校和政府购买服务的民办学校就读的比例不低于 85%",
        table="Ⅳ",
        no=15,
        conclusion=True,
        fields=(
            _n("eligible", "全县符合条件的随迁子女数", "人"),
            _n("public", "在公办学校就读", "人"),
            _n("purchased", "在政府购买服务的民办学校就读", "人"),
            _yes("care_system", "留守儿童关爱体系是否健全"),
        ),
        derived=(_n("total", "合计", "人"), _pct("share", "占比")),
        sentence="全县符合条件的随迁子女数{eligible}人，在公办学校就读{public}人，在政府购买服务的民办学校就读{purchased}人，合计{total}人，占比{share}%；留守儿童关爱体系健全：{care_system}",
    ),
    # quality-2017 表Ⅴ 教育质量.
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
        who=WHO_DROPOUT,
        name="全县初中三年巩固率达到 95% 以上",
        table="Ⅴ",
        no=1,
        fields=(
            _n("graduates", "全县初中毕业班学生数", "人"),
            _n("entrants", "三年前该年级入学学生数", "人"),
            _n("transfers_in", "毕业年级三年转入学生数", "人"),
            _n("deaths", "死亡学生数", "人"),
            _n("transfers_out", "转出学生数", "人"),
        ),
        derived=(_pct("rate", "全县初中三年巩固率"),),
        sentence="全县初中毕业班学生数为{graduates}人，三年前该年级入学学生数为{entrants}人，毕业年级三年转入学生数为{transfers_in}人，死亡学生数为{deaths}人，转出学生数为{transfers_out}人，全县初中三年巩固率为{rate}%",
    ),
    _item(
        "disabled_enrolment",
        "残疾儿童少年入学率",
        "quality",
        "≥ 95%",
        GE,
        95,
        "%",
        _Q,
        name="全县残疾儿童少年入学率达到 95% 以上",
        table="Ⅴ",
        no=2,
        fields=(
            _n("children", "全县残疾儿童少年", "人"),
            _n("enrolled", "入学", "人"),
            _n("special_school", "在特殊教育学校就读", "人"),
        ),
        derived=(_pct("rate", "入学率"), _pct("special_share", "在特殊教育学校就读占入学人数比例")),
        sentence="全县残疾儿童少年为{children}人，入学{enrolled}人，入学率为{rate}%。其中，在特殊教育学校就读{special_school}人，占比{special_share}%",
    ),
    _item(
        "school_charter",
        "所有学校建立章程，实现学校管理与教学信息化",
        "quality",
        "是",
        YES,
        None,
        "",
        _Q,
        name="所有学校建立章程，实现学校管理与教学信息化",
        table="Ⅴ",
        no=3,
        conclusion=True,
        fields=(
            _n("schools", "全县义务教育学校", "所"),
            _n("charter", "已建立章程的学校", "所"),
            _n("informatized", "实现学校管理与教学信息化的学校", "所"),
            _yes("value", "是否达标"),
        ),
        sentence="全县义务教育学校{schools}所，其中已建立章程{charter}所，实现学校管理与教学信息化{informatized}所",
    ),
    _item(
        "training_funds",
        "各校教师培训经费占公用经费比例（最低的学校）",
        "quality",
        "≥ 5%",
        GE,
        5,
        "%",
        _Q,
        name="全县所有学校按照不低于学校年度公用经费预算总额的 5% 安排教师培训经费",
        table="Ⅴ",
        no=4,
        fields=(
            _n("schools", "全县义务教育学校", "所"),
            _n("reaching", "教师培训经费不低于公用经费预算总额 5% 的学校", "所"),
            _pct("lowest", "教师培训经费占比最低的学校"),
        ),
        sentence="全县义务教育学校{schools}所，按不低于年度公用经费预算总额 5% 安排教师培训经费的学校{reaching}所，占比最低的学校为{lowest}%",
    ),
    _conclusion(
        "it_teaching",
        5,
        "Ⅴ",
        "教师能熟练运用信息化手段组织教学，设施设备利用率达到较高水平",
        "教师熟练运用信息化手段组织教学，设施设备利用率较高",
    ),
    _conclusion(
        "moral_culture",
        6,
        "Ⅴ",
        "所有学校德育工作、校园文化建设达到良好以上",
        "学校德育工作、校园文化建设达到良好以上",
    ),
    _conclusion(
        "curriculum", 7, "Ⅴ", "课程开齐开足，教学秩序规范，综合实践活动有效开展", "课程开齐开足，教学秩序规范"
    ),
    _conclusion("homework_burden", 8, "Ⅴ", "无过重课业负担", "无过重课业负担"),
    _item(
        "quality_monitoring",
        "国家义务教育质量监测学业水平与校际差异率",
        "quality",
        "各科 Ⅲ 级以上，校际差异率 < 0.15",
        ALL,
        None,
        "",
        _Q,
        name="在国家义务教育质量监测中，相关科目学生学业水平达到Ⅲ级以上，且校际差异率低于 0.15",
        table="Ⅴ",
        no=9,
        fields=tuple(
            f
            for key, subject in _MONITORING_SUBJECTS
            for f in (
                _level(f"{key}_level", f"{subject}学业水平"),
                _n(f"{key}_diff", f"{subject}校际差异率", "", 2, integer=False, maximum=1),
            )
        ),
        sentence="；".join(f"{s}{{{k}_level}}级、校际差异率{{{k}_diff}}" for k, s in _MONITORING_SUBJECTS),
    ),
    # quality-2017 one-vote vetoes (一票否决): 否 must be entered; 是 fails the application.
    _veto("veto_exam_admission", "存在以考试方式招生", "以考试方式招生"),
    _veto("veto_school_choice", "存在违规择校行为", "违规择校"),
    _veto("veto_key_schools", "存在重点学校或重点班", "重点学校或重点班"),
    _veto("veto_unfilled_posts", "存在有编不补、长期借用教师", "“有编不补”或长期聘用编外教师"),
    _veto("veto_safety_accident", "发生重大安全责任事故", "教育系统重大安全责任事故和严重违纪违规事件"),
    _veto("veto_falsified_data", "存在弄虚作假行为", "弄虚作假"),
    _veto(
        "veto_off_campus_training",
        "规范治理校外培训机构及减轻中小学课外负担不力",
        "规范治理校外培训机构及减轻中小学课外负担不力",
    ),
)
BY_KEY: Mapping[str, ItemSpec] = {spec.key: spec for spec in CATALOGUE}
assert len(BY_KEY) == len(CATALOGUE), "duplicate county item key"


@dataclass(frozen=True)
class CheckSpec:
    """An item of 表Ⅳ the engine judges from the school data (``result["checks"]``)."""

    key: str
    name: str
    no: int
    fields: tuple[Field, ...]
    sentence: str
    who: str = WHO_SCHOOL_DATA
    table: str = "Ⅳ"


DATA_CHECKS: Mapping[str, CheckSpec] = {
    c.key: c
    for c in (
        CheckSpec(
            "music_art_rooms",
            "所有小学、初中每 12 个班级配备音乐、美术专用教室 1 间以上；其中，每间音乐专用教室面积不小于 96 平方米，"
            "每间美术专用教室面积不小于 90 平方米",
            3,
            (
                _n("schools", "有班级和专用教室数据的学校", "所"),
                _n("short_rooms", "音乐、美术专用教室间数不足的学校", "所"),
                _n("short_area", "专用教室面积不足的学校", "所"),
                _n("areas_missing", "未填报专用教室面积的学校", "所"),
            ),
            "有班级和专用教室数据的学校{schools}所，按每 12 个班级 1 间配备音乐、美术专用教室不足的学校{short_rooms}所，"
            "音乐专用教室小于 96 平方米或美术专用教室小于 90 平方米的学校{short_area}所",
        ),
        CheckSpec(
            "school_size",
            "所有小学、初中学校规模不超过 2000 人，九年一贯制学校、十二年一贯制学校义务教育阶段规模不超过 2500 人",
            4,
            (
                _n("primary", "超过 2000 人的小学", "所"),
                _n("junior", "超过 2000 人的初中", "所"),
                _n("through", "超过 2500 人的一贯制学校", "所"),
            ),
            "超过 2000 人的小学{primary}所，初中{junior}所，超过 2500 人的一贯制学校{through}所",
        ),
        CheckSpec(
            "class_size",
            "小学、初中所有班级学生数分别不超过 45 人、50 人",
            5,
            (_n("primary", "超过 45 人的小学班级", "个"), _n("junior", "超过 50 人的初中班级", "个")),
            "超过 45 人的小学班级{primary}个，超过 50 人的初中班级{junior}个",
        ),
    )
}

# The form's order: 表Ⅳ items 1–15 and 表Ⅴ items 1–9 (catalogue keys and DATA_CHECKS keys).
TABLE4_KEYS: tuple[str, ...] = tuple(
    k
    for _, k in sorted(
        [(s.no, s.key) for s in CATALOGUE if s.table == "Ⅳ"] + [(c.no, c.key) for c in DATA_CHECKS.values()]
    )
)
TABLE5_KEYS: tuple[str, ...] = tuple(s.key for s in sorted(CATALOGUE, key=lambda s: s.no) if s.table == "Ⅴ")
VETO_KEYS: tuple[str, ...] = tuple(s.key for s in CATALOGUE if s.table == "veto")
assert len(TABLE4_KEYS) == 15 and len(TABLE5_KEYS) == 9 and len(VETO_KEYS) == 7


def items_for(scheme: str) -> list[ItemSpec]:
    """The catalogue items of one scheme, in catalogue order."""
    return [spec for spec in CATALOGUE if scheme in spec.schemes]


# --- judging --------------------------------------------------------------------------------------


def _q(x) -> Fraction | None:
    return numbers.exact(x)


def _cmp(comparator: str, x: Fraction | None, limit) -> bool | None:
    """``x`` against ``limit`` (None when either is unknown)."""
    bound = _q(limit)
    if x is None or bound is None:
        return None
    return {GE: x >= bound, GT: x > bound, LE: x <= bound, LT: x < bound}[comparator]


def _percent(part: Fraction | None, whole: Fraction | None) -> Fraction | None:
    """part / whole in percent; None when either is missing or the whole is 0 (never ÷ 0)."""
    if part is None or whole is None or whole == 0:
        return None
    return part * 100 / whole


def _all(*verdicts: bool | None) -> bool | None:
    """Every condition must hold: any False fails, else any None is "no data"."""
    if False in verdicts:
        return False
    if None in verdicts:
        return None
    return True


def _flag(x: Fraction | None) -> bool | None:
    return None if x is None else x == 1


@dataclass(frozen=True)
class Evaluation:
    """An item judged from its inputs: ``value`` the judged figure in the item's unit (1/0 for
    是/否 items and items judged on several conditions), ``passed``, and ``figures``: every input
    and derived figure (display units: percent for ratios), None where not computable."""

    value: Fraction | None
    passed: bool | None
    figures: Mapping[str, Fraction | None] = field(default_factory=dict)


Rule = Callable[[Mapping[str, Fraction | None], Fraction | None], tuple[dict, Fraction | None, bool | None]]


def _special_education(f, limit):
    # 经费万元 × 10000 ÷ 学生数: unrounded, guarded against 0 students.
    per = None
    if f["funds_wan"] is not None and f["students"]:
        per = f["funds_wan"] * 10000 / f["students"]
    return {"per_student": per}, per, _cmp(GE, per, limit)


def _teacher_pay(f, limit):
    pay = None if f["teacher_pay"] is None or f["civil_pay"] is None else f["teacher_pay"] >= f["civil_pay"]
    passed = _all(pay, _flag(f["performance_pay"]))
    return {}, None if passed is None else Fraction(int(passed)), passed


def _rate_of(part, whole, line):
    def rule(f, limit):
        rate = _percent(f[part], f[whole])
        return {"rate": rate}, rate, _cmp(GE, rate, limit if limit is not None else line)

    return rule


def _exchange(f, limit):
    rate = _percent(f["exchanged"], f["eligible"])
    share = _percent(f["backbone"], f["exchanged"])
    passed = (
        None
        if rate is None
        else _all(_cmp(GE, rate, 10), _cmp(GE, share, 20) if share is not None else False)
    )
    return {"rate": rate, "backbone_share": share}, rate, passed


def _nearby(f, limit):
    passed = _all(_cmp(GE, f["primary"], 100), _cmp(GE, f["junior"], 95))
    return {}, None if passed is None else Fraction(int(passed)), passed


def _quota(f, limit):
    share = _percent(f["allocated"], f["total"])
    return {"share": share, "rural_share": _percent(f["rural"], f["allocated"])}, share, _cmp(GE, share, 50)


def _migrant(f, limit):
    total = None if f["public"] is None or f["purchased"] is None else f["public"] + f["purchased"]
    share = _percent(total, f["eligible"])
    return {"total": total, "share": share}, share, _all(_cmp(GE, share, 85), _flag(f["care_system"]))


def _retention(f, limit):
    moves = (f["transfers_in"], f["transfers_out"], f["deaths"])
    denominator = None
    if f["entrants"] is not None and None not in moves:
        denominator = f["entrants"] + moves[0] - moves[1] - moves[2]
    rate = _percent(f["graduates"], denominator)
    return {"rate": rate}, rate, _cmp(GE, rate, 95)


def _disabled(f, limit):
    rate = _percent(f["enrolled"], f["children"])
    share = _percent(f["special_school"], f["enrolled"])
    return {"rate": rate, "special_share": share}, rate, _cmp(GE, rate, 95)


def _charter(f, limit):
    value = f["value"]
    return {}, value, _flag(value)


def _training_funds(f, limit):
    lowest = f["lowest"]
    passed = _cmp(GE, lowest, 5)
    if passed and f["schools"] is not None and f["reaching"] is not None and f["reaching"] < f["schools"]:
        passed = False
    return {}, lowest, passed


def _monitoring(f, limit):
    verdicts = []
    for key, _ in _MONITORING_SUBJECTS:
        level, diff = f[f"{key}_level"], f[f"{key}_diff"]
        verdicts.append(None if level is None else level >= MONITORING_LEVEL_MIN)
        verdicts.append(None if diff is None else diff < MONITORING_DIFFERENCE_MAX)
    passed = _all(*verdicts)
    return {}, None if passed is None else Fraction(int(passed)), passed


_RULES: Mapping[str, Rule] = {
    "special_education_funding": _special_education,
    "teacher_pay": _teacher_pay,
    "teacher_training": _rate_of("complete", "teachers", 100),
    "teacher_exchange": _exchange,
    "teacher_certificates": _rate_of("certified", "full_time", 100),
    "nearby_enrolment": _nearby,
    "quota_allocation": _quota,
    "migrant_children": _migrant,
    "junior_retention": _retention,
    "disabled_enrolment": _disabled,
    "school_charter": _charter,
    "training_funds": _training_funds,
    "quality_monitoring": _monitoring,
}


def limit_of(spec: ItemSpec, limits: Mapping[str, object] | None = None) -> Fraction | None:
    """The line the item's figure is judged against: the setting's (``limits[key]``) or the
    catalogue's threshold."""
    if limits and limits.get(spec.key) is not None:
        return _q(limits[spec.key])
    return None if spec.threshold is None else _q(spec.threshold)


def threshold_text(spec: ItemSpec, limits: Mapping[str, object] | None = None) -> str:
    """The requirement as printed, with the line of the setting where there is one (≥ 8000 元)."""
    if spec.threshold_setting and limits and limits.get(spec.key) is not None:
        return f"≥ {numbers.line(limits[spec.key])} {spec.unit}".rstrip()
    return spec.threshold_text


def official_name(spec: ItemSpec, limits: Mapping[str, object] | None = None) -> str:
    """The item's text as the form prints it, with the line of the setting where there is one
    (特殊教育学校生均公用经费不低于 8000 元 in a province that set 8000)."""
    if spec.threshold_setting and limits and limits.get(spec.key) is not None and spec.threshold is not None:
        plain = numbers.num(spec.threshold, 0, group=False)
        return spec.official_name.replace(plain, numbers.num(limits[spec.key], 0, group=False))
    return spec.official_name


def read_inputs(spec: ItemSpec, inputs: Mapping[str, object] | None) -> dict[str, Fraction | None]:
    """Every field of ``spec`` as an exact number (None when empty or not a number)."""
    inputs = inputs or {}
    return {f.name: _q(inputs.get(f.name)) for f in spec.fields}


def evaluate(
    spec: ItemSpec, inputs: Mapping[str, object] | None, limits: Mapping[str, object] | None = None
) -> Evaluation:
    """Judge an item from its inputs (field name → number or decimal string).

    A value exactly at a ``≥``/``≤`` line passes; a figure that cannot be computed (an empty
    field, a zero denominator) leaves ``passed`` None, never a failure.
    """
    f = read_inputs(spec, inputs)
    limit = limit_of(spec, limits)
    rule = _RULES.get(spec.key)
    if rule is not None:
        derived, value, passed = rule(f, limit)
    else:
        value = f.get("value")
        derived = {}
        if spec.comparator == YES:
            passed = None if value is None else value == 1
        elif spec.comparator == NO:
            passed = None if value is None else value == 0
        else:
            passed = _cmp(spec.comparator, value, limit)
    return Evaluation(value=value, passed=passed, figures={**f, **derived})


def judge(spec: ItemSpec, value: Decimal | int | float | None, limits: Mapping | None = None) -> bool | None:
    """Whether a single entered ``value`` meets a single-value item (field ``value``): None when
    nothing was entered. Boolean items take 1 (是) or 0 (否). A value exactly at a ``≥``/``≤``
    line passes. Items with several fields are judged by :func:`evaluate`."""
    if value is None:
        return None
    if spec.comparator == ALL or spec.key in _RULES and spec.key != "training_funds":
        raise ValueError(f"{spec.label}：须按各项数据判定")
    inputs = {"lowest" if spec.key == "training_funds" else "value": value}
    return evaluate(spec, inputs, limits).passed


def value_text(spec: ItemSpec, value: Decimal | int | float | None, limits: Mapping | None = None) -> str:
    """Display text of an item's judged figure: 是/否 for boolean items and items judged on
    several conditions, the number and its unit else."""
    if value is None:
        return "未录入"
    if spec.is_boolean or spec.comparator == ALL:
        return numbers.yes_no(value)
    # 表Ⅳ/表Ⅴ: ratios 1 place, other numbers integers; more places only where fewer would print
    # the line itself beside a failing verdict (84.96 entered against ≥ 85% reads 84.96%).
    digits = numbers.RATE if spec.unit == "%" else 0
    limit = limit_of(spec, limits)
    v = _q(value)
    text = numbers.against(
        value,
        limit,
        digits,
        at_least=spec.comparator in (GE, GT),
        strict=spec.comparator in (GT, LT),
        passed=_cmp(spec.comparator, v, limit),
    )
    return f"{text}{spec.unit}" if spec.unit in ("%",) else f"{text} {spec.unit}".rstrip()


# --- entry ----------------------------------------------------------------------------------------


def parse_field(spec: ItemSpec, fld: Field, raw) -> Decimal | None:
    """A typed field (是/否, Ⅰ–Ⅳ or a number) as the stored Decimal, None when empty; ValueError
    in Chinese naming the field."""
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None
    if fld.kind == YESNO:
        if text in ("是", "1"):
            return Decimal(1)
        if text in ("否", "0"):
            return Decimal(0)
        raise ValueError(f"{fld.label}：请填写“是”或“否”")
    if fld.kind == LEVEL:
        by_text = {v: k for k, v in LEVEL_TEXT.items()}
        level = by_text.get(text.rstrip("级"))
        if level is None and text in ("1", "2", "3", "4"):
            level = int(text)
        if level is None:
            raise ValueError(f"{fld.label}：请选择Ⅰ、Ⅱ、Ⅲ或Ⅳ级")
        return Decimal(level)
    try:
        number = Decimal(text.replace(",", "").replace("，", "").rstrip("%").strip())
    except InvalidOperation:
        raise ValueError(f"{fld.label}：“{text}”不是数字") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{fld.label}：请填写不小于 0 的数字")
    if fld.integer and number != number.to_integral_value():
        raise ValueError(f"{fld.label}：须为整数（单位：{fld.unit}）")
    if fld.maximum is not None and number > fld.maximum:
        raise ValueError(f"{fld.label}：不能大于 {numbers.line(fld.maximum)}{fld.unit}")
    if number >= Decimal("1e10"):
        raise ValueError(f"{fld.label}：数值过大")
    return number


def parse_value(spec: ItemSpec, raw: str) -> Decimal:
    """A typed value of a single-value item (是/否 for boolean items) as the stored Decimal;
    ValueError in Chinese."""
    fld = spec.field("value") or _n("value", spec.label, spec.unit)
    text = (raw or "").strip()
    if fld.kind == NUMBER:
        fld = Field(fld.name, spec.label, fld.unit, fld.digits, fld.kind, False, fld.maximum)
    value = parse_field(spec, fld, text)
    if value is None:
        raise ValueError(
            f"{spec.label}：请填写“是”或“否”" if spec.is_boolean else f"{spec.label}：请填写数字"
        )
    return value


def check_inputs(spec: ItemSpec, inputs: Mapping[str, Decimal | None]) -> list[str]:
    """Contradictions between the fields of one item, in Chinese (empty when consistent)."""
    f = read_inputs(spec, inputs)
    errors = []

    def over(part, whole):
        a, b = spec.field(part), spec.field(whole)
        if f.get(part) is not None and f.get(whole) is not None and f[part] > f[whole]:
            errors.append(f"{a.label}不能多于{b.label}")

    pairs = {
        "teacher_training": [("complete", "teachers")],
        "teacher_exchange": [("exchanged", "eligible"), ("backbone", "exchanged")],
        "teacher_certificates": [("certified", "full_time")],
        "quota_allocation": [("allocated", "total"), ("rural", "allocated")],
        "disabled_enrolment": [("enrolled", "children"), ("special_school", "enrolled")],
        "school_charter": [("charter", "schools"), ("informatized", "schools")],
        "training_funds": [("reaching", "schools")],
    }
    for part, whole in pairs.get(spec.key, ()):
        over(part, whole)
    migrant = spec.key == "migrant_children" and None not in (f["public"], f["purchased"], f["eligible"])
    if migrant and f["public"] + f["purchased"] > f["eligible"]:
        errors.append("在公办学校和政府购买服务的民办学校就读的人数合计不能多于符合条件的随迁子女数")
    if spec.key == "school_charter" and f.get("value") == 1 and f["schools"] is not None:
        short = [
            spec.field(k).label
            for k in ("charter", "informatized")
            if f[k] is not None and f[k] < f["schools"]
        ]
        if short:
            errors.append(f"{'、'.join(short)}少于全县学校数，不能判定为达标")
    funds = spec.key == "training_funds" and f["lowest"] is not None and f["lowest"] >= 5
    if funds and None not in (f["schools"], f["reaching"]) and f["reaching"] < f["schools"]:
        errors.append("占比最低的学校已达到 5%，达到 5% 的学校数应等于全县学校数")
    return errors


@dataclass(frozen=True)
class Entered:
    """What bureau staff entered for one item: ``inputs`` (field name → Decimal), a conclusion,
    a note and evidence names. ``value`` alone (the single-value items) is read as the field
    ``value``."""

    value: Decimal | None = None
    note: str = ""
    evidence: tuple[str, ...] = ()
    inputs: Mapping[str, object] = field(default_factory=dict)
    conclusion: str = ""

    def inputs_for(self, spec: ItemSpec) -> dict[str, object]:
        given = {k: v for k, v in (self.inputs or {}).items() if v not in (None, "")}
        if not given and self.value is not None and spec.field("value") is not None:
            given = {"value": self.value}
        return given


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
    inputs = item.get("inputs")
    if inputs is not None:
        if not isinstance(inputs, Mapping):
            raise ValueError(f"自动项目提供方 {provider_name} 的项目 {item['key']} 的 inputs 须为字典")
        for k, v in inputs.items():
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float | Decimal | Fraction)):
                raise ValueError(
                    f"自动项目提供方 {provider_name} 的项目 {item['key']} 的 inputs.{k} 须为数字"
                )


def _stored(x) -> str | None:
    """A number as the decimal string a row stores (exact for Decimal/int; Fractions to 10 places)."""
    if x is None:
        return None
    if isinstance(x, Fraction):
        x = Decimal(x.numerator) / Decimal(x.denominator)
    if isinstance(x, float):
        x = Decimal(repr(x))
    d = Decimal(x)
    text = format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")
    return text


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
                    "inputs": {str(k): _stored(v) for k, v in (item.get("inputs") or {}).items()},
                    "provider": name,
                }
            )
    return out


def _combine(items: Sequence[dict]) -> tuple[bool | None, float | None, str, str, list[str], dict]:
    verdicts = [i["passed"] for i in items]
    passed = False if False in verdicts else None if None in verdicts else True
    # A figure is the item's only when one provider measured it; two figures would be two items.
    values = [i for i in items if i.get("value") is not None]
    value, value_text = (
        (values[0]["value"], values[0].get("value_text") or "") if len(values) == 1 else (None, "")
    )
    detail = "；".join(i["detail"] for i in items if i["detail"])
    evidence = [e for i in items for e in i["evidence"]]
    with_inputs = [i for i in items if i.get("inputs")]
    inputs = dict(with_inputs[0]["inputs"]) if len(with_inputs) == 1 else {}
    return passed, value, value_text, detail, evidence, inputs


def merge_items(
    scheme: str,
    entered: Mapping[str, Entered],
    provided: Sequence[dict],
    limits: Mapping[str, object] | None = None,
) -> list[dict]:
    """The county items of ``scheme`` as stored rows, in catalogue order.

    Row: ``key, label, name, table, no, part, part_label, threshold_text, threshold`` (the line
    of the item's figure, float or None), ``source`` ("provider" / "entered" / "none"),
    ``value`` (float or None: the judged figure, or the figure a provider measured),
    ``value_text``, ``passed`` (True/False/None), ``detail`` (what the engine prints after
    "未达标："), ``inputs`` (field name → decimal string: what the sentence is filled from),
    ``conclusion``, ``note``, ``evidence`` (list of str).
    ``limits``: lines from settings (key → number) replacing the catalogue's, e.g.
    ``{"special_education_funding": 8000}``.
    """
    by_key: dict[str, list[dict]] = {}
    for item in provided:
        by_key.setdefault(item["key"], []).append(item)
    rows = []
    for spec in items_for(scheme):
        limit = limit_of(spec, limits)
        required = threshold_text(spec, limits)
        row = {
            "key": spec.key,
            "label": spec.label,
            "name": official_name(spec, limits),
            "table": spec.table,
            "no": spec.no,
            "part": spec.part,
            "part_label": PART_LABELS[spec.part],
            "threshold_text": required,
            "threshold": None if limit is None else float(limit),
        }
        e = entered.get(spec.key)
        e_inputs = e.inputs_for(spec) if e is not None and spec.entry else {}
        if spec.key in by_key:
            passed, value, shown, detail, evidence, inputs = _combine(by_key[spec.key])
            if value is None and inputs:
                figure = evaluate(spec, inputs, limits).value
                value = None if figure is None or spec.comparator == ALL else float(figure)
            if value is not None and not shown:
                shown = value_text(spec, value, limits)
            row.update(
                source="provider",
                value=value,
                value_text=shown or detail or "自动提供",
                passed=passed,
                detail=detail or f"要求 {required}",
                inputs=inputs,
                conclusion="",
                note="",
                evidence=evidence,
            )
        elif e is not None and spec.entry and (e_inputs or e.conclusion):
            result = evaluate(spec, e_inputs, limits)
            shown = value_text(spec, result.value, limits) if result.value is not None else "未完成"
            if set(e_inputs) <= {"value"} and len(spec.fields) == 1:
                detail = f"录入值 {shown}，要求 {required}"
            else:
                text, _ = fill_sentence(
                    spec,
                    {
                        "inputs": {k: _stored(v) for k, v in e_inputs.items()},
                        "passed": result.passed,
                        "threshold": None if limit is None else float(limit),
                    },
                )
                detail = f"{text}（要求 {required}）" if text else f"录入 {shown}，要求 {required}"
            row.update(
                source="entered",
                value=None if result.value is None else float(result.value),
                value_text=shown,
                passed=result.passed,
                detail=detail,
                inputs={k: _stored(v) for k, v in e_inputs.items()},
                conclusion=e.conclusion,
                note=e.note,
                evidence=list(e.evidence),
            )
        else:
            row.update(
                source="none",
                value=None,
                value_text="未录入",
                passed=None,
                detail="",
                inputs={},
                conclusion="",
                note="",
                evidence=[],
            )
        rows.append(row)
    return rows


# --- the fill-in sentence -------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_MEASURED_HEADLINE = frozenset({"junior_retention"})

# How each printed figure is judged, so its text never contradicts the verdict:
# (item key, figure) → (line, at least?, strict?).
_LINES: Mapping[tuple[str, str], tuple[object, bool, bool]] = {
    ("teacher_training", "rate"): (100, True, False),
    ("teacher_exchange", "rate"): (10, True, False),
    ("teacher_exchange", "backbone_share"): (20, True, False),
    ("teacher_certificates", "rate"): (100, True, False),
    ("nearby_enrolment", "primary"): (100, True, False),
    ("nearby_enrolment", "junior"): (95, True, False),
    ("quota_allocation", "share"): (50, True, False),
    ("migrant_children", "share"): (85, True, False),
    ("junior_retention", "rate"): (95, True, False),
    ("disabled_enrolment", "rate"): (95, True, False),
    ("training_funds", "lowest"): (5, True, False),
    **{
        (("quality_monitoring", f"{k}_diff")): (MONITORING_DIFFERENCE_MAX, False, True)
        for k, _ in _MONITORING_SUBJECTS
    },
}


def figure_text(spec: ItemSpec, fld: Field, x, limits_line=None) -> str:
    """One figure as the form prints it: 是/否, Ⅲ, or the number rounded half up to the field's
    places (never printed on the wrong side of its line); ``BLANK`` when unknown."""
    if x is None:
        return BLANK
    if fld.kind == YESNO:
        return numbers.yes_no(x)
    if fld.kind == LEVEL:
        return LEVEL_TEXT.get(int(x), BLANK)
    line = _LINES.get((spec.key, fld.name))
    if line is None and limits_line is not None and fld.name in ("per_student", "value"):
        line = (limits_line, spec.comparator in (GE, GT), spec.comparator in (GT, LT))
    if line is not None and line[0] is not None:
        bound, at_least, strict = line
        return numbers.against(x, bound, fld.digits, at_least=at_least, strict=strict)
    return numbers.num(x, fld.digits)


def fill_sentence(
    spec: ItemSpec | CheckSpec, row: Mapping, figures: Mapping | None = None
) -> tuple[str, list[str]]:
    """(the item's fill-in sentence with every blank filled, the labels of the empty fields).

    ``row``: a stored county-item row (``inputs``, ``value``, ``threshold``) or, for a
    DATA_CHECKS item, any mapping; ``figures`` (field name → number) replaces what is read
    from the row. Computed figures come from :func:`evaluate` on the row's inputs, exactly; the
    row's measured ``value`` is printed instead only for 巩固率 (its formula is a setting) or
    when the inputs do not give the figure. An empty input prints ``BLANK``; the sentence is ""
    for items without one.
    """
    blanks: list[str] = []
    if isinstance(spec, CheckSpec):
        values = dict(figures or {})
        fields = {f.name: f for f in spec.fields}
        for f in spec.fields:
            if values.get(f.name) is None and f.name in _PLACEHOLDER.findall(spec.sentence):
                blanks.append(f.label)

        def text_of(name):
            fld = fields[name]
            return _count_text(fld, values.get(name))

        return _PLACEHOLDER.sub(lambda m: text_of(m.group(1)), spec.sentence), blanks

    inputs = row.get("inputs") or {}
    ev = evaluate(spec, inputs)
    values = dict(ev.figures)
    if figures:
        values.update(figures)
    # The row's measured figure is the headline where the inputs do not fix it: 巩固率 follows
    # RETENTION_FORMULA (the simple formula ignores transfers), or a provider sent no inputs.
    # Elsewhere the exact figure computed from the inputs is printed.
    headline = next((f.name for f in spec.derived if f.unit == "%" or f.name == "per_student"), None)
    measured = row.get("value") is not None and headline and spec.comparator != ALL
    if measured and (values.get(headline) is None or spec.key in _MEASURED_HEADLINE):
        values[headline] = numbers.exact(row["value"])
    # Figures computed from empty inputs are blank, not "—": list only the inputs as blanks.
    for f in spec.fields:
        if inputs.get(f.name) in (None, ""):
            blanks.append(f.label)
    limit = row.get("threshold")
    names = {f.name: f for f in (*spec.fields, *spec.derived)}

    def text_of(name):
        fld = names.get(name)
        return BLANK if fld is None else figure_text(spec, fld, values.get(name), limit)

    return _PLACEHOLDER.sub(lambda m: text_of(m.group(1)), spec.sentence), blanks


def _count_text(fld: Field, x) -> str:
    """A figure of a DATA_CHECKS sentence (counts of schools and classes)."""
    return BLANK if x is None else numbers.num(x, fld.digits)
