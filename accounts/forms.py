from django import forms
from django.contrib.auth.password_validation import validate_password

from accounts.models import AuditEntry, Role, User
from accounts.roles import AREA_REVIEWERS, COUNTY_LEVEL
from schools.models import County, Region, School, Township


class UserForm(forms.ModelForm):
    """Create or edit a user with one role and the area it acts for."""

    password = forms.CharField(
        label="密码",
        widget=forms.PasswordInput,
        required=False,
        help_text="新建用户必填；修改时留空表示不变。至少 10 位，不能全是数字。",
    )

    class Meta:
        model = User
        fields = [
            "username",
            "display_name",
            "role",
            "unit",
            "phone",
            "email",
            "county",
            "township",
            "school",
            "region",
            "is_active",
        ]

    # What an account may never change about itself: its role and its area (no one widens their
    # own scope), and whether it is active (no one locks themselves out by accident).
    SELF_LOCKED = ("role", "county", "township", "school", "region", "is_active")

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.scoped_county_id = actor.county_id  # None: an unscoped admin
        counties = County.objects.all()
        townships = Township.objects.select_related("county")
        schools = School.objects.select_related("township")
        if self.scoped_county_id is not None:
            counties = counties.filter(pk=self.scoped_county_id)
            townships = townships.filter(county_id=self.scoped_county_id)
            schools = schools.filter(county_id=self.scoped_county_id)
            # City and province reviewers act above any county: only an unscoped admin creates them.
            self.fields["role"].choices = [
                c for c in self.fields["role"].choices if c[0] != Role.ADMIN and c[0] not in AREA_REVIEWERS
            ]
            self.fields["county"].required = True
            del self.fields["region"]
        else:
            self.fields["region"].queryset = Region.objects.all()
            self.fields["region"].help_text = "仅市级复核人员（选市）、省级评估人员（选省）填写"
        self.fields["county"].queryset = counties
        self.fields["township"].queryset = townships
        self.fields["school"].queryset = schools
        self.fields["school"].label_from_instance = lambda s: f"{s.code} {s.name}"
        if self.instance.pk is not None and self.instance.pk == actor.pk:
            for name in self.SELF_LOCKED:
                self.fields[name].disabled = True
                self.fields[name].help_text = "不能修改自己的角色、管辖范围或启用状态，请联系上级管理员。"

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if not self.instance.pk and not password:
            raise forms.ValidationError("新建用户必须设置密码")
        if password:
            validate_password(password, self.instance)
        return password

    def clean(self):
        data = super().clean()
        # Derive the upper levels from the lowest one chosen, so areas can never disagree.
        school, township = data.get("school"), data.get("township")
        if school:
            data["township"] = township = school.township
        if township:
            data["county"] = township.county
        for key in ("county", "township", "school"):
            setattr(self.instance, key, data.get(key))
        role = data.get("role")
        if self.scoped_county_id is not None:
            # A county admin manages its own county's non-admin accounts, nothing wider.
            if role == Role.ADMIN:
                self.add_error("role", "只有不限区县的系统管理员可以设置管理员账号")
            county = data.get("county")
            if county is None or county.pk != self.scoped_county_id:
                self.add_error("county", "只能管理本区县的账号")
        if role in AREA_REVIEWERS:
            # A reviewer acts for a region, never for one county of it.
            self.instance.county = self.instance.township = self.instance.school = None
            data["county"] = data["township"] = data["school"] = None
        elif "region" in self.fields:
            self.instance.region = None
            data["region"] = None
        if role in COUNTY_LEVEL:
            self.instance.township = self.instance.school = None
            data["township"] = data["school"] = None
        elif role == Role.TOWNSHIP:
            self.instance.school = None
            data["school"] = None
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password"):
            user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


class AuditFilterForm(forms.Form):
    username = forms.CharField(label="操作人", required=False)
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "全部")] + list(AuditEntry.Action.choices)
    )
    object_type = forms.CharField(label="对象类型", required=False)
    q = forms.CharField(label="对象关键词", required=False)
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label="动态验证码",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
