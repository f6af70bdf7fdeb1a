"""Dropout control (控辍保学): cases and their ledger, persuasion log, notices, letters,
term-start register checks and cohort figures for retention rates (domain.md §7).

The workflow itself (which status may follow which) is in rules.py; every change goes
through services.py.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.access import ScopedQuerySet, scopes_disabled
from dropout_control import rules
from schools.idcard import mask_id_number


class CaseStatus(models.TextChoices):
    SUSPECTED = rules.SUSPECTED, "疑似辍学"
    CONFIRMED = rules.CONFIRMED, "已确认辍学"
    PERSUADING = rules.PERSUADING, "劝返中"
    NOTICE_SERVED = rules.NOTICE_SERVED, "已发复学通知"
    LEGAL = rules.LEGAL, "依法处置"
    CLOSED = rules.CLOSED, "已销号"


class Outcome(models.TextChoices):
    RETURNED = rules.RETURNED, "返校复学"
    TRANSFERRED = rules.TRANSFERRED, "转学"
    SPECIAL_EDUCATION = rules.SPECIAL_EDUCATION, "特殊教育学校安置"
    HOME_TEACHING = rules.HOME_TEACHING, "送教上门"
    DEFERRAL = rules.DEFERRAL, "批准延缓入学"
    OTHER = rules.OTHER, "其他"


class Reason(models.TextChoices):
    LEARNING = "learning", "厌学或学习困难"
    WORK = "work", "外出务工"
    MARRIAGE = "marriage", "早婚早育"
    RELIGION = "religion", "宗教影响"
    ILLNESS = "illness", "疾病或残疾"
    HARDSHIP = "hardship", "家庭经济困难"
    GUARDIANSHIP = "guardianship", "监护缺失"
    OTHER = "other", "其他"


class CaseKind(models.TextChoices):
    DROPOUT = "dropout", "辍学（在籍不在校）"
    NEVER_ENROLLED = "never_enrolled", "适龄未入学"


class Sex(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Disability(models.TextChoices):
    NONE = "", "无"
    VISUAL = "visual", "视力残疾"
    HEARING = "hearing", "听力残疾"
    SPEECH = "speech", "言语残疾"
    PHYSICAL = "physical", "肢体残疾"
    INTELLECTUAL = "intellectual", "智力残疾"
    MENTAL = "mental", "精神残疾"
    MULTIPLE = "multiple", "多重残疾"


class DisabilityGrade(models.TextChoices):
    NONE = "", "无"
    FIRST = "1", "一级"
    SECOND = "2", "二级"
    THIRD = "3", "三级"
    FOURTH = "4", "四级"


class DropoutCase(models.Model):
    """One child out of school: the ledger row (台账) and the state of its case."""

    number = models.CharField("个案编号", max_length=30, unique=True)
    county = models.ForeignKey(
        "schools.County", on_delete=models.PROTECT, related_name="dropout_cases", verbose_name="区县"
    )
    township = models.ForeignKey(
        "schools.Township",
        on_delete=models.PROTECT,
        related_name="dropout_cases",
        verbose_name="乡镇（街道）",
    )
    village = models.CharField("村（社区）", max_length=50, blank=True)
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dropout_cases",
        verbose_name="学籍学校",
        help_text="适龄未入学儿童可不填",
    )
    kind = models.CharField("类型", max_length=20, choices=CaseKind.choices, default=CaseKind.DROPOUT)

    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=6, choices=Sex.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("身份证号", max_length=18, db_index=True)
    student_number = models.CharField("全国学籍号", max_length=19, blank=True)
    household_address = models.CharField("户籍地址", max_length=200)
    current_address = models.CharField("现住址", max_length=200, blank=True)
    grade = models.PositiveSmallIntegerField(
        "年级",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text="1—6 小学，7—9 初中",
    )
    class_name = models.CharField("班级", max_length=30, blank=True)
    absent_since = models.DateField("缺课（未入学）起始日期")
    reported_on = models.DateField("上报日期", default=timezone.localdate)

    poverty_household = models.BooleanField("建档立卡/脱贫户家庭", default=False)
    disability_type = models.CharField("残疾类型", max_length=20, choices=Disability.choices, blank=True)
    disability_grade = models.CharField("残疾等级", max_length=1, choices=DisabilityGrade.choices, blank=True)
    left_behind = models.BooleanField("留守儿童", default=False)
    orphan = models.BooleanField("孤儿或事实无人抚养", default=False)
    migrant = models.BooleanField("随迁子女", default=False)

    guardian_name = models.CharField("监护人姓名", max_length=50)
    guardian_relation = models.CharField("与学生关系", max_length=20, help_text="例如：父亲、母亲、祖父")
    guardian_phone = models.CharField("监护人电话", max_length=20, blank=True)

    reason = models.CharField("辍学原因", max_length=20, choices=Reason.choices)
    reason_detail = models.TextField("原因说明", blank=True)
    assistance_measures = models.TextField("帮扶措施", blank=True)

    status = models.CharField("状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.SUSPECTED)
    confirmed_on = models.DateField("认定日期", null=True, blank=True)

    outcome = models.CharField("销号结果", max_length=20, choices=Outcome.choices, blank=True)
    outcome_school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="返回（安置）学校",
    )
    outcome_date = models.DateField("返校（安置）日期", null=True, blank=True)
    outcome_note = models.TextField("证明说明", blank=True)
    proof_file = models.CharField("证明材料", max_length=255, blank=True)
    proof_name = models.CharField("证明材料文件名", max_length=255, blank=True)
    close_requested_at = models.DateTimeField("销号申请时间", null=True, blank=True)
    close_requested_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="销号申请人",
    )
    reviewer = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="销号审核人",
    )
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closed_from = models.CharField("销号前状态", max_length=20, choices=CaseStatus.choices, blank=True)

    overdue = models.BooleanField("逾期", default=False, db_index=True)
    overdue_reasons = models.JSONField("逾期原因", default=list, blank=True)
    overdue_keys = models.JSONField("逾期原因代码", default=list, blank=True)
    overdue_checked_on = models.DateField("逾期检查日期", null=True, blank=True)
    overdue_notified_on = models.DateField("逾期提醒日期", null=True, blank=True)

    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # Children's personal data: inside a request a read must come through accounts.access.scope().
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "控辍保学个案"
        verbose_name_plural = "控辍保学个案"
        ordering = ["-reported_on", "-id"]
        constraints = [
            # One open case per child: a second report must continue the first one.
            models.UniqueConstraint(
                fields=["id_number"], condition=~Q(status="closed"), name="dropout_one_open_case_per_id"
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status"]),
            models.Index(fields=["township", "status"]),
        ]

    def __str__(self):
        # Audit entries and mails carry this: case number and a masked name only.
        return f"{self.number} {rules.mask_name(self.name)}"

    # A child has one open case in the whole province: these checks look across every area.
    def validate_unique(self, exclude=None):
        with scopes_disabled():
            super().validate_unique(exclude)

    def validate_constraints(self, exclude=None):
        with scopes_disabled():
            super().validate_constraints(exclude)

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def masked_name(self) -> str:
        return rules.mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def close_pending(self) -> bool:
        return self.close_requested_at is not None and self.status != CaseStatus.CLOSED

    @property
    def risk_labels(self) -> list[str]:
        labels = []
        if self.poverty_household:
            labels.append("脱贫户")
        if self.disability_type:
            grade = f"{self.get_disability_grade_display()}" if self.disability_grade else ""
            labels.append(f"{self.get_disability_type_display()}{grade}")
        if self.left_behind:
            labels.append("留守")
        if self.orphan:
            labels.append("孤儿")
        if self.migrant:
            labels.append("随迁")
        return labels


class ResponsibleLevel(models.TextChoices):
    GOV_COUNTY = "gov_county", "县级责任人（政府线）"
    GOV_TOWNSHIP = "gov_township", "乡镇责任人（政府线）"
    GOV_VILLAGE = "gov_village", "村（居）责任人（政府线）"
    EDU_BUREAU = "edu_bureau", "教育局责任人（教育线）"
    EDU_SCHOOL = "edu_school", "学校责任人（教育线）"
    EDU_TEACHER = "edu_teacher", "班主任（教育线）"


class CaseResponsible(models.Model):
    """A responsible person of one level of the two lines (双线责任): a user or a name and phone."""

    case = models.ForeignKey(
        DropoutCase, on_delete=models.CASCADE, related_name="responsibles", verbose_name="个案"
    )
    level = models.CharField("责任层级", max_length=20, choices=ResponsibleLevel.choices)
    user = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="平台用户",
    )
    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "个案责任人"
        verbose_name_plural = "个案责任人"
        ordering = ["case", "level"]
        constraints = [
            models.UniqueConstraint(fields=["case", "level"], name="dropout_responsible_unique_level")
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.user_id:
            return str(self.user)
        return self.name

    @property
    def display_phone(self) -> str:
        return self.phone or (self.user.phone if self.user_id else "")


class EventKind(models.TextChoices):
    CREATED = "created", "登记"
    UPDATED = "updated", "修改台账"
    CONFIRMED = "confirmed", "认定辍学"
    PERSUASION_STARTED = "persuasion_started", "启动劝返"
    VISIT = "visit", "劝返记录"
    RESPONSIBLE = "responsible", "落实责任人"
    NOTICE_ISSUED = "notice_issued", "开具复学通知书"
    NOTICE_SERVED = "notice_served", "送达复学通知书"
    LEGAL_STARTED = "legal_started", "启动依法处置"
    CLOSE_REQUESTED = "close_requested", "申请销号"
    CLOSE_REJECTED = "close_rejected", "退回销号申请"
    CLOSED = "closed", "审核销号"
    REOPENED = "reopened", "重新启动"


class CaseEvent(models.Model):
    """The case's timeline: who did what, when, and why."""

    case = models.ForeignKey(
        DropoutCase, on_delete=models.CASCADE, related_name="events", verbose_name="个案"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    user = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="操作人"
    )
    kind = models.CharField("事项", max_length=20, choices=EventKind.choices)
    from_status = models.CharField("原状态", max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=CaseStatus.choices, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "个案进程"
        verbose_name_plural = "个案进程"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["kind", "at"])]

    def __str__(self):
        return f"{self.case.number} {self.get_kind_display()}"


