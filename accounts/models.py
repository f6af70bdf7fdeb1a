from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from accounts import roles
from accounts.roles import Role

__all__ = ["AuditEntry", "Role", "User"]


class User(AbstractUser):
    """A user and the one area they act for.

    bureau staff and inspectors: a county; township officials: a township (and its county);
    school reporters: a school (and its township and county); city and province reviewers: a
    region (市 / 省), reading one of its counties at a time; admins: everything.
    """

    role = models.CharField("角色", max_length=10, choices=Role.choices, default=Role.BUREAU)
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    unit = models.CharField("单位", max_length=100, blank=True, help_text="例如：县教育局督导室、城关镇政府")
    county = models.ForeignKey(
        "schools.County", null=True, blank=True, on_delete=models.PROTECT, verbose_name="区县"
    )
    township = models.ForeignKey(
        "schools.Township", null=True, blank=True, on_delete=models.PROTECT, verbose_name="乡镇"
    )
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, verbose_name="学校"
    )
    # City and province reviewers: the 市 or 省 whose counties they review (no county of their own).
    region = models.ForeignKey(
        "schools.Region", null=True, blank=True, on_delete=models.PROTECT, verbose_name="所属省市"
    )

    # The county a reviewer chose to look at (accounts.middleware.ActingCountyMiddleware sets it
    # from the session on every request, after checking it lies in the region); never stored.
    acting_county_id = None

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username

    def clean(self):
        super().clean()
        needs = {
            Role.BUREAU: ("county",),
            Role.INSPECTOR: ("county",),
            Role.TOWNSHIP: ("county", "township"),
            Role.SCHOOL: ("county", "township", "school"),
        }.get(self.role, ())
        missing = [f for f in needs if getattr(self, f + "_id") is None]
        if missing:
            labels = {"county": "区县", "township": "乡镇", "school": "学校"}
            raise ValidationError(
                f"角色“{self.get_role_display()}”必须指定：" + "、".join(labels[m] for m in missing)
            )
        if self.role in roles.AREA_REVIEWERS:
            self._clean_region()
        elif self.region_id is not None:
            raise ValidationError("只有市级、省级复核人员可以指定所属省市")
        if self.school_id and self.township_id and self.school.township_id != self.township_id:
            raise ValidationError("学校不属于所选乡镇")
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            raise ValidationError("乡镇不属于所选区县")

    def _clean_region(self):
        level = "city" if self.role == Role.CITY else "province"
        if self.region_id is None:
            raise ValidationError(f"角色“{self.get_role_display()}”必须指定：所属省市")
        if self.region.level != level:
            raise ValidationError(
                f"角色“{self.get_role_display()}”的所属省市应为{'市' if level == 'city' else '省'}级区域"
            )
        if self.county_id or self.township_id or self.school_id:
            raise ValidationError("市级、省级复核人员不属于某个区县，请勿指定区县、乡镇或学校")

    # What the user may do, from the one declaration in accounts.roles; templates use these
    # directly ({% if user.writes_county %}) instead of comparing role strings.
    @property
    def is_read_only(self) -> bool:
        return self.role in roles.READ_ONLY

    @property
    def sees_personal_data(self) -> bool:
        """Inspectors and area reviewers see aggregates and masked lists only."""
        return self.role not in roles.READ_ONLY

    @property
    def is_unscoped(self) -> bool:
        """An admin without a county acts for every county."""
        return self.role == Role.ADMIN and self.county_id is None

    @property
    def is_area_reviewer(self) -> bool:
        """A city or province reviewer: reads the counties of a region, one chosen at a time."""
        return self.role in roles.AREA_REVIEWERS

    @property
    def writes_reviews(self) -> bool:
        return self.role in roles.REVIEW_WRITERS

    @property
    def reads_county(self) -> bool:
        return self.role in roles.COUNTY_READERS

    @property
    def writes_county(self) -> bool:
        return self.role in roles.COUNTY_WRITERS

    @property
    def writes_school_data(self) -> bool:
        return self.role in roles.SCHOOL_DATA_WRITERS

    @property
    def reads_staffing(self) -> bool:
        return self.role in roles.STAFFING_READERS

    @property
    def works_cases(self) -> bool:
        return self.role in roles.CASE_WORKERS

    @property
    def writes_area(self) -> bool:
        return self.role in roles.AREA_WRITERS

    @property
    def closes_ledger(self) -> bool:
        return self.role in roles.LEDGER_CLOSERS

    @property
    def manages_users(self) -> bool:
        return self.role in roles.USER_MANAGERS

    @property
    def area_label(self) -> str:
        if self.role == Role.SCHOOL and self.school_id:
            return self.school.name
        if self.role == Role.TOWNSHIP and self.township_id:
            return self.township.name
        if self.role in roles.AREA_REVIEWERS:
            return self.region.name if self.region_id else "未指定省市"
        if self.county_id:
            return self.county.name
        return "全部区县"


class AuditEntry(models.Model):
    """An append-only record of a change or of a view of personal data."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        TRANSITION = "transition", "状态变更"
        VIEW = "view", "查看个人信息"
        IMPORT = "import", "导入"
        EXPORT = "export", "导出"
        LOGIN = "login", "登录"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, verbose_name="操作人")
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=12, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    county = models.ForeignKey(
        "schools.County", null=True, blank=True, on_delete=models.SET_NULL, verbose_name="区县"
    )
    changes = models.JSONField("变更（原值 → 新值）", default=dict, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("审计记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("审计记录不可删除")

    @property
    def object_type_label(self) -> str:
        """The Chinese name of the audited kind of object (never "app.Model")."""
        model = self._model()
        return str(model._meta.verbose_name) if model else self.object_type

    @property
    def changes_display(self) -> list[tuple[str, str, str]]:
        """``(field label, old, new)`` per change, with choice keys and yes/no written as a person
        reads them ("状态：未启动 → 已完成", never "status: not_started → completed")."""
        model = self._model()
        rows = []
        for name, change in (self.changes or {}).items():
            field = _field_or_none(model, name)
            label = str(field.verbose_name) if field is not None else name
            if isinstance(change, list | tuple) and len(change) == 2:
                rows.append((label, _display_value(field, change[0]), _display_value(field, change[1])))
            else:
                rows.append((label, "", _display_value(field, change)))
        return rows

    def _model(self):
        try:
            return apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return None


def _field_or_none(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist, or a name that is not a field (e.g. "password")
        return None


def _display_value(field, value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):  # a structured value: its parts, never a crash of the audit page
        return "；".join(f"{k}：{_display_value(None, v)}" for k, v in value.items()) or "（空）"
    if isinstance(value, (list, tuple)):  # a many-to-many field's ids (e.g. a ledger item's schools)
        return "、".join(_display_value(field, v) for v in value) or "（空）"
    choices = dict(field.flatchoices) if field is not None and getattr(field, "choices", None) else {}
    return str(choices.get(value, value))
