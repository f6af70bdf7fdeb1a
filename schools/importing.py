"""Import of the four data-contract templates: read, validate, apply — all or nothing.

The one entry point for code is `import_file`; the browser flow previews with
`import_file(dry_run=True, keep_file=True)` and applies with `import_confirm`. Every attempt
writes an ImportRecord; an applied import also writes an AuditEntry (action "import").

How a file goes through:
1. size, then content (an xlsx zip) — balance_inspect.uploads, before any parsing;
2. one pass over the first worksheet with openpyxl (read-only, values only): header row
   matched after trimming spaces, unknown columns ignored, empty rows skipped;
3. every cell parsed (schools.columns), then every row checked against data loaded once
   (schools, areas, existing rows, the user's scope) — every error is collected as
   (Excel row, column header, reason in Chinese);
4. only if there is no error: the parsed rows are written by schools.upsert (driven by the
   same declaration) inside a transaction; any failure there rolls everything back. A dry
   run goes through the same path and is rolled back.
"""

import contextlib
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from io import BytesIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone
from openpyxl import load_workbook

from accounts.access import SCHOOL_DATA_WRITERS, require_role
from accounts.models import AuditEntry, Role
from accounts.services import audit_record
from balance_inspect.signals import import_applied
from balance_inspect.uploads import validate_upload
from balance_inspect.xlsx_read import check_xlsx_bounds, data_rows
from schools import upsert
from schools.columns import (
    ID_NUMBER,
    TEACHING_POINT,
    TEMPLATES,
    CellError,
    Template,
    grade_matches_stage,
    grade_rule,
    is_blank,
    parse_cell,
)
from schools.idcard import mask_id_number
from schools.models import County, ImportRecord, School, SchoolClass, SchoolConditions, Teacher, Township

logger = logging.getLogger(__name__)

FILE_COLUMN = "文件"


@dataclass
class ImportOutcome:
    """What an import attempt did. `errors` lists (Excel row or None, column header, reason)."""

    ok: bool
    created: int
    updated: int
    rows: int
    errors: list[tuple[int | None, str, str]]
    record: ImportRecord

    @property
    def summary(self) -> str:
        label = TEMPLATES[self.record.kind].label
        return f"{label}：新增 {self.created} 条，更新 {self.updated} 条"


@dataclass
class _Run:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)
    county_codes: set = field(default_factory=set)
    years: set = field(default_factory=set)


# --- who may import what -------------------------------------------------------------------


def ensure_may_import(user, kind: str) -> None:
    """Bureau staff and admins import every template, school reporters the yearly ones of their
    own school; township officials and inspectors none (PermissionDenied). `user=None` is the
    system (the CLI), which is not scoped."""
    if kind not in TEMPLATES:
        raise ValueError(f"未知的数据类型：{kind}")
    if user is None:
        return
    require_role(user, *SCHOOL_DATA_WRITERS)
    if user.role == Role.SCHOOL and not TEMPLATES[kind].yearly:
        raise PermissionDenied("学校填报员不能导入学校名录")
    if (user.role == Role.BUREAU and not user.county_id) or (user.role == Role.SCHOOL and not user.school_id):
        raise PermissionDenied("账号未指定所属区县或学校，不能导入")


def importable_kinds(user) -> list[str]:
    if not user.writes_school_data:
        return []
    return [k for k, t in TEMPLATES.items() if t.yearly or user.role != Role.SCHOOL]


