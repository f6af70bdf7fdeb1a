"""The application package (申报材料): the facts no school file holds, and the built versions.

Years: ``year`` is always the school year of the data (学年 = its starting year, as everywhere in
the project). The application that a school year's data support is filed in the spring of that
school year — applications are due by the end of March — so its **application year** is
``year + 1`` (applications.tables.application_year). Eligibility counts from there.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from balance_inspect.jobs import BackgroundJob


class CountyFacts(models.Model):
    """表Ⅰ's county facts of one school year (L1, L2, L4–L8, L14), entered by bureau staff with
    their source. Empty fields are blanks the checklist names."""

    county = models.ForeignKey(
        "schools.County", on_delete=models.PROTECT, related_name="application_facts", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField("学年")
    population = models.DecimalField(
        "人口总数（万人）",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    agricultural_population = models.DecimalField(
        "农业人口数（万人）",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    villages = models.PositiveIntegerField("行政村数（个）", null=True, blank=True)
    gdp_per_capita = models.PositiveIntegerField("年人均国内生产总值（元）", null=True, blank=True)
    fiscal_revenue_per_capita = models.PositiveIntegerField("年人均地方财政收入（元）", null=True, blank=True)
    farmer_income = models.PositiveIntegerField("农民年人均纯收入（元）", null=True, blank=True)
    urban_income = models.PositiveIntegerField("城镇居民年人均可支配收入（元）", null=True, blank=True)
    special_schools = models.PositiveIntegerField("特殊教育学校数（所）", null=True, blank=True)
    source = models.CharField("数据来源", max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="录入人",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # The fields of 表Ⅰ this row fills, in the form's order, with their column codes.
    FORM_FIELDS = (
        ("population", "L1"),
        ("agricultural_population", "L2"),
        ("villages", "L4"),
        ("gdp_per_capita", "L5"),
        ("fiscal_revenue_per_capita", "L6"),
        ("farmer_income", "L7"),
        ("urban_income", "L8"),
        ("special_schools", "L14"),
    )

    class Meta:
        verbose_name = "县域基本情况（表Ⅰ）"
        verbose_name_plural = "县域基本情况（表Ⅰ）"
        ordering = ["county", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="application_facts_unique_year")
        ]

    def __str__(self):
        return f"{self.county} {self.year}学年 县域基本情况"


class Eligibility(models.Model):
    """The year the county was recognised for 基本均衡 (one per county)."""

    county = models.OneToOneField(
        "schools.County",
        on_delete=models.PROTECT,
        related_name="application_eligibility",
        verbose_name="区县",
    )
    basic_recognition_year = models.PositiveSmallIntegerField(
        "基本均衡认定年份",
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="国家认定本县义务教育基本均衡发展的年份",
    )
    document = models.CharField("认定文件", max_length=300, blank=True, help_text="认定文件名称及文号")
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
        verbose_name = "申报资格"
        verbose_name_plural = "申报资格"

    def __str__(self):
        return f"{self.county} 申报资格"


class FieldVisits(models.Model):
    """表Ⅵ's 实地走访 columns of one school year: people interviewed and those satisfied, all and
    parents (L5, L6; L7 is computed)."""

    county = models.ForeignKey(
        "schools.County",
        on_delete=models.PROTECT,
        related_name="application_field_visits",
        verbose_name="区县",
    )
    year = models.PositiveSmallIntegerField("学年")
    visited = models.PositiveIntegerField("实地走访人数（计）", null=True, blank=True)
    satisfied = models.PositiveIntegerField("满意人数（计）", null=True, blank=True)
    parents_visited = models.PositiveIntegerField("实地走访人数（家长）", null=True, blank=True)
    parents_satisfied = models.PositiveIntegerField("满意人数（家长）", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
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
        verbose_name = "实地走访（表Ⅵ）"
        verbose_name_plural = "实地走访（表Ⅵ）"
        ordering = ["county", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="application_visits_unique_year")
        ]

    def __str__(self):
        return f"{self.county} {self.year}学年 实地走访"


class ApplicationPackage(BackgroundJob):
    """One version of a county's application package (申报材料).

    Immutable once done: a new request makes a new version; its files are never overwritten.
    ``input_fingerprint`` is the sha256 of everything the package was built from; a version built
    from the same input as an earlier finished one reuses that one's files (same bytes).
    """

    county = models.ForeignKey(
        "schools.County", on_delete=models.PROTECT, related_name="application_packages", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField("学年")
    version = models.PositiveIntegerField("版本")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="申请人",
    )
    input_fingerprint = models.CharField("数据指纹", max_length=64, blank=True)
    reused_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="沿用版本",
        help_text="数据未变时沿用该版本的文件",
    )
    build_seconds = models.FloatField("生成耗时（秒）", default=0)

    task_name = "applications.tasks.build_package_task"

    class Meta:
        verbose_name = "申报材料"
        verbose_name_plural = "申报材料"
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "version"], name="application_unique_version")
        ]

    def __str__(self):
        return f"{self.county.name} {self.year}学年 申报材料 第{self.version}版"


class PackageFile(models.Model):
    """One stored part of a package version; written once, never changed."""

    class Kind(models.TextChoices):
        FORM_XLSX = "form_xlsx", "申报表.xlsx"
        FORM_PDF = "form_pdf", "申报表.pdf"
        REPORT_DOCX = "report_docx", "自查自评报告.docx"
        SCHOOL_FORMS_ZIP = "school_forms_zip", "学校自评表.zip"

    package = models.ForeignKey(
        ApplicationPackage, on_delete=models.PROTECT, related_name="files", verbose_name="申报材料"
    )
    kind = models.CharField("部分", max_length=20, choices=Kind.choices)
    file = models.FileField("文件", upload_to="applications/", max_length=255)
    sha256 = models.CharField("文件 SHA-256", max_length=64)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    pages = models.PositiveIntegerField("页数", default=0)

    class Meta:
        verbose_name = "申报材料文件"
        verbose_name_plural = "申报材料文件"
        ordering = ["package", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["package", "kind"], name="application_file_unique_kind")
        ]

    def __str__(self):
        return f"{self.package} {self.get_kind_display()}"

    @property
    def download_name(self) -> str:
        p = self.package
        return f"{p.county.name}_{p.year}学年_v{p.version}_{self.get_kind_display()}"
