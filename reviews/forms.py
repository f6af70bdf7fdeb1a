from django import forms

from reviews import checklist
from reviews.models import CommentTarget, Verdict
from reviews.services import PHOTO_KINDS, SEED_MAX
from reviews.submissions import comment_targets


class DrawForm(forms.Form):
    seed = forms.IntegerField(
        label="随机种子",
        required=False,
        min_value=0,
        max_value=SEED_MAX,
        help_text="留空则由系统随机生成；同一种子和同一数据总是抽出同样的学校",
    )
    note = forms.CharField(label="说明", max_length=200, required=False)


class ChecklistForm(forms.Form):
    """Each item of the 学校自评表 (符合 / 不符合 / 未查 and a note), the interviews and the date."""

    visited_on = forms.DateField(
        label="核查日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    interviewed = forms.IntegerField(label="访谈人数", min_value=0, initial=0)
    satisfied = forms.IntegerField(label="满意人数", min_value=0, initial=0)
    parents_interviewed = forms.IntegerField(label="其中家长访谈人数", min_value=0, initial=0)
    parents_satisfied = forms.IntegerField(label="其中家长满意人数", min_value=0, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in checklist.ITEMS:
            self.fields[f"v_{item.key}"] = forms.ChoiceField(
                label=item.label, choices=Verdict.choices, initial=Verdict.UNCHECKED, widget=forms.RadioSelect
            )
            self.fields[f"n_{item.key}"] = forms.CharField(label="情况说明", max_length=300, required=False)

    def checks(self) -> dict:
        data = self.cleaned_data
        return {item.key: (data[f"v_{item.key}"], data[f"n_{item.key}"]) for item in checklist.ITEMS}

    def counts(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in ("interviewed", "satisfied", "parents_interviewed", "parents_satisfied")
        }


class PhotoForm(forms.Form):
    file = forms.FileField(
        label="照片",
        help_text="JPG 或 PNG",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
        error_messages={"required": "请选择照片。", "empty": "所选文件是空文件（0 字节）。"},
    )
    key = forms.ChoiceField(
        label="对应核查项",
        required=False,
        choices=[("", "（不限）"), *((i.key, i.label) for i in checklist.ITEMS)],
    )
    description = forms.CharField(label="说明", max_length=200, required=False)

    kinds = PHOTO_KINDS


# --- submissions -------------------------------------------------------------------------------


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由 / 说明",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="退回时必填",
    )


class CommentForm(forms.Form):
    """A comment on one table, county item or school of a submission (choices from its snapshot)."""

    target = forms.ChoiceField(label="意见对象")
    text = forms.CharField(label="意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, snapshot: dict, **kwargs):
        super().__init__(*args, **kwargs)
        targets = comment_targets(snapshot)
        self.fields["target"].choices = [
            (CommentTarget(kind).label, [(f"{kind}:{key}", label) for key, label in targets[kind].items()])
            for kind in (CommentTarget.TABLE, CommentTarget.ITEM, CommentTarget.SCHOOL)
            if targets[kind]
        ]
