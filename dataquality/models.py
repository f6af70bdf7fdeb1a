"""Stored findings of the validation rules (dataquality.rules), one row per finding identity."""

from django.conf import settings
from django.db import models

from dataquality import rules
from schools.models import County, School

RULE_CHOICES = [(key, rule.label) for key, rule in rules.RULES.items()]
SEVERITY_CHOICES = list(rules.SEVERITY_LABELS.items())


class Finding(models.Model):
    """One finding of one rule at one school for a county's school year.

    Its identity is (county, year, rule, school, subject): a later run that finds the same thing
    updates this row. ``fingerprint`` hashes the values: an accepted finding stays accepted while
    the figures are the same, and reopens as soon as they change. A finding the rules no longer
    produce is kept inactive (``active`` False), so that an acceptance survives a fix and undo.
    """

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        ACCEPTED = "accepted", "已注明原因"

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="quality_findings", verbose_name="区县")
    year = models.PositiveSmallIntegerField("学年")
    rule = models.CharField("规则", max_length=40, choices=RULE_CHOICES)
    severity = models.CharField("严重程度", max_length=10, choices=SEVERITY_CHOICES)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="quality_findings", verbose_name="学校")
    subject = models.CharField("对象", max_length=120)
    field = models.CharField("字段", max_length=60)
    values = models.JSONField("数值", default=dict)
    message = models.CharField("说明", max_length=500)
    target = models.CharField("修改位置", max_length=12, default=rules.TARGET_SCHOOL)
    fingerprint = models.CharField("数值指纹", max_length=64)
    active = models.BooleanField("仍存在", default=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField("原因说明", max_length=500, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="注明人")
    accepted_at = models.DateTimeField("注明时间", null=True, blank=True)
    first_seen = models.DateTimeField("首次发现", auto_now_add=True)
    last_seen = models.DateTimeField("最近核查")

    class Meta:
        verbose_name = "数据质量问题"
        verbose_name_plural = "数据质量问题"
        ordering = ["county", "-year", "severity", "school__code", "rule", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "rule", "school", "subject"], name="finding_unique_identity"),
        ]
        indexes = [models.Index(fields=["county", "year", "active", "status"])]

    def __str__(self):
        return f"{self.school} {self.get_rule_display()}"

    @property
    def blocking(self) -> bool:
        return self.severity == rules.BLOCKING

    @property
    def accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED


class Check(models.Model):
    """The latest run of the rules for a county and year: tells "checked, nothing found" from "never checked"."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="quality_checks", verbose_name="区县")
    year = models.PositiveSmallIntegerField("学年")
    checked_at = models.DateTimeField("核查时间")
    blocking = models.PositiveIntegerField("须修正", default=0)
    warning = models.PositiveIntegerField("须核实", default=0)

    class Meta:
        verbose_name = "数据质量核查"
        verbose_name_plural = "数据质量核查"
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="quality_check_unique_county_year")]

    def __str__(self):
        return f"{self.county} {self.year} 数据质量核查"
