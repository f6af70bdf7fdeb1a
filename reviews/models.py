"""Site-visit rehearsal (实地核查预演): the recorded draw of schools and each school's checklist.

A draw and its drawn schools are immutable once made (the point of a seeded draw is that it can
be shown not to have been chosen by hand); the checklist of a drawn school is filled and changed
through reviews.services, which audits every save.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from reviews import transitions as flow
from schools.models import County, School


class Immutable(models.Model):
    """Rows that are written once: saving an existing row or deleting one is refused."""

    immutable_message = "抽样结果一经生成不可修改"
    undeletable_message = "抽样结果一经生成不可删除"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(self.immutable_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(self.undeletable_message)


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


# --- submissions (报送) and their review -------------------------------------------------------


class SubmissionState(models.TextChoices):
    PENDING_CITY = flow.PENDING_CITY, flow.STATE_LABELS[flow.PENDING_CITY]
    CITY_RETURNED = flow.CITY_RETURNED, flow.STATE_LABELS[flow.CITY_RETURNED]
    PENDING_PROVINCE = flow.PENDING_PROVINCE, flow.STATE_LABELS[flow.PENDING_PROVINCE]
    PROVINCE_RETURNED = flow.PROVINCE_RETURNED, flow.STATE_LABELS[flow.PROVINCE_RETURNED]
    PROVINCE_PASSED = flow.PROVINCE_PASSED, flow.STATE_LABELS[flow.PROVINCE_PASSED]


class Level(models.TextChoices):
    COUNTY = flow.COUNTY, flow.LEVEL_LABELS[flow.COUNTY]
    CITY = flow.CITY, flow.LEVEL_LABELS[flow.CITY]
    PROVINCE = flow.PROVINCE, flow.LEVEL_LABELS[flow.PROVINCE]


class Submission(Immutable):
    """One version of a county's application as filed: a snapshot of the package's data,
    assessment, county items and evidence list (reviews.submissions.build_snapshot), with the
    sha256 of its canonical JSON.

    Written once: ``save()`` of an existing row and ``delete()`` are refused, and the database
    refuses an UPDATE of anything but ``state`` (trigger of migration 0002). ``state`` moves only
    through reviews.submissions (a conditional UPDATE, with a ReviewStep and an audit entry)."""

    immutable_message = "报送材料一经提交不可修改"
    undeletable_message = "报送材料一经提交不可删除"

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="submissions", verbose_name="区县"
    )
    version = models.PositiveIntegerField("报送版本")
    year = models.PositiveSmallIntegerField("学年")
    package = models.ForeignKey(
        "applications.ApplicationPackage",
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name="申报材料",
    )
    snapshot = models.JSONField("报送内容")
    fingerprint = models.CharField("内容指纹（SHA-256）", max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="报送人"
    )
    submitted_at = models.DateTimeField("报送时间")
    state = models.CharField(
        "状态", max_length=20, choices=SubmissionState.choices, default=SubmissionState.PENDING_CITY
    )

    class Meta:
        verbose_name = "报送"
        verbose_name_plural = "报送"
        ordering = ["county", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["county", "version"], name="submission_unique_version")
        ]

    def __str__(self):
        return f"{self.county.name} 第{self.version}次报送"

    @property
    def state_css(self) -> str:
        return flow.STATE_CSS[self.state]


class ReviewStep(Immutable):
    """One dated, signed step of a submission: submitted, returned (with the reason) or passed."""

    immutable_message = "审核记录不可修改"
    undeletable_message = "审核记录不可删除"

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="steps", verbose_name="报送"
    )
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    action = models.CharField("操作", max_length=20, choices=list(flow.ACTION_LABELS.items()))
    state_from = models.CharField("原状态", max_length=20, blank=True)
    state_to = models.CharField("新状态", max_length=20, choices=SubmissionState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="操作人"
    )
    at = models.DateTimeField("时间")
    reason = models.TextField("理由", blank=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["submission", "at", "id"]

    def __str__(self):
        return f"{self.submission} {self.get_action_display()}"


class CommentTarget(models.TextChoices):
    TABLE = "table", "表格"
    ITEM = "item", "县级指标"
    SCHOOL = "school", "学校"


class ReviewComment(models.Model):
    """A reviewer's comment on one table, item or school of a submission, and the county's answer.

    The comment itself is never changed; only the answer is filled in (reviews.submissions)."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="comments", verbose_name="报送"
    )
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    target_kind = models.CharField("对象类型", max_length=10, choices=CommentTarget.choices)
    target_key = models.CharField("对象", max_length=60)
    target_label = models.CharField("对象名称", max_length=200)
    text = models.TextField("意见")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提出人"
    )
    created_at = models.DateTimeField("提出时间")
    answer = models.TextField("区县答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="答复人",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "复核意见"
        verbose_name_plural = "复核意见"
        ordering = ["submission", "created_at", "id"]

    def __str__(self):
        return f"{self.submission} {self.target_label}：{self.text[:20]}"
