from django import forms

from dataquality import reconcile


class AcceptForm(forms.Form):
    reason = forms.CharField(
        label="原因说明",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="说明数据为何如此（如“5 名随班就读学生未单独编班”），督学可见",
    )


class RunForm(forms.Form):
    year = forms.IntegerField(label="学年", min_value=2000, max_value=2100)


class MatchUploadForm(forms.Form):
    school_year = forms.IntegerField(
        label="学年（起始年份）",
        min_value=2000,
        max_value=2100,
        help_text="例如 2024 表示 2024—2025 学年；适龄按该年 8 月 31 日计算（6—15 周岁）",
    )
    household = forms.FileField(
        label="户籍名单（必填）", help_text="列：姓名、身份证号、出生日期（可无）、乡镇、村"
    )
    register = forms.FileField(
        label="学籍名单（必填）",
        help_text="列：学校标识码、姓名、身份证号、年级、班级、学籍状态（可加学籍号）",
    )
    attendance = forms.FileField(
        label="考勤名单", required=False, help_text="列：身份证号（或学籍号）、缺勤天数"
    )
    family = forms.FileField(
        label="脱贫户名单", required=False, help_text="列：户主姓名、姓名、身份证号、乡镇、村"
    )


class ReconcileUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="名单",
        choices=[(k.key, f"{k.label}（{k.system}导出）") for k in reconcile.LIST_KINDS.values()],
        widget=forms.RadioSelect,
    )
    year = forms.IntegerField(
        label="学年（起始年份）",
        min_value=2000,
        max_value=2100,
        help_text="与本平台哪一学年的办学条件、班级和教师花名册比对，例如 2025 表示 2025—2026 学年",
    )
    file = forms.FileField(
        label="名单文件（.xlsx）",
        help_text="可直接上传国家系统导出的文件：表头与模板不同时，下一步选择各列的对应关系（本县只需设置一次）",
    )
