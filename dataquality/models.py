"""Stored findings of the validation rules (dataquality.rules), one row per finding identity."""

from django.conf import settings
from django.db import models

from balance_inspect.jobs import BackgroundJob
from dataquality import matching, reconcile, rules
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

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="quality_findings", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField("学年")
    rule = models.CharField("规则", max_length=40, choices=RULE_CHOICES)
    severity = models.CharField("严重程度", max_length=10, choices=SEVERITY_CHOICES)
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="quality_findings", verbose_name="学校"
    )
    subject = models.CharField("对象", max_length=120)
    field = models.CharField("字段", max_length=60)
    values = models.JSONField("数值", default=dict)
    message = models.CharField("说明", max_length=500)
    target = models.CharField("修改位置", max_length=12, default=rules.TARGET_SCHOOL)
    fingerprint = models.CharField("数值指纹", max_length=64)
    active = models.BooleanField("仍存在", default=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField("原因说明", max_length=500, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="注明人",
    )
    accepted_at = models.DateTimeField("注明时间", null=True, blank=True)
    first_seen = models.DateTimeField("首次发现", auto_now_add=True)
    last_seen = models.DateTimeField("最近核查")

    class Meta:
        verbose_name = "数据质量问题"
        verbose_name_plural = "数据质量问题"
        ordering = ["county", "-year", "severity", "school__code", "rule", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "rule", "school", "subject"], name="finding_unique_identity"
            ),
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

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="quality_checks", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField("学年")
    checked_at = models.DateTimeField("核查时间")
    blocking = models.PositiveIntegerField("须修正", default=0)
    warning = models.PositiveIntegerField("须核实", default=0)

    class Meta:
        verbose_name = "数据质量核查"
        verbose_name_plural = "数据质量核查"
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="quality_check_unique_county_year")
        ]

    def __str__(self):
        return f"{self.county} {self.year} 数据质量核查"


class MatchBatch(BackgroundJob):
    """One 四查三比对 run of a county: the four uploaded lists and the three result lists.

    A background job (matching a county's lists takes minutes): the upload stores the files and
    queues the row; the worker reads and matches them (dataquality.match_services.batch_match) and
    the job's ``status`` says where that is. ``list_status`` is the life of the lists once matched.

    The uploaded files hold minors' ID numbers: they are deleted when bureau staff confirm the
    match, when the lists cannot be matched (the job fails with the reason), and at the latest
    DATAQUALITY_LIST_RETENTION_DAYS after upload (then the result lists are cleared as well, only
    the counts stay). ``result`` holds the hits as plain dicts (dataquality.matching.Hit) so that
    rows can be filed as cases by their index.
    """

    class ListStatus(models.TextChoices):
        MATCHED = "matched", "待确认"
        CONFIRMED = "confirmed", "已确认（原始名单已删除）"
        EXPIRED = "expired", "已过保存期（名单已删除）"

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="match_batches", verbose_name="区县"
    )
    school_year = models.PositiveSmallIntegerField("学年")
    list_status = models.CharField(
        "名单状态", max_length=10, choices=ListStatus.choices, default=ListStatus.MATCHED
    )
    absence_days = models.PositiveSmallIntegerField("缺勤天数阈值")
    files = models.JSONField("上传文件", default=dict, blank=True)  # {list key: {"path", "name"}}
    result = models.JSONField("比对结果", default=dict, blank=True)
    counts = models.JSONField("统计", default=dict, blank=True)  # {township: {kind: n}} — no personal data
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="上传人",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    expires_at = models.DateTimeField("名单删除期限")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="确认人",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    files_deleted_at = models.DateTimeField("文件删除时间", null=True, blank=True)

    task_name = "dataquality.tasks.match_batch_task"

    class Meta:
        verbose_name = "四查三比对"
        verbose_name_plural = "四查三比对"
        ordering = ["county", "-created_at"]
        indexes = [models.Index(fields=["files_deleted_at", "expires_at"])]

    def __str__(self):
        return f"{self.county} {self.school_year} 四查三比对 #{self.pk}"

    @property
    def totals(self) -> list[tuple[str, int]]:
        """(list label, children) over every township: counts only, safe to show to inspectors."""
        return [
            (label, sum(kinds.get(kind, 0) for kinds in (self.counts or {}).values()))
            for kind, label in matching.RESULT_LABELS.items()
        ]


