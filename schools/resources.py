"""django-import-export resources of the four templates (data-contract §1).

Each field declares its Chinese header with `column_name` (the contract; verbose_name is not
used). The import service (schools.importing) validates every row first and hands these
resources cleaned values, together with dicts of the schools, areas and existing rows it has
already loaded, so importing a row costs no query: `get_instance` and the related-row
widgets look up those dicts. The export (schools.exports) uses the same resources, so an
exported file has the template's layout and re-imports cleanly.
"""

from collections import defaultdict

from django.utils import timezone
from import_export import fields, resources, widgets

from schools.columns import areas_stored, areas_text, parse_areas
from schools.idcard import mask_id_number
from schools.models import County, School, SchoolClass, SchoolConditions, Teacher, Township

UPDATE_CHUNK = 900  # primary keys per UPDATE … WHERE id IN (…)


class YesNoWidget(widgets.Widget):
    """是 / 否 in the file, a boolean in the model."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip()
        if text in ("是", "否"):
            return text == "是"
        raise ValueError("应为：是、否")

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class AreasWidget(widgets.Widget):
    """The area of each room: parsed areas (or a cell's text) in, Decimal strings stored, the
    cell text "96；102.5" out — the export re-imports as it was read."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return []
        if not isinstance(value, tuple | list):
            value = parse_areas(value)
        return areas_stored(value)

    def render(self, value, obj=None, **kwargs):
        return areas_text(value)


class CachedRowWidget(widgets.ForeignKeyWidget):
    """A related row looked up in a dict the resource fills before the import.

    `key(value, row)` builds the dict key; rendering gives the related row's `field`.
    """

    def __init__(self, model, field):
        super().__init__(model, field=field)
        self.cache: dict = {}

    def key(self, value, row):
        return value

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return self.cache[self.key(value, row)]
        except KeyError:
            raise ValueError(f"“{value}”不存在") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.field)


class TownshipWidget(CachedRowWidget):
    """A township is named within its county: the key is (区县代码, 乡镇名称)."""

    def key(self, value, row):
        return (row["区县代码"], value)


def _text(attribute, header):
    return fields.Field(attribute=attribute, column_name=header, widget=widgets.CharWidget())


def _int(attribute, header):
    return fields.Field(
        attribute=attribute, column_name=header, widget=widgets.IntegerWidget(coerce_to_string=False)
    )


def _decimal(attribute, header):
    return fields.Field(
        attribute=attribute, column_name=header, widget=widgets.DecimalWidget(coerce_to_string=False)
    )


def _school():
    return fields.Field(attribute="school", column_name="学校标识码", widget=CachedRowWidget(School, "code"))


