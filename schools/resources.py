"""django-import-export resources of the four templates (data-contract §1).

The fields are made from the template declarations of schools.columns, one per declared column
(header, attribute, cell type), so there is no second list of headers here. The import service
(schools.importing) parses and validates every cell once (schools.columns.parse_cell) and hands
these resources the parsed values; their widgets (`DeclaredWidget`) pass those values through
without parsing them again, and render stored values through the same declaration
(`Column.render`), so an exported file has the template's layout and re-imports cleanly. The
related rows (school, county, township, parent) are looked up in dicts the service loaded once,
so importing a row costs no query: `get_instance` and the related-row widgets read those dicts.
"""

from collections import defaultdict

from django.utils import timezone
from import_export import fields, resources, widgets

from schools.columns import CLASSES, CONDITIONS, SCHOOLS, TEACHERS, Column, Template
from schools.idcard import mask_id_number
from schools.models import County, School, SchoolClass, SchoolConditions, Teacher, Township

UPDATE_CHUNK = 900  # primary keys per UPDATE … WHERE id IN (…)


class DeclaredWidget(widgets.Widget):
    """A column of a template declaration: the value arrives parsed (parse_cell) and is stored
    as is (`Column.to_model`); exports render it with `Column.render`."""

    def __init__(self, column: Column):
        super().__init__()
        self.column = column

    def clean(self, value, row=None, **kwargs):
        return self.column.to_model(value)

    def render(self, value, obj=None, **kwargs):
        return self.column.render(value)


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


def _declared_fields(template: Template, **related) -> dict:
    """One import-export field per declared column; `related` replaces the fields of the columns
    that name another row (looked up, not parsed)."""
    return {
        c.attribute: related.get(c.attribute)
        or fields.Field(attribute=c.attribute, column_name=c.header, widget=DeclaredWidget(c))
        for c in template.columns
    }


def _resource(name: str, base, template: Template, **related):
    """The resource class of `template`: `base` (lookups, bulk writes) plus the declared fields."""
    meta = type("Meta", (), {"fields": tuple(c.attribute for c in template.columns)})
    return type(
        name, (base,), {**_declared_fields(template, **related), "Meta": meta, "__module__": __name__}
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


class _Schools(_CachedResource):
    """学校. Saved row by row (a county has a few hundred schools) so that a 教学点 can point
    at a 中心校 created earlier in the same import."""

    key_headers = ("学校标识码",)

    class Meta:
        model = School
        fields = ()  # the declared fields are added by _resource
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


class _Yearly(_CachedResource):
    class Meta:
        fields = ()  # the declared fields are added by _resource
        use_bulk = True
        batch_size = 5000
        skip_diff = True
        clean_model_instances = False


class _Conditions(_Yearly):
    key_headers = CONDITIONS.key

    class Meta:
        model = SchoolConditions
        import_id_fields = ("year", "school")


class _Teachers(_Yearly):
    key_headers = TEACHERS.key

    class Meta:
        model = Teacher
        import_id_fields = ("year", "school", "staff_no")

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


class _Classes(_Yearly):
    key_headers = CLASSES.key

    class Meta:
        model = SchoolClass
        import_id_fields = ("year", "school", "name")


SchoolResource = _resource(
    "SchoolResource",
    _Schools,
    SCHOOLS,
    county=fields.Field(attribute="county", column_name="区县代码", widget=CachedRowWidget(County, "code")),
    county_name=fields.Field(
        attribute="county__name",
        column_name="区县名称",
        readonly=True,
        widget=DeclaredWidget(SCHOOLS.column("区县名称")),
    ),
    township=fields.Field(
        attribute="township", column_name="乡镇名称", widget=TownshipWidget(Township, "name")
    ),
    parent=fields.Field(
        attribute="parent", column_name="所属中心校标识码", widget=CachedRowWidget(School, "code")
    ),
)
ConditionsResource = _resource("ConditionsResource", _Conditions, CONDITIONS, school=_school())
TeacherResource = _resource("TeacherResource", _Teachers, TEACHERS, school=_school())
ClassResource = _resource("ClassResource", _Classes, CLASSES, school=_school())

RESOURCES = {
    "schools": SchoolResource,
    "conditions": ConditionsResource,
    "teachers": TeacherResource,
    "classes": ClassResource,
}