class VisitMethod(models.TextChoices):
    HOME_VISIT = "home_visit", "入户走访"
    PHONE = "phone", "电话联系"
    TALK = "talk", "约谈"
    VIDEO = "video", "视频联系"
    LETTER = "letter", "书面告知"
    OTHER = "other", "其他"


class VisitResult(models.TextChoices):
    AGREED = "agreed", "同意返校"
    RETURNED = "returned", "已返校"
    UNDECIDED = "undecided", "仍在考虑"
    REFUSED = "refused", "拒绝返校"
    UNREACHABLE = "unreachable", "未能联系到"


class PersuasionLog(models.Model):
    """One persuasion attempt (劝返记录)."""

    case = models.ForeignKey(
        DropoutCase, on_delete=models.CASCADE, related_name="visits", verbose_name="个案"
    )
    visited_on = models.DateField("日期")
    method = models.CharField("方式", max_length=20, choices=VisitMethod.choices)
    gov_people = models.CharField("政府线人员", max_length=200, blank=True, help_text="乡镇、村干部等")
    edu_people = models.CharField("教育线人员", max_length=200, blank=True, help_text="校长、班主任、教师等")
    result = models.CharField("结果", max_length=20, choices=VisitResult.choices)
    result_detail = models.TextField("情况说明", blank=True)
    attachment = models.CharField("附件", max_length=255, blank=True)
    attachment_name = models.CharField("附件文件名", max_length=255, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="记录人"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "劝返记录"
        verbose_name_plural = "劝返记录"
        ordering = ["visited_on", "id"]

    def __str__(self):
        return f"{self.case.number} {self.visited_on} {self.get_method_display()}"


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", "直接送达"
    LEFT = "left", "留置送达"
    POST = "post", "邮寄送达"
    ENTRUSTED = "entrusted", "委托送达"


class ReturnNotice(models.Model):
    """复学入学通知书: numbered per county and year; serving it moves the case to 已发复学通知."""

    case = models.ForeignKey(
        DropoutCase, on_delete=models.CASCADE, related_name="notices", verbose_name="个案"
    )
    county = models.ForeignKey(
        "schools.County", on_delete=models.PROTECT, related_name="+", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    number = models.CharField("文号", max_length=40, unique=True)
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name="返校（入学）学校"
    )
    issued_on = models.DateField("开具日期")
    deadline = models.DateField("限期返校日期")
    issued_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="开具人"
    )
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    delivery_method = models.CharField("送达方式", max_length=20, choices=DeliveryMethod.choices, blank=True)
    receiver = models.CharField("签收人", max_length=50, blank=True)
    served_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="送达登记人",
    )

    class Meta:
        verbose_name = "复学入学通知书"
        verbose_name_plural = "复学入学通知书"
        ordering = ["issued_on", "id"]
        constraints = [models.UniqueConstraint(fields=["county", "year", "seq"], name="notice_unique_seq")]

    def __str__(self):
        return self.number

    @property
    def is_served(self) -> bool:
        return self.delivered_on is not None


