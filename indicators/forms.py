from decimal import Decimal

from django import forms

from .county_items import LEVEL, LEVEL_TEXT, NUMBER, YESNO, ItemSpec, check_inputs, parse_field
from .engine import SCHOOL, STAGE_LABELS
from .engine.units import PHYSICAL_FIELDS
from .models import Scheme

# Resource fields a what-if may change, with their Chinese names and units (engine Unit fields).
WHAT_IF_FIELDS = (
    ("students", "在校生数", "人"),
    ("building_area", "教学及辅助用房面积", "㎡"),
    ("sports_area", "体育运动场馆面积", "㎡"),
    ("equipment_value", "教学仪器设备值", "元"),
    ("computers", "教学用计算机", "台"),
    ("books", "图书", "册"),
    ("multimedia_rooms", "网络多媒体教室", "间"),
    ("full_time_teachers", "专任教师", "人"),
    ("qualified_teachers", "高于规定学历教师", "人"),
    ("senior_title_teachers", "中级及以上职称教师", "人"),
    ("backbone_teachers", "县级以上骨干教师", "人"),
    ("pe_art_teachers", "体育、艺术专任教师", "人"),
)
WHAT_IF_FIELD_LABELS = {key: f"{label}（{unit}）" for key, label, unit in WHAT_IF_FIELDS}
WHAT_IF_ROWS = 6


class AssessmentRequestForm(forms.Form):
    year = forms.IntegerField(
        label="学年", min_value=2000, max_value=2100, help_text="学年起始年份，如 2025 表示 2025—2026 学年"
    )
    scheme = forms.ChoiceField(label="评估方案", choices=Scheme.choices)


class TargetSchemeForm(forms.Form):
    """Which scheme the county is inspected for; its runs are the county's current assessment."""

    scheme = forms.ChoiceField(
        label="目标评估方案",
        choices=Scheme.choices,
        help_text="迎检所依据的方案。另一方案的评估仅作对比，不改变迎检看板和整改建议。",
    )


class YearForm(forms.Form):
    year = forms.IntegerField(label="学年", min_value=2000, max_value=2100)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is validated by content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class CountyItemForm(forms.Form):
    """The structured inputs of one county item (indicators.county_items ItemSpec.fields): one
    input per field of its fill-in sentence (是/否 as a choice, monitoring levels Ⅰ–Ⅳ, numbers
    with their unit), the brief conclusion where the form asks for one, a note and evidence files.
    Empty fields are allowed: they stay blanks of the form (and the item 未录入) until entered."""

    def __init__(self, *args, spec: ItemSpec, **kwargs):
        self.spec = spec
        super().__init__(*args, **kwargs)
        for f in spec.fields:
            label = f"{f.label}（{f.unit}）" if f.unit and f.kind == NUMBER else f.label
            if f.kind == YESNO:
                field = forms.ChoiceField(choices=[("", "未录入"), ("是", "是"), ("否", "否")])
            elif f.kind == LEVEL:
                field = forms.ChoiceField(
                    choices=[("", "未录入")] + [(t, f"{t}级") for t in LEVEL_TEXT.values()]
                )
            else:
                field = forms.CharField(max_length=40)
                field.widget.attrs["inputmode"] = "numeric" if f.integer else "decimal"
                if f.integer:
                    field.help_text = "整数"
            field.label = label
            field.required = False
            self.fields[f.name] = field
        if spec.fields and len(spec.fields) == 1 and spec.fields[0].kind == NUMBER:
            self.fields[spec.fields[0].name].help_text = f"要求 {spec.threshold_text}"
        if spec.conclusion:
            self.fields["conclusion"] = forms.CharField(
                label="简要结论",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="填入申报表“指标值或简要结论”栏",
            )
        self.fields["note"] = forms.CharField(
            label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
        )
        self.fields["files"] = MultipleFileField(
            label="佐证材料", required=False, help_text="PDF、图片、Word 或 Excel，可多选；按文件内容识别类型"
        )

    def clean(self):
        data = super().clean()
        inputs = {}
        for f in self.spec.fields:
            if f.name in self.errors:
                continue
            try:
                inputs[f.name] = parse_field(self.spec, f, data.get(f.name))
            except ValueError as exc:
                self.add_error(f.name, str(exc))
        if not self.errors:
            for message in check_inputs(self.spec, {k: v for k, v in inputs.items() if v is not None}):
                self.add_error(None, message)
        data["inputs"] = inputs
        data.setdefault("conclusion", "")
        return data