class _CachedResource(resources.ModelResource):
    """Instances come from `instances` (key -> row) instead of one query per row.

    `schools` maps 学校标识码 to School for every field with a CachedRowWidget on School.
    """

    key_headers: tuple[str, ...] = ()

    def __init__(self, *, schools=None, instances=None, **kwargs):
        super().__init__(**kwargs)
        self.instances = instances if instances is not None else {}
        self._originals = {}
        self._import_fields = None
        self._update_fields = None
        self.schools = schools if schools is not None else {}
        for field in self.fields.values():
            if isinstance(field.widget, CachedRowWidget) and field.widget.model is School:
                field.widget.cache = self.schools

    def row_key(self, row):
        return tuple(row[h] for h in self.key_headers)

    def get_instance(self, instance_loader, row):
        return self.instances.get(self.row_key(row))

    def get_import_fields(self):
        # import-export recomputes this list for every row; the fields never change here.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def get_bulk_update_fields(self):
        if self._update_fields is None:
            self._update_fields = super().get_bulk_update_fields()
        return self._update_fields

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new and self._meta.use_bulk:
            self._originals[instance.pk] = [getattr(instance, f) for f in self.get_bulk_update_fields()]

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Write only the values that changed, one UPDATE per (column, new value).

        Django's bulk_update builds a CASE expression per row and field; for a 10,000-row
        roster that takes tens of seconds. Re-imported rosters mostly repeat their values,
        and changed columns are mostly choices with a handful of values, so grouping the
        changed rows by (column, value) needs few statements.
        """
        if not self.update_instances or (dry_run and not using_transactions):
            self.update_instances.clear()
            return
        try:
            groups = defaultdict(list)
            fields = self.get_bulk_update_fields()
            for instance in self.update_instances:
                old = self._originals.pop(instance.pk)
                for name, before in zip(fields, old, strict=True):
                    after = getattr(instance, name)
                    if after != before:
                        # A list (room areas) is grouped by its tuple: dict keys must be hashable.
                        groups[(name, tuple(after) if isinstance(after, list) else after)].append(instance.pk)
            manager = self._meta.model.objects
            for (name, value), pks in groups.items():
                if isinstance(value, tuple):
                    value = list(value)
                for start in range(0, len(pks), UPDATE_CHUNK):
                    manager.filter(pk__in=pks[start : start + UPDATE_CHUNK]).update(**{name: value})
            # QuerySet.update() skips auto_now fields; stamp the rows that really changed.
            stamps = [f.name for f in self._meta.model._meta.concrete_fields if getattr(f, "auto_now", False)]
            changed = sorted({pk for pks in groups.values() for pk in pks})
            if stamps and changed:
                now = timezone.now()
                for start in range(0, len(changed), UPDATE_CHUNK):
                    manager.filter(pk__in=changed[start : start + UPDATE_CHUNK]).update(
                        **{f: now for f in stamps}
                    )
        except Exception as exc:  # reported like import-export's own bulk errors: the import is refused
            self.handle_import_error(result, exc, raise_errors)
        finally:
            self.update_instances.clear()


class SchoolResource(_CachedResource):
    """学校. Saved row by row (a county has a few hundred schools) so that a 教学点 can point
    at a 中心校 created earlier in the same import."""

    key_headers = ("学校标识码",)

    code = _text("code", "学校标识码")
    name = _text("name", "学校名称")
    county = fields.Field(attribute="county", column_name="区县代码", widget=CachedRowWidget(County, "code"))
    county_name = fields.Field(
        attribute="county__name", column_name="区县名称", readonly=True, widget=widgets.CharWidget()
    )
    township = fields.Field(
        attribute="township", column_name="乡镇名称", widget=TownshipWidget(Township, "name")
    )
    school_type = _text("school_type", "办学类型")
    urban_rural = _text("urban_rural", "城乡类型")
    sponsor = _text("sponsor", "举办者")
    parent = fields.Field(
        attribute="parent", column_name="所属中心校标识码", widget=CachedRowWidget(School, "code")
    )
    boarding = fields.Field(attribute="boarding", column_name="是否寄宿制", widget=YesNoWidget())

    class Meta:
        model = School
        fields = (
            "code",
            "name",
            "county",
            "county_name",
            "township",
            "school_type",
            "urban_rural",
            "sponsor",
            "parent",
            "boarding",
        )
        import_id_fields = ("code",)
        skip_diff = True
        clean_model_instances = False

    def __init__(self, *, counties=None, townships=None, **kwargs):
        super().__init__(**kwargs)
        self.fields["county"].widget.cache = counties if counties is not None else {}
        self.fields["township"].widget.cache = townships if townships is not None else {}

    def row_key(self, row):
        return row["学校标识码"]

    def after_save_instance(self, instance, row, **kwargs):
        # Later rows (teaching points) may name this school as their parent.
        self.schools[instance.code] = instance


class ConditionsResource(_CachedResource):
    key_headers = ("学年", "学校标识码")

    year = _int("year", "学年")
    school = _school()
    primary_students = _int("primary_students", "小学在校生数")
    junior_students = _int("junior_students", "初中在校生数")
    senior_students = _int("senior_students", "高中在校生数")
    building_area = _decimal("building_area", "教学及辅助用房面积")
    sports_area = _decimal("sports_area", "体育运动场馆面积")
    equipment_value = _decimal("equipment_value", "教学仪器设备值")
    computers = _int("computers", "教学用计算机台数")
    books = _int("books", "图书册数")
    multimedia_rooms = _int("multimedia_rooms", "网络多媒体教室数")
    music_rooms = _int("music_rooms", "音乐专用教室数")
    art_rooms = _int("art_rooms", "美术专用教室数")
    music_room_areas = fields.Field(
        attribute="music_room_areas", column_name="音乐专用教室面积", widget=AreasWidget()
    )
    art_room_areas = fields.Field(
        attribute="art_room_areas", column_name="美术专用教室面积", widget=AreasWidget()
    )
    full_time_teachers = _int("full_time_teachers", "专任教师数")

    class Meta:
        model = SchoolConditions
        fields = (
            "year",
            "school",
            "primary_students",
            "junior_students",
            "senior_students",
            "building_area",
            "sports_area",
            "equipment_value",
            "computers",
            "books",
            "multimedia_rooms",
            "music_rooms",
            "art_rooms",
            "music_room_areas",
            "art_room_areas",
            "full_time_teachers",
        )
        import_id_fields = ("year", "school")
        use_bulk = True
        batch_size = 5000
        skip_diff = True
        clean_model_instances = False


class TeacherResource(_CachedResource):
    key_headers = ("学年", "学校标识码", "教师编号")

    year = _int("year", "学年")
    school = _school()
    staff_no = _text("staff_no", "教师编号")
    name = _text("name", "姓名")
    id_number = _text("id_number", "身份证号")
    stage = _text("stage", "任教学段")
    full_time = fields.Field(attribute="full_time", column_name="是否专任教师", widget=YesNoWidget())
    education = _text("education", "最高学历")
    title = _text("title", "专业技术职务")
    backbone = _text("backbone", "骨干教师级别")
    subject = _text("subject", "主要任教学科")

    class Meta:
        model = Teacher
        fields = (
            "year",
            "school",
            "staff_no",
            "name",
            "id_number",
            "stage",
            "full_time",
            "education",
            "title",
            "backbone",
            "subject",
        )
        import_id_fields = ("year", "school", "staff_no")
        use_bulk = True
        batch_size = 5000
        skip_diff = True
        clean_model_instances = False

    def __init__(self, *, reveal=None, **kwargs):
        """`reveal(teacher) -> bool` decides, row by row, whether the export carries the
        teacher's name and full ID number; without it (imports) every row is complete."""
        super().__init__(**kwargs)
        self.reveal = reveal

    def _revealed(self, teacher) -> bool:
        return self.reveal is None or self.reveal(teacher)

    def dehydrate_name(self, teacher):
        return teacher.name if self._revealed(teacher) else ""

    def dehydrate_id_number(self, teacher):
        if self._revealed(teacher):
            return teacher.id_number
        return mask_id_number(teacher.id_number)


class ClassResource(_CachedResource):
    key_headers = ("学年", "学校标识码", "班级名称")

    year = _int("year", "学年")
    school = _school()
    stage = _text("stage", "学段")
    grade = _int("grade", "年级")
    name = _text("name", "班级名称")
    students = _int("students", "学生数")

    class Meta:
        model = SchoolClass
        fields = ("year", "school", "stage", "grade", "name", "students")
        import_id_fields = ("year", "school", "name")
        use_bulk = True
        batch_size = 5000
        skip_diff = True
        clean_model_instances = False


RESOURCES = {
    "schools": SchoolResource,
    "conditions": ConditionsResource,
    "teachers": TeacherResource,
    "classes": ClassResource,
}
