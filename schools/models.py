"""Areas, schools and their yearly data, shaped after data-contract.md §1."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from domain import vocabulary as vocab
from domain.schemes import DEFAULT_TARGET_SCHEME, SCHEME_CHOICES

county_code_validator = RegexValidator(r"^\d{6}$", "区县代码应为 6 位数字")
school_code_validator = RegexValidator(r"^\d{10}$", "学校标识码应为 10 位数字")


def school_year_label(year: int) -> str:
    return f"{year}—{year + 1}学年"


class Region(models.Model):
    """A province (省) or a city (市) above the counties, by its official division code.

    A county belongs to a region by its code prefix (13 01 23 lies in 13 0000 and 13 01 00), so
    County needs no link to it: schools.selectors.counties_in_region reads the prefix.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"

    code = models.CharField("区划代码", max_length=6, unique=True, validators=[county_code_validator])
    name = models.CharField("名称", max_length=50)
    level = models.CharField("级别", max_length=10, choices=Level.choices)

    class Meta:
        verbose_name = "省市区域"
        verbose_name_plural = "省市区域"
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        code = self.code or ""
        if self.level == self.Level.PROVINCE and not code.endswith("0000"):
            raise ValidationError({"code": "省级区划代码应以 0000 结尾"})
        if self.level == self.Level.CITY and (not code.endswith("00") or code.endswith("0000")):
            raise ValidationError({"code": "市级区划代码应以 00 结尾（且不以 0000 结尾）"})

    @property
    def prefix(self) -> str:
        """The leading digits every county code of this region starts with."""
        return self.code[:2] if self.level == self.Level.PROVINCE else self.code[:4]


class County(models.Model):
    code = models.CharField("区县代码", max_length=6, unique=True, validators=[county_code_validator])
    name = models.CharField("区县名称", max_length=50)
    inspection_date = models.DateField("国检日期", null=True, blank=True)
    # The scheme the county is inspected for: its "current assessment" is the run of this scheme
    # on the current data (indicators.selectors.current_assessment); set by bureau staff through
    # indicators.services.county_set_target_scheme (audited).
    target_scheme = models.CharField(
        "目标评估方案", max_length=20, choices=SCHEME_CHOICES, default=DEFAULT_TARGET_SCHEME
    )

    class Meta:
        verbose_name = "区县"
        verbose_name_plural = "区县"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Township(models.Model):
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="townships", verbose_name="区县"
    )
    name = models.CharField("乡镇名称", max_length=50)
    # A county lists its townships in its own official order (城关镇 first, then …), never by
    # Unicode order of the names: the order of the county's first 学校 file, editable in the admin.
    position = models.PositiveIntegerField(
        "排列顺序", default=0, help_text="本县乡镇（街道）的排列顺序，数字小的在前"
    )

    class Meta:
        verbose_name = "乡镇（街道）"
        verbose_name_plural = "乡镇（街道）"
        ordering = ["county", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="township_unique_name")]

    def __str__(self):
        return self.name


# The one order of townships, and of schools within a county (township in the county's order, then code).
TOWNSHIP_ORDER = ("position", "id")
SCHOOL_ORDER = ("township__position", "township_id", "code")


# Choices are built from the shared vocabulary (domain.vocabulary), where the engines read them too.
class SchoolType(models.TextChoices):
    PRIMARY = vocab.PRIMARY_SCHOOL, vocab.PRIMARY_SCHOOL
    JUNIOR = vocab.JUNIOR_SCHOOL, vocab.JUNIOR_SCHOOL
    NINE_YEAR = vocab.NINE_YEAR, vocab.NINE_YEAR
    TWELVE_YEAR = vocab.TWELVE_YEAR, vocab.TWELVE_YEAR
    COMPLETE_MIDDLE = vocab.COMPLETE_MIDDLE, vocab.COMPLETE_MIDDLE
    TEACHING_POINT = vocab.TEACHING_POINT, vocab.TEACHING_POINT