class _Scope:
    """The area a user imports for: None everywhere means the whole system."""

    def __init__(self, user):
        self.unscoped = user is None or user.is_unscoped
        self.county = None if self.unscoped or user.role == Role.SCHOOL else user.county
        self.school = user.school if user is not None and user.role == Role.SCHOOL else None
        self.is_school = user is not None and user.role == Role.SCHOOL

    def has_school(self, school) -> bool:
        if self.unscoped:
            return True
        if self.is_school:
            return self.school is not None and school.pk == self.school.pk
        return self.county is not None and school.county_id == self.county.pk

    def school_refusal(self, code: str) -> str:
        if self.is_school:
            own = f"{self.school.code} {self.school.name}" if self.school else "未指定学校"
            return f"只能导入本校（{own}）的数据，不能导入学校 {code}"
        if self.county is not None:
            return f"学校标识码 {code} 不存在或不属于本区县（{self.county.name}）"
        return f"学校标识码 {code} 不存在，请先导入学校名录"


# --- reading -------------------------------------------------------------------------------


def read_upload(file_obj) -> bytes:
    """The bytes of an uploaded xlsx; ValidationError (Chinese) when too large or not an xlsx.

    The size is checked before anything is read, then the content is sniffed (a zip holding
    xl/workbook.xml) — the file name is never trusted.
    """
    upload = file_obj if hasattr(file_obj, "size") else File(file_obj)
    validate_upload(upload, allowed=("xlsx",))
    upload.seek(0)
    return upload.read()


def read_sheet(data: bytes, template: Template, *, limit: int | None = None):
    """(present headers, [(Excel row, {header: raw value})], errors) of the first worksheet.

    Only the template's columns are kept; rows whose template cells are all blank are skipped.
    A missing required column or a repeated header is an error on row 1.
    """
    known = set(template.headers)
    try:
        check_xlsx_bounds(data)  # before openpyxl: a bomb is refused without being unpacked
    except ValidationError as exc:
        return [], [], [(None, FILE_COLUMN, exc.messages[0])]
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any failure of the parser on an untrusted file is a refusal, not a crash
        logger.info("unreadable xlsx upload", exc_info=True)
        return [], [], [(None, FILE_COLUMN, "无法读取该 Excel 文件，请用 Excel 或 WPS 另存为 .xlsx 后重试")]
    try:
        sheet = workbook.worksheets[0]
        # Some exporters write a wrong <dimension> (e.g. "A1"); read-only mode would then stop
        # there and silently drop rows and columns. Without it, every row in the file is read.
        sheet.reset_dimensions()
        header, rows_iter = data_rows(sheet, known, _header_text)
        positions, errors = {}, []
        for index, cell in enumerate(header):
            name = _header_text(cell)
            if name in known:
                if name in positions:
                    errors.append((1, name, "表头重复"))
                else:
                    positions[name] = index
        missing = [
            (1, c.header, "缺少必填列") for c in template.columns if c.required and c.header not in positions
        ]
        if missing:
            errors += _other_kind_hint(template, {_header_text(cell) for cell in header})
        errors += missing
        if errors:
            return [], [], errors
        present = [h for h in template.headers if h in positions]
        wanted = [(h, positions[h]) for h in present]
        rows = []
        for rownum, values in enumerate(rows_iter, start=2):
            size = len(values)
            cells = {h: (values[i] if i < size else None) for h, i in wanted}
            if all(is_blank(v) for v in cells.values()):
                continue
            rows.append((rownum, cells))
            if limit is not None and len(rows) >= limit:
                break
        return present, rows, []
    except Exception:  # a broken worksheet part inside a valid zip: refuse, do not crash
        logger.info("unreadable xlsx worksheet", exc_info=True)
        return [], [], [(None, FILE_COLUMN, "无法读取该 Excel 文件的第一个工作表")]
    finally:
        workbook.close()


def _other_kind_hint(template, headers: set[str]) -> list:
    """A row-1 error naming the data kind whose template the file's header does match, if any.

    A 班级 file uploaded as 学校 otherwise gets six "缺少必填列" and no word of the likely slip.
    """
    if TEMPLATES.get(template.kind) is not template:
        return []
    for other in TEMPLATES.values():
        required = {c.header for c in other.columns if c.required}
        if other is not template and required <= headers:
            return [
                (
                    1,
                    FILE_COLUMN,
                    f"该文件的表头与“{other.label}”模板一致，可能选错了数据类型："
                    f"请选择“{other.label}”后重新上传",
                )
            ]
    return []


