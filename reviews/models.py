"""Site-visit rehearsal (实地核查预演): the recorded draw of schools and each school's checklist.

A draw and its drawn schools are immutable once made (the point of a seeded draw is that it can
be shown not to have been chosen by hand); the checklist of a drawn school is filled and changed
through reviews.services, which audits every save.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from schools.models import County, School


class Immutable(models.Model):
    """Rows that are written once: saving an existing row or deleting one is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("抽样结果一经生成不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("抽样结果一经生成不可删除")


class SiteVisitDraw(Immutable):
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="site_visit_draws", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField("学年")
    seed = models.BigIntegerField("随机种子")
    # What the draw used, so that it can be re-run and checked: counts, the assessment it read
    # weakness from, size-band rule; `inputs` holds every candidate as plain data (reviews.draw).
    parameters = models.JSONField("抽样设置", default=dict)
    inputs = models.JSONField("候选学校", default=list)
    input_digest = models.CharField("候选数据指纹", max_length=64)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="抽取人",
    )
    created_at = models.DateTimeField("抽取时间", auto_now_add=True)

    class Meta:
        verbose_name = "实地核查抽样"
        verbose_name_plural = "实地核查抽样"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.county.name} 实地核查抽样 #{self.pk}"


class DrawnSchool(Immutable):
    """One school of a draw, with the reason it was drawn (reviews.draw.Pick)."""

    draw = models.ForeignKey(
        SiteVisitDraw, on_delete=models.PROTECT, related_name="schools", verbose_name="抽样"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", verbose_name="学校")
    position = models.PositiveSmallIntegerField("序号")
    kind = models.CharField("抽取方式", max_length=16)
    stratum = models.CharField("分层", max_length=60)
    reason = models.CharField("抽取原因", max_length=200)

    class Meta:
        verbose_name = "抽中学校"
        verbose_name_plural = "抽中学校"
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "school"], name="drawn_school_unique"),
            models.UniqueConstraint(fields=["draw", "position"], name="drawn_school_unique_position"),
        ]

    def __str__(self):
        return f"{self.school.name}（抽样 #{self.draw_id}）"


class Verdict(models.TextChoices):
    UNCHECKED = "unchecked", "未查"
    CONFORMS = "conforms", "符合"
    FAILS = "fails", "不符合"


class VisitRecord(models.Model):
    """What the visiting team found at one drawn school: interviews for 表Ⅵ and who saved last."""

    drawn = models.OneToOneField(
        DrawnSchool, on_delete=models.PROTECT, related_name="record", verbose_name="抽中学校"
    )
    # 表Ⅵ 实地走访: people interviewed and satisfied, in all and of them parents.
    interviewed = models.PositiveIntegerField("访谈人数", default=0)
    satisfied = models.PositiveIntegerField("满意人数", default=0)
    parents_interviewed = models.PositiveIntegerField("其中家长访谈人数", default=0)
    parents_satisfied = models.PositiveIntegerField("其中家长满意人数", default=0)
    visited_on = models.DateField("核查日期", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="填写人",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "实地核查记录"
        verbose_name_plural = "实地核查记录"

    def __str__(self):
        return f"{self.drawn.school.name} 实地核查记录"


class VisitCheck(models.Model):
    """One line of the checklist (an item of the 学校自评表) at one drawn school."""

    record = models.ForeignKey(
        VisitRecord, on_delete=models.CASCADE, related_name="checks", verbose_name="核查记录"
    )
    key = models.CharField("核查项", max_length=40)
    verdict = models.CharField("结论", max_length=10, choices=Verdict.choices, default=Verdict.UNCHECKED)
    note = models.CharField("情况说明", max_length=300, blank=True)
    # The ledger item a 不符合 became (once: a later save never files it again).
    ledger_item = models.OneToOneField(
        "rectification.RectificationItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="site_visit_check",
        verbose_name="整改事项",
    )

    class Meta:
        verbose_name = "核查项"
        verbose_name_plural = "核查项"
        constraints = [models.UniqueConstraint(fields=["record", "key"], name="visit_check_unique_key")]

    def __str__(self):
        return f"{self.record} {self.key}"


def photo_path(instance, filename):
    # Nothing from the uploader in the stored name; the original is kept for display only.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"reviews/photos/{instance.record.drawn.draw.county.code}/{uuid.uuid4().hex}.{ext}"


class VisitPhoto(models.Model):
    record = models.ForeignKey(
        VisitRecord, on_delete=models.CASCADE, related_name="photos", verbose_name="核查记录"
    )
    key = models.CharField("核查项", max_length=40, blank=True)
    file = models.FileField("照片", upload_to=photo_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    description = models.CharField("说明", max_length=200, blank=True)
    kind = models.CharField("类型", max_length=8)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "核查照片"
        verbose_name_plural = "核查照片"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