class UrbanRural(models.TextChoices):
    URBAN = vocab.URBAN, vocab.URBAN
    TOWN = vocab.TOWN, vocab.TOWN
    RURAL = vocab.RURAL, vocab.RURAL


class Sponsor(models.TextChoices):
    PUBLIC = vocab.PUBLIC, vocab.PUBLIC
    PRIVATE = vocab.PRIVATE, vocab.PRIVATE


class School(models.Model):
    code = models.CharField("学校标识码", max_length=10, unique=True, validators=[school_code_validator])
    name = models.CharField("学校名称", max_length=100)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="schools", verbose_name="区县")
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="schools", verbose_name="乡镇"
    )
    school_type = models.CharField("办学类型", max_length=10, choices=SchoolType.choices)
    urban_rural = models.CharField("城乡类型", max_length=4, choices=UrbanRural.choices)
    sponsor = models.CharField("举办者", max_length=4, choices=Sponsor.choices, default=Sponsor.PUBLIC)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teaching_points",
        verbose_name="所属中心校",
    )
    boarding = models.BooleanField("是否寄宿制", default=False)

    class Meta:
        verbose_name = "学校"
        verbose_name_plural = "学校"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def has_primary(self) -> bool:
        return vocab.has_stage(self.school_type, vocab.PRIMARY)

    @property
    def has_junior(self) -> bool:
        return vocab.has_stage(self.school_type, vocab.JUNIOR)


class SchoolConditions(models.Model):
    """One school's conditions in one school year (学年 = starting year)."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="conditions", verbose_name="学校"
    )
    year = models.PositiveSmallIntegerField("学年")
    primary_students = models.PositiveIntegerField("小学在校生数", default=0)
    junior_students = models.PositiveIntegerField("初中在校生数", default=0)
    senior_students = models.PositiveIntegerField("高中在校生数", default=0)
    building_area = models.DecimalField(
        "教学及辅助用房面积(㎡)",
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    sports_area = models.DecimalField(
        "体育运动场馆面积(㎡)", max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    equipment_value = models.DecimalField(
        "教学仪器设备值(元)", max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    computers = models.PositiveIntegerField("教学用计算机台数", default=0)
    books = models.PositiveIntegerField("图书册数", default=0)
    multimedia_rooms = models.PositiveIntegerField("网络多媒体教室数", default=0)
    music_rooms = models.PositiveIntegerField("音乐专用教室数", null=True, blank=True)
    art_rooms = models.PositiveIntegerField("美术专用教室数", null=True, blank=True)
    # The floor area of each room, as Decimal strings with two places (["96.00", "102.50"]); an
    # empty list means not reported. A list, not a number, because the 2017 rule judges every
    # room on its own (≥ 96 ㎡ music, ≥ 90 ㎡ art); schools.columns parses and writes them.
    music_room_areas = models.JSONField("音乐专用教室面积(㎡)", default=list, blank=True)
    art_room_areas = models.JSONField("美术专用教室面积(㎡)", default=list, blank=True)
    # The school's 专任教师 as its statistics report them (all stages), None when not reported:
    # dataquality compares it with the roster, where a differing count is what inspectors look for.
    full_time_teachers = models.PositiveIntegerField("专任教师数", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "办学条件"
        verbose_name_plural = "办学条件"
        ordering = ["school__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["year", "school"], name="conditions_unique_year_school")
        ]

    def __str__(self):
        return f"{self.school} {school_year_label(self.year)}"

    @property
    def compulsory_students(self) -> int:
        return self.primary_students + self.junior_students


class Stage(models.TextChoices):
    PRIMARY = vocab.PRIMARY, vocab.PRIMARY
    JUNIOR = vocab.JUNIOR, vocab.JUNIOR
    SENIOR = vocab.SENIOR, vocab.SENIOR


def _choices(name: str, values: tuple[str, ...]) -> type[models.TextChoices]:
    """TextChoices whose values and labels are the vocabulary's words (stored values unchanged)."""
    return models.TextChoices(name, [(f"V{i}", (v, v)) for i, v in enumerate(values)])