def _header_text(cell) -> str:
    if cell is None:
        return ""
    return (cell if isinstance(cell, str) else str(cell)).strip()


# --- validation ----------------------------------------------------------------------------

INVALID = object()  # a cell that failed to parse; checks that need it are skipped


class _Validator:
    """Parses every cell, loads what the rows refer to once, then checks each row."""

    model = None

    def __init__(self, template: Template, scope: _Scope, max_year: int):
        self.template = template
        self.scope = scope
        self.max_year = max_year
        self.errors: list = []
        self.county_codes: set = set()

    def run(self, present, raw_rows) -> list:
        columns = [self.template.column(h) for h in present]
        absent = [c for c in self.template.columns if c.header not in present]
        errors = self.errors
        parsed = []
        for rownum, cells in raw_rows:
            values = {}
            for column in columns:
                try:
                    values[column.header] = parse_cell(column, cells[column.header], max_year=self.max_year)
                except CellError as exc:
                    errors.append((rownum, column.header, str(exc)))
                    values[column.header] = INVALID
            for column in absent:
                values[column.header] = column.default
            parsed.append((rownum, values))
        self.load(parsed)
        first_row_of = {}
        key_headers = self.template.key
        for rownum, values in parsed:
            self.check_row(rownum, values)
            key = tuple(values[h] for h in key_headers)
            if INVALID in key:
                continue
            if key in first_row_of:
                keys = "、".join(key_headers)
                errors.append((rownum, key_headers[-1], f"与第 {first_row_of[key]} 行重复（{keys}相同）"))
            else:
                first_row_of[key] = rownum
        errors.sort(key=lambda e: e[0] or 0)
        return parsed

    def error(self, rownum, header, message):
        self.errors.append((rownum, header, message))

    def load(self, parsed):
        raise NotImplementedError

    def check_row(self, rownum, values):
        raise NotImplementedError

    def write(self, rows) -> tuple[int, int]:
        """Write the validated (Excel row, values) pairs inside the import transaction;
        (created, updated)."""
        raise NotImplementedError


class _YearlyValidator(_Validator):
    """办学条件, 教师, 班级: rows of existing schools in the user's scope, keyed by year."""

    def load(self, parsed):
        codes = {v["学校标识码"] for _, v in parsed if v["学校标识码"] is not INVALID}
        years = {v["学年"] for _, v in parsed if v["学年"] is not INVALID}
        found = School.objects.filter(code__in=codes).select_related("county")
        self.schools = {s.code: s for s in found if self.scope.has_school(s)}
        code_by_id = {s.pk: s.code for s in self.schools.values()}
        existing = self.model.objects.filter(school_id__in=code_by_id, year__in=years)
        attributes = [self.template.column(h).attribute for h in self.template.key]
        self.instances = {
            tuple(code_by_id[obj.school_id] if a == "school" else getattr(obj, a) for a in attributes): obj
            for obj in existing
        }

    def check_row(self, rownum, values):
        code = values["学校标识码"]
        if code is INVALID:
            return
        school = self.schools.get(code)
        if school is None:
            self.error(rownum, "学校标识码", self.scope.school_refusal(code))
        else:
            self.county_codes.add(school.county.code)

    def write(self, rows):
        key_headers = self.template.key
        return upsert.bulk_upsert(
            self.model,
            self.template,
            rows,
            instances=self.instances,
            key=lambda values: tuple(values[h] for h in key_headers),
            related={"school": lambda code, _values: self.schools[code]},
        )


