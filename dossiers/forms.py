from django import forms

from indicators.engine import RULESETS


class DossierRequestForm(forms.Form):
    year = forms.IntegerField(
        label="学年",
        min_value=2000,
        max_value=2100,
        help_text="学年的起始年份，例如 2025 表示 2025—2026 学年",
    )
    scheme = forms.ChoiceField(label="评估方案", choices=[(k, r.label) for k, r in RULESETS.items()])