class Line(models.TextChoices):
    GOVERNMENT = "government", "政府线"
    EDUCATION = "education", "教育线"


class ResponsibilityLetter(models.Model):
    """A signed responsibility letter (控辍保学责任书) of one line for one township or school and year."""

    county = models.ForeignKey(
        "schools.County", on_delete=models.PROTECT, related_name="+", verbose_name="区县"
    )
    township = models.ForeignKey(
        "schools.Township", on_delete=models.PROTECT, related_name="+", verbose_name="乡镇"
    )
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="学校",
        help_text="空 = 乡镇一级的责任书",
    )
    year = models.PositiveSmallIntegerField("年度")
    line = models.CharField("责任线", max_length=12, choices=Line.choices)
    party_a = models.CharField("甲方", max_length=100, blank=True)
    party_b = models.CharField("乙方", max_length=100, blank=True)
    signed_on = models.DateField("签订日期")
    scan = models.CharField("扫描件", max_length=255, blank=True)
    scan_name = models.CharField("扫描件文件名", max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="上传人"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "控辍保学责任书"
        verbose_name_plural = "控辍保学责任书"
        ordering = ["-year", "township__name", "school__code", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "line", "township"],
                condition=Q(school__isnull=True),
                name="letter_unique_township",
            ),
            models.UniqueConstraint(
                fields=["year", "line", "school"],
                condition=Q(school__isnull=False),
                name="letter_unique_school",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.school or self.township} {self.get_line_display()}责任书"