class _ConditionsValidator(_YearlyValidator):
    model = SchoolConditions

    def check_row(self, rownum, values):
        super().check_row(rownum, values)
        # The areas are those of each room: as many as the rooms counted in the same row.
        for column in self.template.columns:
            if not column.count_header:
                continue
            areas, count = values[column.header], values[column.count_header]
            if areas is INVALID or count is INVALID or not areas:
                continue
            if len(areas) != (count or 0):
                self.error(
                    rownum,
                    column.header,
                    f"填写了 {len(areas)} 间教室的面积，与{column.count_header}（{count or 0}）不一致："
                    "每间教室填一个面积",
                )


class _TeachersValidator(_YearlyValidator):
    model = Teacher


class _ClassesValidator(_YearlyValidator):
    model = SchoolClass

    def check_row(self, rownum, values):
        super().check_row(rownum, values)
        stage, grade = values["学段"], values["年级"]
        if stage is not INVALID and grade is not INVALID and not grade_matches_stage(stage, grade):
            self.error(rownum, "年级", f"年级与学段不符：{grade_rule(stage)}，实际为 {grade}")


class _SchoolsValidator(_Validator):
    """学校: counties and townships are named by the rows; a 教学点 needs a 中心校 that exists
    in the system or anywhere in the same file."""

    model = School

    def load(self, parsed):
        codes, county_codes = set(), set()
        self.in_file = {}
        for _, v in parsed:
            for header in ("学校标识码", "所属中心校标识码"):
                if v[header] not in (INVALID, ""):
                    codes.add(v[header])
            if v["区县代码"] is not INVALID:
                county_codes.add(v["区县代码"])
            if v["学校标识码"] is not INVALID:
                self.in_file.setdefault(v["学校标识码"], v)
        self.existing = {s.code: s for s in School.objects.filter(code__in=codes).select_related("county")}
        self.counties = {c.code: c for c in County.objects.filter(code__in=county_codes)}
        self.townships = {
            (t.county.code, t.name): t
            for t in Township.objects.filter(county__code__in=county_codes).select_related("county")
        }
        self.parents_in_use = set(
            School.objects.filter(parent__code__in=codes).values_list("parent__code", flat=True)
        )
        self.new_counties: dict[str, str] = {}

    def check_row(self, rownum, v):
        self._check_county(rownum, v)
        self._check_township(rownum, v)
        code = v["学校标识码"]
        existing = self.existing.get(code) if code is not INVALID else None
        if existing is not None and not self.scope.unscoped and existing.county_id != self.scope.county.pk:
            self.error(rownum, "学校标识码", "该学校标识码已属于其他区县的学校")
        school_type, parent_code = v["办学类型"], v["所属中心校标识码"]
        if school_type is INVALID or parent_code is INVALID:
            return
        if school_type != TEACHING_POINT:
            if parent_code:
                self.error(rownum, "所属中心校标识码", "只有教学点填写所属中心校标识码，其他学校请留空")
            return
        if code in self.parents_in_use:
            self.error(rownum, "办学类型", "该校是其他教学点的中心校，不能改为教学点")
        if not parent_code:
            self.error(rownum, "所属中心校标识码", "教学点必须填写所属中心校标识码")
            return
        if parent_code == code:
            self.error(rownum, "所属中心校标识码", "所属中心校不能是教学点本身")
            return
        parent = self._parent(parent_code)
        if parent is None:
            self.error(
                rownum, "所属中心校标识码", f"所属中心校 {parent_code} 不存在（系统和本文件中均没有该学校）"
            )
        elif parent[0] == TEACHING_POINT:
            self.error(rownum, "所属中心校标识码", f"所属中心校 {parent_code} 是教学点，应填写中心校")
        elif v["区县代码"] is not INVALID and parent[1] not in (INVALID, v["区县代码"]):
            self.error(rownum, "所属中心校标识码", f"所属中心校 {parent_code} 与教学点不在同一区县")

    def _check_township(self, rownum, v):
        """Once a county has its townships registered, a name not among them is refused (a typo
        such as 城关真 would otherwise create a new township); a county's first file defines them."""
        county_code, name = v["区县代码"], v["乡镇名称"]
        if county_code is INVALID or name is INVALID:
            return
        known = sorted(t for c, t in self.townships if c == county_code)
        if known and (county_code, name) not in self.townships:
            listed = "、".join(known[:12]) + ("等" if len(known) > 12 else "")
            self.error(
                rownum,
                "乡镇名称",
                f"未知乡镇“{name}”：本县已登记的乡镇（街道）为 {listed}；"
                "如为新设乡镇，请由系统管理员先在后台添加",
            )

    def _parent(self, code):
        """(办学类型, 区县代码) of a parent named in the file (its new values win) or in the system."""
        if code in self.in_file:
            row = self.in_file[code]
            return row["办学类型"], row["区县代码"]
        school = self.existing.get(code)
        if school is None or not self.scope.has_school(school):
            return None
        return school.school_type, school.county.code

    def _check_county(self, rownum, v):
        code, name = v["区县代码"], v["区县名称"]
        if code is INVALID:
            return
        county = self.counties.get(code)
        if self.scope.county is not None and code != self.scope.county.code:
            own = self.scope.county
            self.error(
                rownum, "区县代码", f"只能导入本区县（{own.name} {own.code}）的学校，不能导入区县 {code}"
            )
            return
        self.county_codes.add(code)
        if name is INVALID:
            return
        if county is not None:
            if name != county.name:
                self.error(rownum, "区县名称", f"与区县代码 {code} 在系统中的名称“{county.name}”不一致")
            return
        first = self.new_counties.setdefault(code, name)
        if name != first:
            self.error(rownum, "区县名称", f"区县代码 {code} 在本文件中已对应“{first}”")

    def write(self, rows):
        """Creates the counties and townships the rows name, then the schools row by row (a
        teaching point may name a centre school created earlier in the same file)."""
        counties = dict(self.counties)
        for code, name in self.new_counties.items():
            counties[code] = County.objects.create(code=code, name=name)
        townships = dict(self.townships)
        for values in self.in_file.values():  # rows in file order: the county's order of townships
            key = (values["区县代码"], values["乡镇名称"])
            if key not in townships:
                position = sum(1 for county_code, _name in townships if county_code == key[0]) + 1
                townships[key] = Township.objects.create(
                    county=counties[key[0]], name=key[1], position=position
                )
        schools = dict(self.existing)
        return upsert.save_rows(
            School,
            self.template,
            rows,
            instances=self.existing,
            key=lambda values: values["学校标识码"],
            related={
                "county": lambda code, _values: counties[code],
                "township": lambda name, values: townships[(values["区县代码"], name)],
                "parent": lambda code, _values: schools[code],
            },
            after_save=lambda school: schools.__setitem__(school.code, school),
        )


