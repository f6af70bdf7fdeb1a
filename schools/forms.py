"""Forms of the schools app."""

from django import forms

from domain import vocabulary as vocab
from schools.columns import AREAS, CONDITIONS, TEMPLATES, CellError, areas_stored, areas_text, parse_areas
from schools.models import SchoolConditions, school_year_label

# --- conditions of one school year (schools.services.conditions_update / conditions_create) ----

STUDENT_FIELDS = ("primary_students", "junior_students", "senior_students")
CONDITION_FIELDS = (
    *STUDENT_FIELDS,
    "building_area",
    "sports_area",
    "equipment_value",
    "computers",
    "books",
    "multimedia_rooms",
    "music_rooms",
    "art_rooms",
    "music_room_areas",
    "art_room_areas",
    "full_time_teachers",
)
# (areas field, the count it must match, its template column): one declaration, schools.columns.
AREA_FIELDS = tuple(
    (c.attribute, CONDITIONS.column(c.count_header).attribute, c)
    for c in CONDITIONS.columns
    if c.type == AREAS
)
_INTEGER_MESSAGES = {"invalid": "请输入整数", "min_value": "不能为负数", "required": "请填写此项"}
_DECIMAL_MESSAGES = {
    "invalid": "请输入数字",
    "min_value": "不能为负数",
    "required": "请填写此项",
    "max_digits": "数值过大",
    "max_whole_digits": "数值过大",
    "max_decimal_places": "最多保留 2 位小数",
}
_DECIMAL_FIELDS = ("building_area", "sports_area", "equipment_value")


class ConditionsForm(forms.ModelForm):
    """A school's conditions in one year. Students of a stage the school does not have must be 0."""

    class Meta:
        model = SchoolConditions
        fields = CONDITION_FIELDS
        error_messages = {
            f: (_DECIMAL_MESSAGES if f in _DECIMAL_FIELDS else _INTEGER_MESSAGES) for f in CONDITION_FIELDS
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        for name in ("music_rooms", "art_rooms"):
            self.fields[name].help_text = "未统计可留空"
        self.fields[
            "full_time_teachers"
        ].help_text = "全校各学段合计；未统计可留空（留空则不与教师花名册核对）"
        for name, _count, column in AREA_FIELDS:
            # The areas are edited as the template's cell text ("96；102.5"), not as JSON.
            self.fields[name] = forms.CharField(
                label=f"{column.header}(㎡)",
                required=False,
                help_text=f"每间一个数，用“；”分隔；{column.note}",
            )
            if self.instance.pk:
                self.initial[name] = areas_text(getattr(self.instance, name))

    def _clean_areas(self, name):
        text = self.cleaned_data.get(name) or ""
        if not text.strip():
            return []
        try:
            return areas_stored(parse_areas(text))
        except CellError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_music_room_areas(self):
        return self._clean_areas("music_room_areas")

    def clean_art_room_areas(self):
        return self._clean_areas("art_room_areas")

    def clean(self):
        cleaned = super().clean()
        for name, count_name, column in AREA_FIELDS:
            areas, count = cleaned.get(name), cleaned.get(count_name)
            if areas and len(areas) != (count or 0):
                self.add_error(
                    name, f"填写了 {len(areas)} 间教室的面积，与{column.count_header}（{count or 0}）不一致"
                )
        school = self.school
        stages = (
            ("primary_students", vocab.PRIMARY),
            ("junior_students", vocab.JUNIOR),
            ("senior_students", vocab.SENIOR),
        )
        for name, label in stages:
            if not vocab.has_stage(school.school_type, label) and cleaned.get(name):
                self.add_error(name, f"该校为{school.school_type}，没有{label}学段，{label}在校生数应为 0")
        return cleaned


class ConditionsCreateForm(ConditionsForm):
    """The same form for a school year that has no conditions yet."""

    year = forms.IntegerField(
        label="学年",
        min_value=2000,
        max_value=2100,
        help_text="学年起始年份，如 2025 表示 2025—2026学年",
        error_messages={
            "invalid": "请输入四位年份",
            "min_value": "年份不能早于 2000",
            "max_value": "年份不能晚于 2100",
            "required": "请填写学年",
        },
    )
    field_order = ("year", *CONDITION_FIELDS)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if SchoolConditions.objects.filter(school=self.school, year=year).exists():
            raise forms.ValidationError(f"该校{school_year_label(year)}的办学条件已存在，请直接修改")
        return year


# --- import (schools.importing) ------------------------------------------------------------


class ImportUploadForm(forms.Form):
    """Choose a template kind and an xlsx file; the kinds offered are those the user may import."""

    kind = forms.ChoiceField(label="数据类型")
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        help_text="按模板填写的 .xlsx 文件；导入前会先显示预览和全部错误，确认后才写入。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, TEMPLATES[k].label) for k in kinds]
