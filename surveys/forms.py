from django import forms
from django.core import signing

from surveys.engine import AWARENESS_LABELS, SCALE_LABELS
from surveys.models import SCHOOL_GROUPS, Invitation, Question, RespondentGroup, Survey

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "year", "period", "intro", "opens_on", "closes_on"]
        widgets = {"opens_on": DATE, "closes_on": DATE, "intro": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"year": "学年起始年份，与指标评估一致，例如 2025 表示 2025—2026学年"}

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", "截止日期不能早于开始日期")
        return data


class QuestionForm(forms.ModelForm):
    options_text = forms.CharField(
        label="选项（单选题，每行一个）", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    groups = forms.MultipleChoiceField(
        label="适用对象", choices=RespondentGroup.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Question
        fields = ["order", "kind", "item", "text", "groups", "required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["options_text"] = "\n".join(self.instance.options)
        self.order_fields(["order", "kind", "item", "text", "options_text", "groups", "required"])

    def clean(self):
        data = super().clean()
        options = [line.strip() for line in data.get("options_text", "").splitlines() if line.strip()]
        if data.get("kind") == Question.Kind.CHOICE and len(options) < 2:
            self.add_error("options_text", "单选题至少需要两个选项")
        data["options"] = options if data.get("kind") == Question.Kind.CHOICE else []
        return data

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("order", "kind", "item", "text", "options", "groups", "required")}


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["school", "group", "label", "target", "quota"]

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].required = False

    def clean(self):
        data = super().clean()
        target, quota = data.get("target"), data.get("quota")
        if target is not None and quota is not None and quota < target:
            self.add_error("quota", "答卷上限不能小于样本目标")
        return data


class GenerateInvitationsForm(forms.Form):
    groups = forms.MultipleChoiceField(
        label="调查对象",
        widget=forms.CheckboxSelectMultiple,
        choices=[(g.value, g.label) for g in SCHOOL_GROUPS],
        initial=[RespondentGroup.PARENT, RespondentGroup.TEACHER],
    )
    target = forms.IntegerField(label="每校每类样本目标", min_value=1, max_value=100000, initial=30)
    quota = forms.IntegerField(label="每个链接答卷上限", min_value=1, max_value=100000, initial=60)

    def clean(self):
        data = super().clean()
        if data.get("target") and data.get("quota") and data["quota"] < data["target"]:
            self.add_error("quota", "答卷上限不能小于样本目标")
        return data


# --- the public answer form -------------------------------------------------------------------

NONCE_SALT = "surveys.answer-form"


def sign_nonce(invitation_id: int, nonce: str) -> str:
    return signing.dumps([invitation_id, nonce], salt=NONCE_SALT, compress=False)


def read_nonce(signed: str, invitation_id: int, max_age_seconds: int) -> str | None:
    """The nonce of a form issued for this invitation within max_age, else None."""
    try:
        inv, nonce = signing.loads(signed, salt=NONCE_SALT, max_age=max_age_seconds)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if inv != invitation_id or not isinstance(nonce, str) or not 16 <= len(nonce) <= 32:
        return None
    return nonce


class AnswerForm(forms.Form):
    """The questions of one respondent group; field q<id> per question, plus the signed nonce."""

    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"q{q.pk}"] = self._field(q)

    @staticmethod
    def _field(q: Question) -> forms.Field:
        label = q.text
        if q.kind == Question.Kind.TEXT:
            return forms.CharField(
                label=label,
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
            )
        if q.kind == Question.Kind.SCALE:
            choices = [(v, SCALE_LABELS[v]) for v in (5, 4, 3, 2, 1)]
        elif q.kind == Question.Kind.AWARENESS:
            choices = [(v, AWARENESS_LABELS[v]) for v in (1, 0)]
        else:
            choices = list(enumerate(q.options))
        return forms.TypedChoiceField(
            label=label,
            required=q.required,
            choices=choices,
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages={"required": "请选择一项"},
        )

    def answers(self) -> dict[int, tuple[int | None, str]]:
        out = {}
        for q in self.questions:
            value = self.cleaned_data.get(f"q{q.pk}")
            if q.kind == Question.Kind.TEXT:
                out[q.pk] = (None, (value or "").strip())
            else:
                out[q.pk] = (value, "")
        return out

    def items(self) -> list[dict]:
        """Plain per-question data for the answer template.

        The template writes the radio inputs itself instead of going through Django's widget
        templates: a 15-question page would otherwise render ~70 widget templates per request,
        which made the page several times slower than the rest of the app's pages.
        """
        errors = self.errors if self.is_bound else {}
        out = []
        for n, q in enumerate(self.questions, start=1):
            name = f"q{q.pk}"
            field = self.fields[name]
            current = self.data.get(name, "") if self.is_bound else ""
            item = {
                "n": n,
                "q": q,
                "name": name,
                "required": field.required,
                "errors": errors.get(name, []),
                "text": current if q.kind == Question.Kind.TEXT else "",
                "max_length": 1000,
            }
            if q.kind != Question.Kind.TEXT:
                item["choices"] = [
                    (f"{name}_{i}", str(v), label, str(v) == current)
                    for i, (v, label) in enumerate(field.choices)
                ]
            out.append(item)
        return out