def initial_for(spec: ItemSpec, stored) -> dict:
    """Initial form data of a stored CountyItemValue (inputs printed as typed)."""
    if stored is None:
        return {}
    initial = {"note": stored.note, "conclusion": stored.conclusion}
    inputs = dict(stored.inputs or {})
    if not inputs and stored.value is not None and spec.field("value") is not None:
        inputs = {"value": format(stored.value.normalize(), "f")}
    for f in spec.fields:
        raw = inputs.get(f.name)
        if raw in (None, ""):
            continue
        if f.kind == YESNO:
            initial[f.name] = "是" if Decimal(raw) == 1 else "否"
        elif f.kind == LEVEL:
            initial[f.name] = LEVEL_TEXT.get(int(Decimal(raw)), "")
        else:
            initial[f.name] = raw
    return initial


class WhatIfForm(forms.Form):
    """Up to WHAT_IF_ROWS changes: a unit, a resource and a signed delta each (blank rows skipped).

    Submitted by GET: the what-if writes nothing, so inspectors may use it too.
    """

    def __init__(self, *args, units: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        unit_choices = [("", "—")] + [
            (f"{u['school_code']}:{u['stage']}", f"{u['school_name']}（{STAGE_LABELS[u['stage']]}）")
            for u in units
        ]
        # A school with several parts shares its buildings, equipment and books among them: those
        # are changed for the whole school and re-split (teachers and students stay per part).
        parts: dict[str, list[dict]] = {}
        for u in units:
            parts.setdefault(u["school_code"], []).append(u)
        self.multi_part = {code for code, us in parts.items() if len(us) > 1}
        unit_choices += [
            (f"{code}:{SCHOOL}", f"{parts[code][0]['school_name']}（全校）")
            for code in sorted(self.multi_part)
        ]
        field_choices = [("", "—")] + list(WHAT_IF_FIELD_LABELS.items())
        for i in range(WHAT_IF_ROWS):
            n = i + 1
            self.fields[f"unit_{i}"] = forms.ChoiceField(
                label=f"第 {n} 项 学校单元",
                choices=unit_choices,
                required=False,
                widget=forms.Select(attrs={"aria-label": f"第 {n} 项 学校单元"}),
            )
            self.fields[f"field_{i}"] = forms.ChoiceField(
                label=f"第 {n} 项 调整内容",
                choices=field_choices,
                required=False,
                widget=forms.Select(attrs={"aria-label": f"第 {n} 项 调整内容"}),
            )
            self.fields[f"delta_{i}"] = forms.DecimalField(
                label=f"第 {n} 项 增减量",
                required=False,
                max_digits=14,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"aria-label": f"第 {n} 项 增减量", "step": "any"}),
            )

    def rows(self):
        """Bound fields grouped per change row, for the template."""
        return [(self[f"unit_{i}"], self[f"field_{i}"], self[f"delta_{i}"]) for i in range(WHAT_IF_ROWS)]

    def clean(self):
        data = super().clean()
        changes = []
        for i in range(WHAT_IF_ROWS):
            unit, field, delta = data.get(f"unit_{i}"), data.get(f"field_{i}"), data.get(f"delta_{i}")
            if not unit and not field and delta in (None, 0):
                continue
            if not unit or not field or delta is None:
                raise forms.ValidationError(f"第 {i + 1} 项：请同时选择学校单元、调整内容并填写增减量")
            if field == "students" and delta != delta.to_integral_value():
                raise forms.ValidationError(f"第 {i + 1} 项：在校生增减须为整数")
            code, stage = unit.split(":", 1)
            if stage == SCHOOL and field not in PHYSICAL_FIELDS:
                raise forms.ValidationError(f"第 {i + 1} 项：在校生和教师须按学段调整，请选择学校的某一学段")
            if field in PHYSICAL_FIELDS and code in self.multi_part:
                stage = SCHOOL  # shared resources: the change is the whole school's
            changes.append((code, stage, field, float(delta)))
        data["changes"] = changes
        return data
