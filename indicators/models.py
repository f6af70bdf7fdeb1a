"""Stored assessments and the county-level items bureau staff enter.

An Assessment is a background job whose result is the data-contract §3 document; once done it
never changes (a new assessment is a new row), so every page, export and dossier that reads it
shows the same numbers.
"""

from django.conf import settings
from django.db import models

from balance_inspect.jobs import BackgroundJob
from domain.schemes import BASIC_2012, QUALITY_2017, SCHEME_LABELS

from .county_items import BY_KEY


class Scheme(models.TextChoices):
    BASIC_2012 = BASIC_2012, SCHEME_LABELS[BASIC_2012]
    QUALITY_2017 = QUALITY_2017, SCHEME_LABELS[QUALITY_2017]


class Assessment(BackgroundJob):
    """One computation of a county's indicators for one school year under one scheme.

    ``result`` is the full JSON document (data-contract §3 plus warnings, checks, county_items,
    gaps, settings, input_fingerprint); ``inputs`` keeps the units and classes it was computed
    from, so the what-if recomputes exactly this assessment without reading current data.
    ``fingerprint`` identifies the input: a request with the same fingerprint reuses the row.
    """

    county = models.ForeignKey(
        "schools.County", on_delete=models.PROTECT, related_name="assessments", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField("学年")
    scheme = models.CharField("评估方案", max_length=20, choices=Scheme.choices)
    fingerprint = models.CharField("输入指纹", max_length=64, blank=True, db_index=True)
    passed = models.BooleanField("是否通过", null=True, blank=True)
    result = models.JSONField("评估结果", null=True, blank=True)
    inputs = models.JSONField("计算输入（单元与班级）", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="发起人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    task_name = "indicators.tasks.run_assessment_task"

    class Meta:
        verbose_name = "指标评估"
        verbose_name_plural = "指标评估"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["county", "year", "scheme", "status"])]

    def __str__(self):
        return f"{self.county} {self.year}学年 {self.get_scheme_display()} #{self.pk}"


class CountyItemValue(models.Model):
    """What bureau staff entered for one county-level item (indicators.county_items) in one year.

    ``inputs`` holds the item's structured fields (field name → decimal string, 是/否 as "1"/"0",
    monitoring levels 1–4) and ``conclusion`` its brief conclusion; ``value`` is the judged
    figure computed from them (e.g. 特殊教育生均公用经费; 1/0 for 是/否 items and items judged on
    several conditions) and ``passed`` the verdict, both computed by the service when saved.
    """

    county = models.ForeignKey(
        "schools.County", on_delete=models.PROTECT, related_name="county_item_values", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField("学年")
    key = models.CharField("项目", max_length=40)
    value = models.DecimalField("录入值", max_digits=14, decimal_places=4, null=True, blank=True)
    inputs = models.JSONField("填报数据", default=dict, blank=True)
    conclusion = models.TextField("简要结论", blank=True)
    passed = models.BooleanField("是否达标", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="录入人",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "县级评估项目"
        verbose_name_plural = "县级评估项目"
        ordering = ["county", "-year", "key"]
        constraints = [models.UniqueConstraint(fields=["county", "year", "key"], name="county_item_unique")]

    def __str__(self):
        return f"{self.county} {self.year}学年 {self.label}"

    @property
    def label(self) -> str:
        spec = BY_KEY.get(self.key)
        return spec.label if spec else self.key


def evidence_path(instance, filename):
    # The stored name never uses the uploaded name: it could carry path tricks or personal data.
    item = instance.item
    return (
        f"indicators/evidence/{item.county_id}/{item.year}/{item.key}/{instance.sha256[:16]}.{instance.kind}"
    )


class CountyItemEvidence(models.Model):
    """An evidence file of a county item, validated by content and served only after an access check."""

    item = models.ForeignKey(
        CountyItemValue, on_delete=models.CASCADE, related_name="evidence", verbose_name="县级评估项目"
    )
    file = models.FileField("文件", upload_to=evidence_path, max_length=255)
    original_name = models.CharField("原文件名", max_length=255)
    kind = models.CharField("类型", max_length=10)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "县级项目佐证材料"
        verbose_name_plural = "县级项目佐证材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class ProvinceAssessmentRun(BackgroundJob):
    """One assessment of every county of a province or city (Region), fanned out over the workers.

    The run's task sends one step per county (each stores an ordinary Assessment of that county
    through the county service) and the county that completes the set sends the finish step —
    a chord without a result backend, like the dossier's parts. Progress is counties finished.
    A county that fails is recorded on its row with the reason; the run then ends failed with
    the list, and a retry assesses only the counties not done.
    """

    region = models.ForeignKey(
        "schools.Region", on_delete=models.PROTECT, related_name="assessment_runs", verbose_name="区域"
    )
    year = models.PositiveSmallIntegerField("学年")
    scheme = models.CharField("评估方案", max_length=20, choices=Scheme.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="发起人",
    )
    # Written by the finish step: counties, done, failed, passed, not_passed, incomplete, seconds.
    summary = models.JSONField("汇总", null=True, blank=True)

    task_name = "indicators.tasks.run_province_assessment_task"

    class Meta:
        verbose_name = "区域评估"
        verbose_name_plural = "区域评估"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.region} {self.year}学年 {self.get_scheme_display()} #{self.pk}"


class ProvinceAssessmentCounty(models.Model):
    """One county of a region's assessment run: its state, its Assessment, or why it failed."""

    class Status(models.TextChoices):
        PENDING = "pending", "待评估"
        RUNNING = "running", "评估中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    run = models.ForeignKey(
        ProvinceAssessmentRun, on_delete=models.CASCADE, related_name="counties", verbose_name="区域评估"
    )
    county = models.ForeignKey(
        "schools.County", on_delete=models.PROTECT, related_name="+", verbose_name="区县"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="评估"
    )
    passed = models.BooleanField("是否通过", null=True, blank=True)
    error = models.TextField("失败原因", blank=True)
    seconds = models.FloatField("用时（秒）", default=0)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "区域评估的区县"
        verbose_name_plural = "区域评估的区县"
        ordering = ["run", "county__code"]
        constraints = [models.UniqueConstraint(fields=["run", "county"], name="province_run_county_unique")]

    def __str__(self):
        return f"{self.county} {self.get_status_display()}"
