import django_filters
from django import forms
from django.utils import timezone

from accounts.access import COUNTY_WRITERS
from accounts.models import User
from rectification.models import OPEN_STATUSES, ItemStatus, PrepTask, RectificationItem, Source
from rectification.selectors import indicator_catalogue, mine_q
from schools.models import School

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ItemForm(forms.ModelForm):
    """The ledger fields of an item; the status changes only through the transition views."""

    indicator = forms.ChoiceField(label="涉及指标", required=False)
    schools = forms.ModelMultipleChoiceField(
        label="涉及学校",
        queryset=School.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="按住 Ctrl 可多选",
    )

    class Meta:
        model = RectificationItem
        fields = [
            "source",
            "source_no",
            "source_date",
            "source_team",
            "source_item",
            "problem",
            "indicator",
            "stage",
            "year",
            "schools",
            "target",
            "measures",
            "lead_unit",
            "cooperating_units",
            "responsible_person",
            "deadline",
            "remarks",
        ]
        widgets = {
            "source_date": DATE,
            "deadline": DATE,
            "source_item": forms.Textarea(attrs={"rows": 2}),
            "problem": forms.Textarea(attrs={"rows": 3}),
            "target": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 4}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "（不涉及具体指标）"), *indicator_catalogue()]
        self.fields["schools"].queryset = School.objects.filter(county=county).order_by("code")
        if self.instance.pk:
            self.fields["schools"].initial = list(self.instance.schools.all())

    def item_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "schools"}


class ProgressForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class CloseForm(forms.Form):
    verification = forms.CharField(
        label="核查意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="写明核查方式、核查人和结论，如“经实地核查，已新建运动场 3200 ㎡，整改到位”。",
    )


class LongTermForm(forms.Form):
    note = forms.CharField(label="长效机制说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class ReopenForm(forms.Form):
    reason = forms.CharField(label="重新打开原因", widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="文件",
        help_text="PDF、JPG、PNG、Word（docx）或 Excel（xlsx）",
        error_messages={
            "required": "请选择要上传的文件。",
            "empty": "所选文件是空文件（0 字节），请检查后重新选择。",
        },
    )
    description = forms.CharField(label="说明", max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="反馈问题清单（xlsx）")


class InspectionDateForm(forms.Form):
    inspection_date = forms.DateField(label="国检日期", widget=DATE)


class TaskForm(forms.ModelForm):
    class Meta:
        model = PrepTask
        fields = ["title", "description", "owner_unit", "owner_user", "deadline"]
        widgets = {"deadline": DATE, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = User.objects.filter(
            county=county, role__in=COUNTY_WRITERS, is_active=True
        ).order_by("username")
        self.fields["owner_user"].required = False

    def task_data(self) -> dict:
        return dict(self.cleaned_data)


class ProposalAcceptForm(forms.Form):
    lead_unit = forms.CharField(label="牵头单位", max_length=100)
    responsible_person = forms.CharField(label="责任人", max_length=50, required=False)
    deadline = forms.DateField(label="完成时限", widget=DATE)
    measures = forms.CharField(
        label="整改措施", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )


class DiscardForm(forms.Form):
    reason = forms.CharField(label="忽略原因", max_length=300)


class LedgerFilter(django_filters.FilterSet):
    """Filters of the ledger list and export: status, source, lead unit, overdue, mine."""

    status = django_filters.ChoiceFilter(label="状态", choices=ItemStatus.choices, empty_label="全部状态")
    source = django_filters.ChoiceFilter(label="来源", choices=Source.choices, empty_label="全部来源")
    lead_unit = django_filters.CharFilter(label="牵头单位", lookup_expr="icontains")
    overdue = django_filters.BooleanFilter(
        label="仅看逾期", method="filter_overdue", widget=forms.CheckboxInput
    )
    mine = django_filters.BooleanFilter(label="我负责的", method="filter_mine", widget=forms.CheckboxInput)

    class Meta:
        model = RectificationItem
        fields = ["status", "source", "lead_unit"]

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES, deadline__lt=timezone.localdate())

    def filter_mine(self, queryset, name, value):
        if not value or self.request is None:
            return queryset
        return queryset.filter(
            mine_q(self.request.user, unit_field="lead_unit", person_field="responsible_person")
        )