_VALIDATORS = {
    "schools": _SchoolsValidator,
    "conditions": _ConditionsValidator,
    "teachers": _TeachersValidator,
    "classes": _ClassesValidator,
}


def max_import_year() -> int:
    """The latest plausible 学年: next year's data are prepared in the autumn before."""
    return timezone.localdate().year + 1


# --- applying ------------------------------------------------------------------------------


def _run(template: Template, data: bytes, user, *, dry_run: bool) -> _Run:
    """Validate `data`; if valid, write it (or only try, for a dry run) in a savepoint."""
    present, raw_rows, errors = read_sheet(data, template)
    if errors:
        return _Run(errors=errors)
    validator = _VALIDATORS[template.kind](template, _Scope(user), max_import_year())
    parsed = validator.run(present, raw_rows)
    run = _Run(
        rows=len(parsed),
        errors=validator.errors,
        county_codes=validator.county_codes,
        years={v["学年"] for _, v in parsed if template.yearly and v.get("学年") is not INVALID},
    )
    if run.errors:
        return run
    if not template.yearly:
        # Centre schools first, so that a teaching point finds a parent created by this file.
        parsed.sort(key=lambda item: item[1]["办学类型"] == TEACHING_POINT)
    with transaction.atomic():
        try:
            run.created, run.updated = validator.write(parsed)
        except upsert.RowWriteError as exc:
            logger.exception("import of %s failed while writing row %s", template.kind, exc.rownum)
            run.errors = [(exc.rownum, "", f"写入失败：{exc}")]
        except DatabaseError as exc:  # none expected after validation; the import is refused whole
            logger.exception("import of %s failed while writing", template.kind)
            run.errors = [(None, FILE_COLUMN, f"写入数据库失败：{exc}")]
        if run.errors or dry_run:
            transaction.set_rollback(True)
    return run


