"""Filters of the dashboards (GET forms). An invalid value shows its error next to the field and
is ignored, so a stale link never breaks the page."""

from django import forms

from indicators.engine import RULESETS
from schools.models import UrbanRural

STAGE_CHOICES = [("", "全部学段"), ("primary", "小学"), ("junior", "初中")]
SORT_DIRECTIONS = [("asc", "升序"), ("desc", "降序")]


class AreaFilterForm(forms.Form):
    stage = forms.ChoiceField(label="学段", choices=STAGE_CHOICES, required=False)
    township = forms.ChoiceField(label="乡镇（街道）", required=False)
    urban_rural = forms.ChoiceField(
        label="城乡类型", choices=[("", "全部")] + list(UrbanRural.choices), required=False
    )

    def __init__(self, data=None, *, townships: list[str]):
        super().__init__(data)
        self.fields["township"].choices = [("", "全部乡镇")] + [(t, t) for t in townships]
        for field in self.fields.values():
            field.widget.attrs["data-autosubmit"] = ""

    def values(self) -> dict:
        """The valid filters ('' for none); invalid ones are dropped."""
        if not self.is_bound:
            return {name: "" for name in self.fields}
        self.is_valid()
        return {name: self.cleaned_data.get(name, "") or "" for name in self.fields}


class SchoolsTableForm(AreaFilterForm):
    scheme = forms.ChoiceField(
        label="评估方案",
        required=False,
        choices=[("", "最新（优质均衡优先）")] + [(k, r.label) for k, r in RULESETS.items()],
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    dir = forms.ChoiceField(choices=SORT_DIRECTIONS, required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, townships: list[str], sort_keys: set[str]):
        super().__init__(data, townships=townships)
        self.sort_keys = sort_keys
        self.fields["scheme"].widget.attrs["data-autosubmit"] = ""

    def clean_sort(self):
        value = self.cleaned_data.get("sort") or ""
        if value and value not in self.sort_keys:
            raise forms.ValidationError("无法按该列排序")
        return value
