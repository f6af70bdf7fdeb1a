from django import forms
from django.db.models import Q
from django.forms.models import fields_for_model
from django.utils import timezone

from accounts.access import READ_ONLY
from accounts.models import Role, User
from dropout_control import rules
from dropout_control.models import (
    CaseStatus,
    CohortFigure,
    DeliveryMethod,
    DropoutCase,
    Line,
    Outcome,
    PersuasionLog,
    RegisterCheck,
    ResponsibleLevel,
)
from dropout_control.services import LEDGER_FIELDS
from schools.models import SCHOOL_ORDER, TOWNSHIP_ORDER, School, SchoolType
from schools.selectors import schools_visible_to, townships_visible_to


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CaseForm(forms.ModelForm):
    """The ledger fields. A township official's township and a reporter's school are fixed."""

    class Meta:
        model = DropoutCase
        fields = LEDGER_FIELDS
        widgets = {
            "birth_date": DateInput(),
            "absent_since": DateInput(),
            "reason_detail": forms.Textarea(attrs={"rows": 3}),
            "assistance_measures": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = (
            townships_visible_to(user).select_related("county").order_by(*TOWNSHIP_ORDER)
        )
        self.fields["school"].queryset = (
            schools_visible_to(user).exclude(school_type=SchoolType.TEACHING_POINT).order_by(*SCHOOL_ORDER)
        )
        self.fields[
            "id_number"
        ].help_text = "18 位，末位校验码按 GB 11643 检查；同一身份证号只能有一个未销号个案"
        if user.role == Role.TOWNSHIP:
            self.fields["township"].disabled = True
            self.initial.setdefault("township", user.township_id)
        if user.role == Role.SCHOOL:
            for name, value in (("township", user.township_id), ("school", user.school_id)):
                self.fields[name].disabled = True
                self.initial.setdefault(name, value)
            self.fields["school"].required = True

    def clean_id_number(self):
        return (self.cleaned_data.get("id_number") or "").strip().upper()


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("open", "未销号")] + list(CaseStatus.choices)
    )
    township = forms.ChoiceField(label="乡镇", required=False)
    school = forms.ChoiceField(label="学校", required=False)
    overdue = forms.ChoiceField(label="逾期", required=False, choices=[("", "全部"), ("1", "仅逾期")])
    q = forms.CharField(
        label="查找",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "编号 / 姓名 / 身份证号"}),
    )

    def __init__(self, *args, townships, schools, **kwargs):
        super().__init__(*args, **kwargs)
        townships, schools = list(townships), list(schools)
        self.fields["township"].choices = [("", "全部")] + [(str(t.pk), t.name) for t in townships]
        self.fields["school"].choices = [("", "全部")] + [(str(s.pk), s.name) for s in schools]
        # A filter with one possible value only takes room (a township official has one township).
        if len(townships) <= 1:
            del self.fields["township"]
        if len(schools) <= 1:
            del self.fields["school"]
        for name in ("status", "township", "school", "overdue"):
            if name in self.fields:
                self.fields[name].widget.attrs["data-autosubmit"] = ""


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def __init__(self, *args, label="说明", help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = label
        self.fields["note"].help_text = help_text


class OptionalNoteForm(RequiredNoteForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = False


class VisitForm(forms.ModelForm):
    attachment_file = forms.FileField(
        label="附件（可选）", required=False, help_text="走访照片、谈话记录等：PDF、JPG、PNG 或 Word"
    )

    class Meta:
        model = PersuasionLog
        fields = ("visited_on", "method", "gov_people", "edu_people", "result", "result_detail")
        widgets = {"visited_on": DateInput(), "result_detail": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("visited_on", timezone.localdate())


def _county_schools(case):
    # The child's own school is offered (and preselected) even when it is a teaching point.
    return (
        School.objects.filter(
            Q(county_id=case.county_id) & (~Q(school_type=SchoolType.TEACHING_POINT) | Q(pk=case.school_id))
        )
        .select_related("township")
        .order_by(*SCHOOL_ORDER)
    )


class NoticeIssueForm(forms.Form):
    school = forms.ModelChoiceField(label="返校（入学）学校", queryset=School.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = _county_schools(case)
        self.initial.setdefault("school", case.school_id)


class NoticeServeForm(forms.Form):
    delivered_on = forms.DateField(label="送达日期", widget=DateInput())
    delivery_method = forms.ChoiceField(label="送达方式", choices=DeliveryMethod.choices)
    receiver = forms.CharField(label="签收人", max_length=50, help_text="监护人本人或代收人姓名")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("delivered_on", timezone.localdate())


class CloseRequestForm(forms.Form):
    outcome = forms.ChoiceField(label="销号结果", choices=Outcome.choices)
    outcome_school = forms.ModelChoiceField(
        label="返回（安置）学校", queryset=School.objects.none(), required=False, help_text="返校复学时必填"
    )
    outcome_date = forms.DateField(
        label="返校（安置）日期", required=False, widget=DateInput(), help_text="返校复学时必填"
    )
    outcome_note = forms.CharField(
        label="证明说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="转学、特教安置、送教上门、延缓入学等须上传证明材料或在此说明",
    )
    proof = forms.FileField(label="证明材料（可选）", required=False, help_text="PDF、JPG、PNG 或 Word")

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_school"].queryset = _county_schools(case)
        self.initial.setdefault("outcome_school", case.school_id)
        if case.status == rules.SUSPECTED:
            allowed = rules.CLOSE_OUTCOMES[rules.SUSPECTED]
            self.fields["outcome"].choices = [(v, label) for v, label in Outcome.choices if v in allowed]


class ResponsibleForm(forms.Form):
    """Six levels × (platform user or name, phone)."""

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        users = (
            User.objects.filter(county_id=case.county_id, is_active=True)
            .exclude(role__in=READ_ONLY)
            .order_by("role", "display_name", "username")
        )
        current = {r.level: r for r in case.responsibles.all()}
        self.levels = []
        for level, label in ResponsibleLevel.choices:
            row = current.get(level)
            self.fields[f"{level}_user"] = forms.ModelChoiceField(
                label=f"{label}：平台用户",
                queryset=users,
                required=False,
                initial=row.user_id if row else None,
            )
            self.fields[f"{level}_name"] = forms.CharField(
                label="或姓名", required=False, max_length=50, initial=row.name if row else ""
            )
            self.fields[f"{level}_phone"] = forms.CharField(
                label="电话", required=False, max_length=20, initial=row.phone if row else ""
            )
            self.levels.append((label, self[f"{level}_user"], self[f"{level}_name"], self[f"{level}_phone"]))

    def assignments(self) -> dict:
        return {
            level: {
                "user": self.cleaned_data.get(f"{level}_user"),
                "name": self.cleaned_data.get(f"{level}_name"),
                "phone": self.cleaned_data.get(f"{level}_phone"),
            }
            for level in ResponsibleLevel.values
        }


class LetterForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    line = forms.ChoiceField(label="责任线", choices=Line.choices)
    township = forms.ModelChoiceField(label="乡镇", queryset=None)
    school = forms.ModelChoiceField(
        label="学校", queryset=None, required=False, help_text="不选 = 乡镇一级的责任书"
    )
    party_a = forms.CharField(label="甲方", required=False, max_length=100, help_text="例如：滨河县人民政府")
    party_b = forms.CharField(label="乙方", required=False, max_length=100, help_text="例如：城关镇人民政府")
    signed_on = forms.DateField(label="签订日期", widget=DateInput())
    scan = forms.FileField(label="扫描件", required=False, help_text="PDF、JPG 或 PNG")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships_visible_to(user).order_by(*TOWNSHIP_ORDER)
        self.fields["school"].queryset = (
            schools_visible_to(user).exclude(school_type=SchoolType.TEACHING_POINT).order_by(*SCHOOL_ORDER)
        )
        self.initial.setdefault("year", timezone.localdate().year)
        if user.role == Role.TOWNSHIP:
            self.initial.setdefault("township", user.township_id)
        if user.role == Role.SCHOOL:
            for name, value in (("township", user.township_id), ("school", user.school_id)):
                self.fields[name].disabled = True
                self.initial.setdefault(name, value)


class RegisterCheckForm(forms.Form):
    """Plain form over the model's fields: re-entering a school's term updates its row (the
    service decides), so the model's uniqueness must not turn that into a form error."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                RegisterCheck,
                fields=(
                    "school",
                    "year",
                    "term",
                    "done_on",
                    "on_register",
                    "at_school",
                    "suspected_found",
                    "note",
                ),
                widgets={"done_on": DateInput()},
            )
        )
        self.fields["school"].queryset = (
            schools_visible_to(user).exclude(school_type=SchoolType.TEACHING_POINT).order_by(*SCHOOL_ORDER)
        )
        year, term = rules.term_of(timezone.localdate())
        self.initial.setdefault("year", year)
        self.initial.setdefault("term", term)
        self.initial.setdefault("done_on", timezone.localdate())
        if user.role == Role.SCHOOL:
            self.fields["school"].disabled = True
            self.initial.setdefault("school", user.school_id)


class CohortForm(forms.Form):
    """Plain form over the model's fields: re-entering a school and year corrects its row."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                CohortFigure,
                fields=(
                    "school",
                    "year",
                    "grade1_entrants",
                    "grade7_entrants",
                    "junior_graduates",
                    "transfers_in",
                    "transfers_out",
                    "deaths",
                ),
            )
        )
        self.fields["school"].queryset = (
            schools_visible_to(user).exclude(school_type=SchoolType.TEACHING_POINT).order_by(*SCHOOL_ORDER)
        )
        self.initial.setdefault("year", timezone.localdate().year)


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
