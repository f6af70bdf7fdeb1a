"""Forms of the workforce app."""

from django import forms

from workforce.importing import TEMPLATES


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）", error_messages={"required": "请选择要导入的文件"})

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = TEMPLATES[kind]
        self.fields["file"].help_text = "表头：" + "、".join(self.template.headers)


class ApprovedPostsForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    posts = forms.IntegerField(
        label="核定编制数",
        min_value=0,
        max_value=100000,
        error_messages={"required": "请填写核定编制数", "min_value": "不能为负数", "invalid": "请输入整数"},
    )
    note = forms.CharField(label="备注", max_length=200, required=False)
