"""Forms of the schools app."""

from django import forms

from schools.columns import TEMPLATES


# --- import (schools.importing) ------------------------------------------------------------

class ImportUploadForm(forms.Form):
    """Choose a template kind and an xlsx file; the kinds offered are those the user may import."""

    kind = forms.ChoiceField(label="数据类型")
    file = forms.FileField(label="Excel 文件（.xlsx）",
                           help_text="按模板填写的 .xlsx 文件；导入前会先显示预览和全部错误，确认后才写入。",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, TEMPLATES[k].label) for k in kinds]