class Term(models.IntegerChoices):
    AUTUMN = 1, "秋季学期"
    SPRING = 2, "春季学期"


class RegisterCheck(models.Model):
    """学期初学籍清查: register vs. actually at school, per school and term."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="register_checks", verbose_name="学校"
    )
    year = models.PositiveSmallIntegerField("学年", help_text="学年起始年份，2025 = 2025—2026 学年")
    term = models.PositiveSmallIntegerField("学期", choices=Term.choices)
    done_on = models.DateField("清查日期")
    on_register = models.PositiveIntegerField("在籍学生数")
    at_school = models.PositiveIntegerField("实际在校学生数")
    suspected_found = models.PositiveIntegerField("发现疑似辍学人数", default=0)
    note = models.CharField("备注", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="填报人"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "学期初学籍清查"
        verbose_name_plural = "学期初学籍清查"
        ordering = ["-year", "-term", "school__code"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "term"], name="register_check_unique")
        ]

    def __str__(self):
        return f"{self.school} {rules.term_label(self.year, self.term)}"

    @property
    def not_at_school(self) -> int:
        return self.on_register - self.at_school


class CohortFigure(models.Model):
    """One school's cohort figures of one calendar year (see retention.py for the meaning of year)."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="cohort_figures", verbose_name="学校"
    )
    year = models.PositiveSmallIntegerField("年份", help_text="入学人数：当年秋季入学；毕业生：当年夏季毕业")
    grade1_entrants = models.PositiveIntegerField("小学一年级入学人数", default=0)
    grade7_entrants = models.PositiveIntegerField("初中一年级入学人数", default=0)
    junior_graduates = models.PositiveIntegerField("初中毕业生数", default=0)
    transfers_in = models.PositiveIntegerField(
        "初中转入人数", default=0, help_text="本年毕业届学生初中三年累计"
    )
    transfers_out = models.PositiveIntegerField(
        "初中转出人数", default=0, help_text="本年毕业届学生初中三年累计"
    )
    deaths = models.PositiveIntegerField("初中死亡人数", default=0, help_text="本年毕业届学生初中三年累计")
    entered_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="填报人"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "巩固率基础数据"
        verbose_name_plural = "巩固率基础数据"
        ordering = ["-year", "school__code"]
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="cohort_unique_school_year")]

    def __str__(self):
        return f"{self.school} {self.year}"