def _record_county(user, county_codes):
    if user is not None and user.county_id:
        return user.county
    if len(county_codes) == 1:
        return County.objects.filter(code=next(iter(county_codes))).first()
    return None


def _outcome(record: ImportRecord) -> ImportOutcome:
    errors = [tuple(e) for e in record.errors]
    return ImportOutcome(
        ok=record.status != ImportRecord.Status.REFUSED,
        created=record.created_count,
        updated=record.updated_count,
        rows=record.rows,
        errors=errors,
        record=record,
    )


def _finish(record: ImportRecord, run: _Run, *, status, user) -> None:
    """Store the run on the record (and audit an applied import) — inside the caller's transaction."""
    record.status = ImportRecord.Status.REFUSED if run.errors else status
    record.rows = run.rows
    record.created_count = run.created
    record.updated_count = run.updated
    record.errors = [list(e) for e in run.errors]
    if record.county_id is None:
        record.county = _record_county(user, run.county_codes)
    record.save()
    if record.status == ImportRecord.Status.APPLIED:
        outcome = _outcome(record)
        audit_record(
            user=user,
            action=AuditEntry.Action.IMPORT,
            obj=record,
            county=record.county,
            changes={"created": run.created, "updated": run.updated, "rows": run.rows},
            note=f"{outcome.summary}（文件 {record.file_name}，SHA-256 {record.sha256[:12]}…）",
        )
        # Other apps (data quality) look at the county's data as a whole once the rows are committed.
        codes = set(run.county_codes) or ({record.county.code} if record.county_id else set())
        transaction.on_commit(
            partial(
                import_applied.send_robust,
                sender=ImportRecord,
                record=record,
                kind=record.kind,
                county_codes=codes,
                years=set(run.years),
            )
        )


def import_file(*, kind, file_obj, file_name, user, dry_run, keep_file=False) -> ImportOutcome:
    """Import one xlsx file of template `kind` for `user` (None = the system, unscoped).

    All or nothing: with any error nothing is written and `errors` lists them all. A dry run
    goes through every step and rolls back (status "previewed"); with `keep_file` the file is
    kept in default storage under imports/ so that `import_confirm` can apply it later.
    Raises PermissionDenied for users who may not import this kind.
    """
    ensure_may_import(user, kind)
    template = TEMPLATES[kind]
    record = ImportRecord(
        kind=kind,
        user=user,
        file_name=(file_name or "")[:255],
        sha256="",
        county=user.county if user is not None and user.county_id else None,
        school=user.school if user is not None and user.role == Role.SCHOOL else None,
    )
    try:
        data = read_upload(file_obj)
    except ValidationError as exc:
        run = _Run(errors=[(None, FILE_COLUMN, message) for message in exc.messages])
    else:
        record.sha256 = hashlib.sha256(data).hexdigest()
        run = None
    status = ImportRecord.Status.PREVIEWED if dry_run else ImportRecord.Status.APPLIED
    with transaction.atomic():
        if run is None:
            run = _run(template, data, user, dry_run=dry_run)
        _finish(record, run, status=status, user=user)
    if keep_file and record.status == ImportRecord.Status.PREVIEWED:
        record.stored_file = default_storage.save(f"imports/{record.pk}.xlsx", ContentFile(data))
        record.save(update_fields=["stored_file"])
    return _outcome(record)