Education = _choices("Education", vocab.EDUCATION_LEVELS)
Title = _choices("Title", vocab.TITLES)
Backbone = _choices("Backbone", vocab.BACKBONE_LEVELS)
NO_BACKBONE = vocab.NO_BACKBONE


SUBJECTS = vocab.SUBJECTS
Subject = models.TextChoices("Subject", [(s, s) for s in SUBJECTS])


class Teacher(models.Model):
    """One row of a school's teacher roster in one year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teachers", verbose_name="学校")
    year = models.PositiveSmallIntegerField("学年")
    staff_no = models.CharField("教师编号", max_length=30)
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    stage = models.CharField("任教学段", max_length=2, choices=Stage.choices)
    full_time = models.BooleanField("是否专任教师", default=True)
    education = models.CharField("最高学历", max_length=6, choices=Education.choices)
    title = models.CharField("专业技术职务", max_length=4, choices=Title.choices)
    backbone = models.CharField("骨干教师级别", max_length=4, choices=Backbone.choices, default=NO_BACKBONE)
    subject = models.CharField("主要任教学科", max_length=6, choices=Subject.choices)
    joined_year = models.PositiveSmallIntegerField("到本校年份", null=True, blank=True)

    class Meta:
        verbose_name = "教师"
        verbose_name_plural = "教师"
        ordering = ["school__code", "staff_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "school", "staff_no"], name="teacher_unique_year_school_no"
            )
        ]
        indexes = [models.Index(fields=["year", "school", "stage"])]

    def __str__(self):
        return self.name


class SchoolClass(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes", verbose_name="学校")
    year = models.PositiveSmallIntegerField("学年")
    stage = models.CharField("学段", max_length=2, choices=[(Stage.PRIMARY, "小学"), (Stage.JUNIOR, "初中")])
    grade = models.PositiveSmallIntegerField("年级")
    name = models.CharField("班级名称", max_length=30)
    students = models.PositiveSmallIntegerField("学生数")

    class Meta:
        verbose_name = "班级"
        verbose_name_plural = "班级"
        ordering = ["school__code", "grade", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "school", "name"], name="class_unique_year_school_name")
        ]

    def __str__(self):
        return f"{self.school} {self.name}"

    @property
    def standard_size(self) -> int:
        return vocab.CLASS_SIZE_STANDARD[vocab.stage_key(self.stage)]

    @property
    def band(self) -> str:
        """The class-size band key (domain.vocabulary.class_band)."""
        return vocab.class_band(self.stage, self.students)

    @property
    def over_standard(self) -> bool:
        """超标准班额 (above 45/50), 大班额 and 超大班额 included."""
        return self.band in vocab.OVER_STANDARD_BANDS

    @property
    def size_band(self) -> str:
        """'' within standard; otherwise the label of the class's own band (the sub-band)."""
        band = self.band
        return "" if band == vocab.BAND_STANDARD else vocab.BAND_LABELS[band]


class ImportKind(models.TextChoices):
    SCHOOLS = "schools", "学校"
    CONDITIONS = "conditions", "办学条件"
    TEACHERS = "teachers", "教师"
    CLASSES = "classes", "班级"


class ImportRecord(models.Model):
    """History of every import attempt, applied or refused (who, when, which file)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "待确认"
        APPLIED = "applied", "已导入"
        REFUSED = "refused", "被拒绝"

    kind = models.CharField("数据类型", max_length=20)
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.PROTECT, verbose_name="区县")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, verbose_name="限定学校"
    )
    user = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, verbose_name="操作人")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    stored_file = models.CharField("暂存文件", max_length=255, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField("行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    errors = models.JSONField("错误", default=list, blank=True)

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"

    def get_kind_display(self):
        return dict(ImportKind.choices).get(self.kind, self.kind)
