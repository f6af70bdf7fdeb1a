from django import forms


class AcceptForm(forms.Form):
    reason = forms.CharField(label="原因说明", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="说明数据为何如此（如“5 名随班就读学生未单独编班”），督学可见")


class RunForm(forms.Form):
    year = forms.IntegerField(label="学年", min_value=2000, max_value=2100)
