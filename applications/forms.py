from django import forms

from .models import CountyFacts, Eligibility, FieldVisits


class PackageRequestForm(forms.Form):
    year = forms.IntegerField(
        label="数据学年",
        min_value=2000,
        max_value=2100,
        help_text="学年的起始年份，例如 2025 表示 2025—2026 学年（于 2026 年 3 月底前申报）",
    )


class CountyFactsForm(forms.ModelForm):
    class Meta:
        model = CountyFacts
        fields = [
            "population",
            "agricultural_population",
            "villages",
            "gdp_per_capita",
            "fiscal_revenue_per_capita",
            "farmer_income",
            "urban_income",
            "special_schools",
            "source",
        ]
        help_texts = {
            "population": "常住人口，保留两位小数",
            "source": "如：2025 年县统计年鉴、县财政局决算报告",
        }


class EligibilityForm(forms.ModelForm):
    class Meta:
        model = Eligibility
        fields = ["basic_recognition_year", "document"]


class FieldVisitsForm(forms.ModelForm):
    class Meta:
        model = FieldVisits
        fields = ["visited", "satisfied", "parents_visited", "parents_satisfied", "note"]