RECONCILE_KIND_CHOICES = [(key, kind.label) for key, kind in reconcile.LIST_KINDS.items()]


class ColumnMapping(models.Model):
    """Which column of a national system's export holds each field of a 对账 list, remembered per
    county and list kind: applied again without asking while the export's headers match."""

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="column_mappings", verbose_name="区县"
    )
    kind = models.CharField("名单", max_length=10, choices=RECONCILE_KIND_CHOICES)
    mapping = models.JSONField("列对应关系", default=dict)  # {our header: the export's header}
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="设置人",
    )
    updated_at = models.DateTimeField("设置时间", auto_now=True)

    class Meta:
        verbose_name = "名单列对应关系"
        verbose_name_plural = "名单列对应关系"
        constraints = [models.UniqueConstraint(fields=["county", "kind"], name="column_mapping_unique_kind")]

    def __str__(self):
        return f"{self.county} {self.get_kind_display()}列对应关系"


class ReconcileRun(models.Model):
    """One uploaded 学籍名单 or 教师名单 compared with the county's figures of a school year.

    Only counts are kept (``counts``: reconcile.ListCounts as a dict — students per school and
    grade, teachers per school and stage, problem row numbers); names and ID numbers are never
    stored. The upload waits in default_storage under dataquality/reconcile/ while a background
    job reads it (READING: a county's list is too long to read within a request) and while the
    user still has to say which column holds what (PENDING); it is deleted as soon as the list is
    counted, fails or is cancelled, at the latest after DATAQUALITY_LIST_RETENTION_DAYS (the
    workbench's purge task). The differences are computed when read, against the current data.
    """

    class Status(models.TextChoices):
        READING = "reading", "正在读取"
        PENDING = "pending", "待选择列对应关系"
        DONE = "done", "已比对"
        FAILED = "failed", "读取失败"
        CANCELLED = "cancelled", "已取消"

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="reconcile_runs", verbose_name="区县"
    )
    kind = models.CharField("名单", max_length=10, choices=RECONCILE_KIND_CHOICES)
    year = models.PositiveSmallIntegerField("学年")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.READING)
    error = models.TextField("失败原因", blank=True)
    file_name = models.CharField("文件名", max_length=120)
    headers = models.JSONField("表头", default=list)  # the export's column names (no personal data)
    mapping = models.JSONField("列对应关系", default=dict, blank=True)
    pending_path = models.CharField("待读取文件", max_length=200, blank=True)
    expires_at = models.DateTimeField("文件删除期限")
    counts = models.JSONField("人数统计", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="上传人",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    compared_at = models.DateTimeField("比对时间", null=True, blank=True)

    class Meta:
        verbose_name = "国家系统名单对账"
        verbose_name_plural = "国家系统名单对账"
        ordering = ["county", "-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"{self.county} {self.year} {self.get_kind_display()}对账 #{self.pk}"

    @property
    def list_kind(self) -> reconcile.ListKind:
        return reconcile.LIST_KINDS[self.kind]

    @property
    def last_read(self):
        return self.reads.order_by("-pk").first()


class ReconcileRead(BackgroundJob):
    """The background reading of a run's upload: the header row (and the counts when the columns
    are known from our template or the county's saved mapping), or, after the mapping step, the
    counts with the columns the user picked (``positions``)."""

    task_name = "dataquality.tasks.read_reconcile_list_task"

    run = models.ForeignKey(ReconcileRun, on_delete=models.CASCADE, related_name="reads", verbose_name="对账")
    positions = models.JSONField("选择的列", default=dict, blank=True)  # {field: column}; {} = decide
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="提交人",
    )

    class Meta:
        verbose_name = "对账名单读取"
        verbose_name_plural = "对账名单读取"

    def __str__(self):
        return f"{self.run} 读取 #{self.pk}"
