"""Rectification ledger (整改台账), inspection-prep plan (迎检任务) and archive checklist (档案目录).

Every write goes through rectification.services, which audits it; status values change only
through one service function per transition.
"""

import uuid

from django.conf import settings
from django.db import models

from schools.models import County, School


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    COMPLETED = "completed", "已完成"
    CLOSED = "closed", "已销号"
    LONG_TERM = "long_term", "长期坚持"


# Items that still need work before the inspection (long-term items are kept up, not "open").
OPEN_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.COMPLETED)


class Source(models.TextChoices):
    PROVINCIAL = "provincial", "省级反馈"
    CITY = "city", "市级复核"
    SELF_CHECK = "self_check", "自查"
    ASSESSMENT = "assessment", "评估发现"


class StageChoice(models.TextChoices):
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"


def _stored_name(folder: str, county_code: str, filename: str) -> str:
    # The stored name never contains anything from the uploader: the original name is kept in
    # a column and only used for the download's Content-Disposition.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"rectification/{folder}/{county_code}/{uuid.uuid4().hex}.{ext}"


def evidence_path(instance, filename):
    return _stored_name("evidence", instance.item.county.code, filename)


def archive_path(instance, filename):
    return _stored_name("archive", instance.county.code, filename)


class RectificationItem(models.Model):
    """One line of the ledger (domain.md §8)."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="rectification_items", verbose_name="区县"
    )
    number = models.PositiveIntegerField("序号")
    source = models.CharField("问题来源", max_length=12, choices=Source.choices)
    source_no = models.PositiveIntegerField("反馈序号", null=True, blank=True)
    source_item = models.TextField("反馈原文", blank=True)
    source_team = models.CharField("反馈组", max_length=100, blank=True)
    source_date = models.DateField("反馈日期", null=True, blank=True)
    problem = models.TextField("问题描述")
    indicator = models.CharField("涉及指标", max_length=40, blank=True)
    stage = models.CharField("学段", max_length=8, choices=StageChoice.choices, blank=True)
    year = models.PositiveSmallIntegerField("评估学年", null=True, blank=True)
    schools = models.ManyToManyField(
        School, blank=True, related_name="rectification_items", verbose_name="涉及学校"
    )
    target = models.TextField("整改目标", blank=True)
    measures = models.TextField("整改措施", blank=True)
    lead_unit = models.CharField("牵头单位", max_length=100)
    cooperating_units = models.CharField("配合单位", max_length=300, blank=True)
    responsible_person = models.CharField("责任人", max_length=50, blank=True)
    deadline = models.DateField("完成时限")
    status = models.CharField(
        "整改状态", max_length=12, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    verification_opinion = models.TextField("核查意见", blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="销号人",
    )
    remarks = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["county", "number"]
        constraints = [
            models.UniqueConstraint(fields=["county", "number"], name="rectification_item_unique_number")
        ]
        indexes = [models.Index(fields=["county", "status"]), models.Index(fields=["county", "deadline"])]

    def __str__(self):
        return f"第{self.number}项 {self.problem[:40]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ProgressEntry(models.Model):
    """A dated progress report (monthly, or whenever something happened)."""

    item = models.ForeignKey(
        RectificationItem, on_delete=models.CASCADE, related_name="progress", verbose_name="整改事项"
    )
    date = models.DateField("日期")
    text = models.TextField("进展情况")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="填报人",
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date} {self.text[:30]}"


class StoredFile(models.Model):
    """What evidence and archive files share: content-checked kind, size, hash, uploader."""

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
        abstract = True

    def __str__(self):
        return self.original_name


class EvidenceFile(StoredFile):
    item = models.ForeignKey(
        RectificationItem, on_delete=models.CASCADE, related_name="evidence", verbose_name="整改事项"
    )
    file = models.FileField("文件", upload_to=evidence_path, max_length=200)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "id"]


class TaskStatus(models.TextChoices):
    TODO = "todo", "未开始"
    DOING = "doing", "进行中"
    DONE = "done", "已完成"


class PrepTaskTemplate(models.Model):
    """A line of the backward plan: due ``days_before`` days before the inspection (T-n)."""

    key = models.SlugField("代码", max_length=30, unique=True)
    title = models.CharField("任务", max_length=100)
    days_before = models.PositiveSmallIntegerField("提前天数")
    owner_unit = models.CharField("责任单位", max_length=100)
    description = models.TextField("说明", blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "迎检任务模板"
        verbose_name_plural = "迎检任务模板"
        ordering = ["-days_before", "key"]

    def __str__(self):
        return f"T-{self.days_before} {self.title}"


class PrepTask(models.Model):
    """A task of a county's inspection-prep plan.

    Tasks from a template carry its offset; while ``follows_inspection_date`` is true their
    deadline moves with the inspection date. Editing the deadline by hand detaches it.
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="prep_tasks", verbose_name="区县"
    )
    template = models.ForeignKey(
        PrepTaskTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name="模板",
    )
    title = models.CharField("任务", max_length=100)
    description = models.TextField("说明", blank=True)
    owner_unit = models.CharField("责任单位", max_length=100)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prep_tasks",
        verbose_name="责任人",
    )
    days_before = models.PositiveSmallIntegerField("提前天数", null=True, blank=True)
    follows_inspection_date = models.BooleanField("随国检日期调整", default=False)
    deadline = models.DateField("完成时限")
    status = models.CharField("状态", max_length=8, choices=TaskStatus.choices, default=TaskStatus.TODO)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "迎检任务"
        verbose_name_plural = "迎检任务"
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "template"],
                condition=models.Q(template__isnull=False),
                name="prep_task_unique_template",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def offset_label(self) -> str:
        return f"T-{self.days_before}" if self.days_before is not None else ""


