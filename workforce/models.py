"""Workforce records that the roster does not carry: approved posts, exchanges, training.

Teachers themselves are rows of schools.models.Teacher (one per school, year and 教师编号);
the records here refer to them by (school, staff_no), the key of the roster, so they survive
a roster re-import.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from schools.models import School, school_year_label


class ApprovedPosts(models.Model):
    """The establishment (编制数) approved for a school in a school year (学年 = starting year)."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="approved_posts", verbose_name="学校"
    )
    year = models.PositiveSmallIntegerField("学年")
    posts = models.PositiveIntegerField("核定编制数")
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "核定编制"
        verbose_name_plural = "核定编制"
        ordering = ["school__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="approved_posts_unique_school_year")
        ]

    def __str__(self):
        return f"{self.school} {school_year_label(self.year)} 编制 {self.posts}"

    @property
    def county(self):
        return self.school.county


class ExchangeRecord(models.Model):
    """One teacher exchanged (交流轮岗) out of a school in a school year."""

    year = models.PositiveSmallIntegerField("学年")
    staff_no = models.CharField("教师编号", max_length=30, help_text="调出学校花名册中的教师编号")
    teacher_name = models.CharField("姓名", max_length=50)
    from_school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="exchanges_out", verbose_name="调出学校"
    )
    to_school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="exchanges_in", verbose_name="调入学校"
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    backbone = models.BooleanField("骨干教师", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "交流轮岗记录"
        verbose_name_plural = "交流轮岗记录"
        ordering = ["-year", "from_school__code", "staff_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "from_school", "staff_no"], name="exchange_unique_year_school_no"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="exchange_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.teacher_name} {self.from_school} → {self.to_school}（{school_year_label(self.year)}）"

    @property
    def county(self):
        return self.from_school.county


class TrainingRecord(models.Model):
    """A teacher's training hours in one school year and whether they hold a teacher certificate."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="training_records", verbose_name="学校"
    )
    year = models.PositiveSmallIntegerField("学年")
    staff_no = models.CharField("教师编号", max_length=30)
    hours = models.DecimalField(
        "培训学时",
        max_digits=6,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(2000)],
    )
    has_certificate = models.BooleanField("持有教师资格证", null=True, blank=True, help_text="空 = 未填报")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "培训与持证记录"
        verbose_name_plural = "培训与持证记录"
        ordering = ["school__code", "staff_no", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "school", "staff_no"], name="training_unique_year_school_no"
            ),
        ]
        indexes = [models.Index(fields=["school", "staff_no"])]

    def __str__(self):
        return f"{self.school} {self.staff_no} {school_year_label(self.year)} {self.hours} 学时"

    @property
    def county(self):
        return self.school.county