def import_confirm(*, record: ImportRecord, user) -> ImportOutcome:
    """Apply a previewed import (previewed → applied, or → refused if the data no longer pass).

    Only the user who uploaded the file confirms it; the kept file must still have the
    SHA-256 seen at preview time. Raises ValidationError when the record is not awaiting
    confirmation and PermissionDenied for anyone else.
    """
    ensure_may_import(user, record.kind)
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if record.status != ImportRecord.Status.PREVIEWED:
            raise ValidationError(f"该导入的状态为“{record.get_status_display()}”，不能再确认")
        if user is not None and record.user_id != user.pk:
            raise PermissionDenied("只能确认自己上传的文件")
        data = _stored_data(record)
        if data is None:
            run = _Run(errors=[(None, FILE_COLUMN, "暂存文件已不存在，请重新上传")])
        elif hashlib.sha256(data).hexdigest() != record.sha256:
            run = _Run(errors=[(None, FILE_COLUMN, "暂存文件与预览时不一致（SHA-256 校验失败），请重新上传")])
        else:
            run = _run(TEMPLATES[record.kind], data, user, dry_run=False)
        stored = record.stored_file
        record.stored_file = ""
        _finish(record, run, status=ImportRecord.Status.APPLIED, user=user)
        # The kept copy holds personal data (ID numbers): gone once the import is decided.
        transaction.on_commit(lambda: _delete_stored(stored))
    return _outcome(record)


def _stored_data(record) -> bytes | None:
    if not record.stored_file:
        return None
    try:
        with default_storage.open(record.stored_file, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def _delete_stored(name: str) -> None:
    if name:
        default_storage.delete(name)


def preview_rows(record: ImportRecord, *, limit: int = 10):
    """(headers, rows of display values) of the first rows of a kept file, each cell as the
    import reads it (the declaration's parsed value, rendered as an export writes it); a cell
    that does not parse is shown as typed. ID numbers are masked."""
    data = _stored_data(record)
    if data is None:
        return [], []
    template = TEMPLATES[record.kind]
    present, rows, _errors = read_sheet(data, template, limit=limit)
    columns = [template.column(h) for h in present]
    max_year = max_import_year()
    out = []
    for rownum, cells in rows:
        shown = [rownum]
        for column in columns:
            value = cells[column.header]
            with contextlib.suppress(CellError):  # shown as typed; the errors list says why
                value = column.render(parse_cell(column, value, max_year=max_year))
            if column.type == ID_NUMBER and not is_blank(value):
                # Also a number cell that failed to parse: it would still show most digits.
                value = mask_id_number(str(value))
            shown.append("" if value is None else value)
        out.append(shown)
    return present, out


def import_previews_expire(*, now=None, max_age_hours: int | None = None) -> int:
    """Previews nobody confirmed within the limit are refused and their kept copies deleted.

    The kept file holds personal data (ID numbers of teachers), so it must not linger.
    Returns how many previews expired.
    """
    now = now or timezone.now()
    hours = settings.IMPORT_PREVIEW_MAX_AGE_HOURS if max_age_hours is None else max_age_hours
    stale = list(
        ImportRecord.objects.filter(
            status=ImportRecord.Status.PREVIEWED, created_at__lt=now - timedelta(hours=hours)
        )
    )
    for record in stale:
        stored = record.stored_file
        updated = ImportRecord.objects.filter(pk=record.pk, status=ImportRecord.Status.PREVIEWED).update(
            status=ImportRecord.Status.REFUSED,
            stored_file="",
            errors=[[None, FILE_COLUMN, f"预览后 {hours} 小时内未确认，暂存文件已删除"]],
        )
        if updated:
            _delete_stored(stored)
    return len(stale)