class ArchivePoint(models.Model):
    """A point of the archive checklist (see rectification/archive_tree.py for the seed)."""

    code = models.CharField("编号", max_length=8, unique=True)
    folder = models.CharField("卷", max_length=2)
    name = models.CharField("名称", max_length=100)
    criterion = models.CharField("评估要求", max_length=300, blank=True)
    indicator = models.CharField("对应指标", max_length=40, blank=True)
    documents = models.TextField("应备材料", help_text="每行一项")
    required_count = models.PositiveSmallIntegerField("应备材料数")
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "档案目录条目"
        verbose_name_plural = "档案目录"
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class ArchiveFile(StoredFile):
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="archive_files", verbose_name="区县"
    )
    point = models.ForeignKey(
        ArchivePoint, on_delete=models.PROTECT, related_name="files", verbose_name="档案条目"
    )
    file = models.FileField("文件", upload_to=archive_path, max_length=200)

    class Meta:
        verbose_name = "档案材料"
        verbose_name_plural = "档案材料"
        ordering = ["point__order", "uploaded_at", "id"]
        indexes = [models.Index(fields=["county", "point"])]


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    ACCEPTED = "accepted", "已采纳"
    DISCARDED = "discarded", "已忽略"


class Proposal(models.Model):
    """A rectification item suggested by an assessment's gap plan, until staff accept or discard it.

    ``key`` names the gap ("unit:<school>:<stage>:<indicator>" or "cv:<stage>:<indicator>"), so the
    same gap found again by a later assessment is recognised.
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="rectification_proposals", verbose_name="区县"
    )
    assessment = models.ForeignKey(
        "indicators.Assessment",
        on_delete=models.PROTECT,
        related_name="rectification_proposals",
        verbose_name="来源评估",
    )
    key = models.CharField("缺口标识", max_length=80)
    indicator = models.CharField("涉及指标", max_length=40)
    stage = models.CharField("学段", max_length=8, choices=StageChoice.choices, blank=True)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="学校"
    )
    school_codes = models.JSONField("涉及学校标识码", default=list, blank=True)
    problem = models.TextField("问题描述")
    target = models.TextField("整改目标")
    status = models.CharField(
        "状态", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    item = models.ForeignKey(
        RectificationItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        verbose_name="整改事项",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="处理人",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理说明", max_length=300, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改建议"
        verbose_name_plural = "整改建议"
        ordering = ["county", "status", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "key"], name="proposal_unique_key")]
        indexes = [models.Index(fields=["county", "status", "key"])]

    def __str__(self):
        return self.problem[:60]
