"""Writing validated template rows, and reading rows back out in the template's layout.

Both are driven by the template declaration (schools.columns): each declared column names its
model attribute, and the values handed in are the parsed ones (parse_cell), stored as they are
(`Column.to_model`). The columns naming another row (学校, 区县, 乡镇, 中心校) are looked up in
dicts the import service loaded once, so writing a row costs no query.

This replaces the django-import-export round trip the imports used to make: the rows were
parsed here, turned back into a tablib dataset and cleaned again by the library's widgets.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import DatabaseError
from django.utils import timezone

from schools.columns import Template

UPDATE_CHUNK = 900  # primary keys per UPDATE … WHERE id IN (…)
CREATE_BATCH = 5000

# Columns that name another row: the related row's field the cell holds.
RELATED_FIELD = {"school": "code", "county": "code", "township": "name", "parent": "code"}
# Columns shown for reading only (not written): the related row and its field.
READ_ONLY = {"county_name": ("county", "name")}


def _writable(template: Template):
    return [c for c in template.columns if c.attribute not in READ_ONLY]


def _set_values(instance, template: Template, values: dict, related: dict[str, Callable]) -> None:
    for column in _writable(template):
        value = values[column.header]
        if column.attribute in related:
            value = related[column.attribute](value, values) if value not in (None, "") else None
        else:
            value = column.to_model(value)
        setattr(instance, column.attribute, value)


class RowWriteError(Exception):
    """The database refused one row (none expected after validation); names its Excel row."""

    def __init__(self, rownum: int, error: Exception):
        super().__init__(str(error))
        self.rownum = rownum


def save_rows(
    model, template: Template, rows: Iterable[tuple[int, dict]], *, instances, key, related, after_save=None
):
    """Create or update one (Excel row number, values) at a time (few rows; `after_save` lets
    later rows find this one). Returns (created, updated); RowWriteError on a refused row."""
    created = updated = 0
    for rownum, values in rows:
        instance = instances.get(key(values))
        if instance is None:
            instance, created = model(), created + 1
        else:
            updated += 1
        _set_values(instance, template, values, related)
        try:
            instance.save()
        except DatabaseError as exc:
            raise RowWriteError(rownum, exc) from exc
        if after_save:
            after_save(instance)
    return created, updated


def bulk_upsert(model, template: Template, rows: Iterable[tuple[int, dict]], *, instances, key, related):
    """Create the new rows in batches and update only the values that changed.

    Django's bulk_update builds a CASE expression per row and field; for a 10,000-row roster
    that takes tens of seconds. Re-imported rosters mostly repeat their values, and changed
    columns are mostly choices with a handful of values, so grouping the changed rows by
    (column, value) needs few statements. Returns (created, updated): every existing row named
    by the file counts as updated, changed or not."""
    names = [c.attribute for c in _writable(template) if c.header not in template.key]
    new, groups, updated = [], defaultdict(list), 0
    for _rownum, values in rows:
        instance = instances.get(key(values))
        if instance is None:
            instance = model()
            _set_values(instance, template, values, related)
            new.append(instance)
            continue
        updated += 1
        before = [getattr(instance, n) for n in names]
        _set_values(instance, template, values, related)
        for name, old in zip(names, before, strict=True):
            after = getattr(instance, name)
            if after != old:
                # A list (room areas) is grouped by its tuple: dict keys must be hashable.
                groups[(name, tuple(after) if isinstance(after, list) else after)].append(instance.pk)
    model.objects.bulk_create(new, batch_size=CREATE_BATCH)
    manager = model.objects
    for (name, value), pks in groups.items():
        if isinstance(value, tuple):
            value = list(value)
        for start in range(0, len(pks), UPDATE_CHUNK):
            manager.filter(pk__in=pks[start : start + UPDATE_CHUNK]).update(**{name: value})
    # QuerySet.update() skips auto_now fields; stamp the rows that really changed.
    stamps = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    changed = sorted({pk for pks in groups.values() for pk in pks})
    if stamps and changed:
        now = timezone.now()
        for start in range(0, len(changed), UPDATE_CHUNK):
            manager.filter(pk__in=changed[start : start + UPDATE_CHUNK]).update(**{f: now for f in stamps})
    return len(new), updated


def export_rows(template: Template, objects: Iterable, *, overrides: dict[str, Callable] | None = None):
    """Each object as a row of the template's cells (`Column.render`), which re-imports as it is.

    `overrides` maps an attribute to a function of the object giving the value instead (a
    masked ID number)."""
    overrides = overrides or {}
    columns = template.columns
    for obj in objects:
        row = []
        for column in columns:
            attribute = column.attribute
            if attribute in overrides:
                value = overrides[attribute](obj)
            elif attribute in READ_ONLY:
                relation, field = READ_ONLY[attribute]
                value = getattr(getattr(obj, relation), field)
            elif attribute in RELATED_FIELD:
                other = getattr(obj, attribute)
                value = None if other is None else getattr(other, RELATED_FIELD[attribute])
            else:
                value = getattr(obj, attribute)
            row.append(column.render(value))
        yield row
