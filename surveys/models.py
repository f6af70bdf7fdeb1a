"""Public satisfaction self-surveys (社会认可度): questionnaires, invitations, anonymous answers.

Answers are anonymous by construction: a Response row knows its invitation (school and
respondent group), the day it came in and a random form nonce, nothing about the person —
no IP address, no user agent, no exact time.
"""

import secrets

from django.db import models
from django.db.models import F, Q


class RespondentGroup(models.TextChoices):
    PARENT = "parent", "家长"
    STUDENT = "student", "学生"
    TEACHER = "teacher", "教师"
    PRINCIPAL = "principal", "校长"
    DEPUTY = "deputy", "人大代表和政协委员"
    RESIDENT = "resident", "其他居民"


# Groups surveyed through a school; deputies and residents are usually invited county-wide.
SCHOOL_GROUPS = (
    RespondentGroup.PARENT,
    RespondentGroup.STUDENT,
    RespondentGroup.TEACHER,
    RespondentGroup.PRINCIPAL,
)


def new_token() -> str:
    """An unguessable invitation token (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        OPEN = "open", "进行中"
        CLOSED = "closed", "已结束"

    county = models.ForeignKey(
        "schools.County", on_delete=models.PROTECT, related_name="surveys", verbose_name="区县"
    )
    title = models.CharField("问卷标题", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    period = models.CharField("调查期次", max_length=30, help_text="例如：2025年春季、迎检前自测")
    intro = models.TextField("卷首语", blank=True, help_text="显示在答卷页顶部，说明调查目的与匿名承诺")
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    status = models.CharField("状态", max_length=6, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="创建人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "满意度调查"
        verbose_name_plural = "满意度调查"
        ordering = ["-year", "-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="survey_closes_after_opens"
            ),
        ]

    def __str__(self):
        return self.title

    def phase(self, today) -> str:
        """'not_open', 'open' or 'closed' for a respondent arriving on `today`."""
        if self.status == self.Status.CLOSED or today > self.closes_on:
            return "closed"
        if self.status == self.Status.DRAFT or today < self.opens_on:
            return "not_open"
        return "open"


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", "满意度（五级）"
        AWARENESS = "awareness", "知晓（知晓/不知晓）"
        CHOICE = "choice", "单选"
        TEXT = "text", "文字意见"

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name="问卷"
    )
    order = models.PositiveSmallIntegerField("序号", default=0)
    kind = models.CharField("题型", max_length=10, choices=Kind.choices)
    item = models.CharField(
        "考察项目", max_length=20, blank=True, help_text="例如：学校布局、教育质量；结果按项目排出薄弱项"
    )
    text = models.CharField("题目", max_length=300)
    options = models.JSONField("选项（单选题）", default=list, blank=True)
    groups = models.JSONField("适用对象", default=list)
    required = models.BooleanField("必答", default=True)

    class Meta:
        verbose_name = "题目"
        verbose_name_plural = "题目"
        ordering = ["survey", "order", "id"]

    def __str__(self):
        return self.text

    @property
    def is_rated(self) -> bool:
        return self.kind in (self.Kind.SCALE, self.Kind.AWARENESS)

    def group_labels(self) -> str:
        labels = dict(RespondentGroup.choices)
        return "、".join(labels.get(g, g) for g in self.groups)


class Invitation(models.Model):
    """A link (and its QR code) for one group at one school, or county-wide when school is empty."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name="问卷"
    )
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_invitations",
        verbose_name="学校",
        help_text="留空表示全县范围（如人大代表、政协委员、居民）",
    )
    group = models.CharField("调查对象", max_length=10, choices=RespondentGroup.choices)
    label = models.CharField("说明", max_length=50, blank=True, help_text="例如：县人大代表、城关镇居民")
    token = models.CharField("链接令牌", max_length=43, unique=True, default=new_token, editable=False)
    target = models.PositiveIntegerField("样本目标")
    quota = models.PositiveIntegerField("答卷上限", help_text="达到上限后该链接不再接受答卷")
    answers_count = models.PositiveIntegerField("已收答卷", default=0, editable=False)
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # Set by the answer page's rate limits (surveys.throttle): a link that received a burst or
    # refused submissions is shown for review in the results; no respondent data is kept.
    flagged_at = models.DateTimeField("异常提交最近时间", null=True, blank=True, editable=False)
    flag_reason = models.CharField("异常提交说明", max_length=200, blank=True, editable=False)
    refused_count = models.PositiveIntegerField("被限流拒绝的提交", default=0, editable=False)

    class Meta:
        verbose_name = "邀请链接"
        verbose_name_plural = "邀请链接"
        ordering = ["survey", "school__code", "group", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "school", "group"], name="invitation_unique_school_group"
            ),
        ]

    def __str__(self):
        where = self.school.name if self.school_id else (self.label or "全县")
        return f"{where} · {self.get_group_display()}"


class Response(models.Model):
    """One submitted questionnaire. Deliberately no IP, user agent or exact time."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name="问卷"
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, related_name="responses", verbose_name="邀请链接"
    )
    group = models.CharField("调查对象", max_length=10, choices=RespondentGroup.choices)
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="学校",
    )
    submitted_on = models.DateField("提交日期")
    # The random one-time nonce of the form page; unique, so a double post is stored once.
    nonce = models.CharField("表单令牌", max_length=32, unique=True)

    class Meta:
        verbose_name = "答卷"
        verbose_name_plural = "答卷"
        ordering = ["-id"]
        indexes = [models.Index(fields=["survey", "school", "group"])]

    def __str__(self):
        return f"答卷 #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name="答卷"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name="题目"
    )
    value = models.SmallIntegerField("选项值", null=True, blank=True)
    text = models.TextField("文字意见", blank=True)

    class Meta:
        verbose_name = "答案"
        verbose_name_plural = "答案"
        ordering = ["response", "question__order"]
        indexes = [models.Index(fields=["question", "value"])]

    def __str__(self):
        return f"{self.question_id}: {self.value if self.value is not None else self.text[:20]}"
