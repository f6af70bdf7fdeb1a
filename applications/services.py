"""The application package: the facts bureau staff enter, the form's tables, the blanks still to
fill, and the package job (build in the worker or the CLI, versions immutable)."""

import hashlib
import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services import audit_record, diff, model_snapshot
from balance_inspect.jobs import JobStatus, enqueue, job_finish, job_requeue, job_send_step
from balance_inspect.pdf import html_to_pdf, render_pdf
from dataquality.selectors import blocking_open_count
from indicators import form_items
from indicators.selectors import STALE_TEXT, current_assessment

from . import selectors, tables
from .exports import forms_xlsx
from .models import ApplicationPackage, CountyFacts, Eligibility, FieldVisits, PackageFile
from .report_docx import build_report_docx, report_context
from .school_forms import (
    ZIP_FOLDER,
    build_school_forms,
    form_filename,
    school_form_blanks,
    school_form_xlsx,
    school_forms_pdfs,
)

# Bumped when the layout of a part changes: the same data then builds new files, not old ones.
FORMAT_VERSION = 1

BUREAU = "县教育局"


# --- the facts bureau staff enter (audited) ------------------------------------------------------


def _save(model, lookup: dict, values: dict, *, user, county, label: str):
    """Create or update the one row of ``model`` at ``lookup`` with ``values``; audited with the
    changed fields. Returns the row."""
    fields = list(values)
    with transaction.atomic():
        row = model.objects.select_for_update().filter(**lookup).first()
        created = row is None
        old = {} if created else model_snapshot(row, fields)
        if created:
            row = model(**lookup)
        for name, value in values.items():
            setattr(row, name, value)
        row.entered_by = user
        row.full_clean()
        row.save()
        changes = diff(old, model_snapshot(row, fields))
        if created or changes:
            audit_record(
                user=user,
                action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
                obj=row,
                county=county,
                changes=changes,
                note=label,
            )
    return row


def facts_save(*, county, year: int, values: dict, user) -> CountyFacts:
    """表Ⅰ's county facts of ``year`` (CountyFacts fields), with their source. Audited."""
    return _save(
        CountyFacts,
        {"county": county, "year": year},
        values,
        user=user,
        county=county,
        label="表Ⅰ县域基本情况",
    )


def eligibility_save(*, county, values: dict, user) -> Eligibility:
    """The year of 基本均衡 recognition and its document. Audited."""
    return _save(Eligibility, {"county": county}, values, user=user, county=county, label="申报资格")


def visits_save(*, county, year: int, values: dict, user) -> FieldVisits:
    """表Ⅵ's field-visit tallies of ``year``. Satisfied never exceeds visited. Audited."""
    for part, whole, who in (
        ("satisfied", "visited", "计"),
        ("parents_satisfied", "parents_visited", "家长"),
    ):
        if values.get(part) is not None and values.get(whole) is not None and values[part] > values[whole]:
            raise ValidationError(f"实地走访（{who}）：满意人数不能多于走访人数")
    if (
        values.get("parents_visited") is not None
        and values.get("visited") is not None
        and values["parents_visited"] > values["visited"]
    ):
        raise ValidationError("实地走访：家长人数不能多于走访总人数")
    return _save(
        FieldVisits, {"county": county, "year": year}, values, user=user, county=county, label="表Ⅵ实地走访"
    )


# --- the form's tables ----------------------------------------------------------------------------


def _form_rows(result: dict) -> tuple[list[dict], list[dict], list[dict]]:
    """表Ⅳ, 表Ⅴ and the veto rows of the assessment (the form's own rows, with each item's
    fill-in sentence and the blanks still open)."""
    return form_items.table4_rows(result), form_items.table5_rows(result), form_items.veto_rows(result)


@dataclass
class ApplicationData:
    """Everything the package shows for one county and school year, as plain data."""

    county: object
    year: int
    assessment: object
    result: dict
    tables: list  # FormTable, in SHEETS order
    eligibility: dict
    table4: list[dict]
    table5: list[dict]
    vetoes: list[dict]
    survey: str
    blocking_findings: int
    school_forms: list[dict] = field(default_factory=list)  # applications.school_forms, plain JSON
    checklist: list[dict] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def vetoed(self) -> list[dict]:
        return [v for v in self.vetoes if v.get("fails_application")]


def current_or_error(county, year: int | None = None):
    """The county's current assessment of ``year``; ValidationError (Chinese) when there is none
    or it is not of the current data — the forms must show the figures of the data filed."""
    current = current_assessment(county, year)
    if current.assessment is None or (year is not None and current.year != year):
        raise ValidationError(
            f"{county.name}{'' if year is None else f' {year} 学年'}还没有当前评估，请先在“指标评估”中完成评估"
        )
    if current.stale:
        raise ValidationError(
            f"{county.name}的当前评估不是最新数据的评估（{STALE_TEXT}），请先重新评估后再生成申报材料"
        )
    return current


def application_data(county, year: int) -> ApplicationData:
    """The tables, vetoes, eligibility and checklist of ``county``'s application from school year
    ``year``, read from its current assessment (ValidationError without one)."""
    current = current_or_error(county, year)
    result = current.assessment.result
    unit_codes = {u["school_code"] for u in result["units"]}
    schools = selectors.school_infos(county, year, unit_codes)
    facts = selectors.facts_of(county, year)
    survey = selectors.survey_groups(county, year)
    visits = selectors.visits_of(county, year)
    row4, row5, vetoes = _form_rows(result)
    elig_row = selectors.eligibility_row(county)
    elig = tables.eligibility(elig_row.basic_recognition_year if elig_row else None, year)
    built = [
        tables.table_1(selectors.county_counts(county, year), facts),
        tables.table_2_1(result),
        tables.table_2_2(result, schools),
        tables.table_3(result),
        tables.items_table("表Ⅳ", "表Ⅳ 政府保障程度评估指标", row4, "注：比例保留一位小数，其他数值取整数。"),
        tables.items_table("表Ⅴ", "表Ⅴ 教育质量评估指标", row5, "注：比例保留一位小数，其他数值取整数。"),
        tables.table_6(survey["all"], survey["parents"], visits),
    ]
    data = ApplicationData(
        county=county,
        year=year,
        assessment=current.assessment,
        result=result,
        tables=built,
        eligibility=elig,
        table4=row4,
        table5=row5,
        vetoes=vetoes,
        survey=survey["survey"],
        blocking_findings=blocking_open_count(county, year),
        school_forms=build_school_forms(county, year),
    )
    data.checklist = checklist(data, facts, visits) + school_form_blanks(data.school_forms)
    data.fingerprint = fingerprint(data)
    return data


FACT_LABELS = {
    "population": ("人口总数（万人）", "L1"),
    "agricultural_population": ("农业人口数（万人）", "L2"),
    "villages": ("行政村数（个）", "L4"),
    "gdp_per_capita": ("年人均国内生产总值（元）", "L5"),
    "fiscal_revenue_per_capita": ("年人均地方财政收入（元）", "L6"),
    "farmer_income": ("农民年人均纯收入（元）", "L7"),
    "urban_income": ("城镇居民年人均可支配收入（元）", "L8"),
    "special_schools": ("特殊教育学校数（所）", "L14"),
}


def checklist(data: ApplicationData, facts: dict, visits) -> list[dict]:
    """Every blank the forms still need: ``{item, table, who, blocking}`` in the form's order.
    ``blocking``: the application cannot be filed as it stands (a veto, no eligibility, open
    blocking data-quality findings)."""
    out = []

    def add(item, table, who, blocking=False):
        out.append({"item": item, "table": table, "who": who, "blocking": blocking})

    if data.eligibility["eligible"] is None:
        add("基本均衡认定年份（申报资格）", "申报资格", BUREAU, True)
    elif not data.eligibility["eligible"]:
        add(data.eligibility["text"], "申报资格", BUREAU, True)
    for name, (label, code) in FACT_LABELS.items():
        if facts.get(name) is None:
            add(f"{label} {code}", "表Ⅰ", f"{BUREAU}（统计、财政部门数据）")
    if not facts.get("source"):
        add("县域基本情况的数据来源", "表Ⅰ", BUREAU)
    for no, rows in (("表Ⅳ", data.table4), ("表Ⅴ", data.table5)):
        for r in rows:
            for blank in r.get("blanks") or []:
                add(f"{r['no']}. {r['name']}：{blank}", no, r.get("who") or BUREAU)
    for r in data.vetoes:
        for blank in r.get("blanks") or []:
            add(f"一票否决 {r['name']}：{blank}", "一票否决", r.get("who") or BUREAU)
        if r.get("fails_application"):
            add(f"一票否决：{r['name']}（存在此情形，不能申报）", "一票否决", BUREAU, True)
    if not data.survey:
        add("社会认可度问卷调查（L1—L4）", "表Ⅵ", f"{BUREAU}（满意度调查）")
    for attr, label in (
        ("visited", "实地走访人数（计）L5"),
        ("satisfied", "实地走访满意人数（计）L6"),
        ("parents_visited", "实地走访人数（家长）L5"),
        ("parents_satisfied", "实地走访满意人数（家长）L6"),
    ):
        if getattr(visits, attr) is None:
            add(label, "表Ⅵ", BUREAU)
    if data.blocking_findings:
        add(f"数据质量：{data.blocking_findings} 条阻断性问题尚未处理", "全部", f"{BUREAU}（数据核查）", True)
    return out


def _plain(value):
    if is_dataclass(value):
        return asdict(value)
    if hasattr(value, "pk"):
        return f"{type(value).__name__}:{value.pk}"
    return str(value)


def fingerprint(data: ApplicationData) -> str:
    """sha256 of everything the package is built from (the tables hold every figure it prints)."""
    payload = {
        "format": FORMAT_VERSION,
        "county": [data.county.code, data.county.name],
        "year": data.year,
        "assessment": data.assessment.fingerprint,
        "tables": [asdict(t) for t in data.tables],
        "eligibility": data.eligibility,
        "vetoes": data.vetoes,
        "table4": data.table4,
        "table5": data.table5,
        "checklist": data.checklist,
    }
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=_plain, ensure_ascii=False).encode()
    ).hexdigest()


# --- the parts ------------------------------------------------------------------------------------


def form_xlsx(data: ApplicationData) -> bytes:
    return forms_xlsx(data.tables)


def form_context(data: ApplicationData, generated_at=None) -> dict:
    return {
        "county": data.county,
        "year": data.year,
        "application_year": data.eligibility["application_year"],
        "tables": data.tables,
        "eligibility": data.eligibility,
        "vetoes": data.vetoes,
        "generated_at": generated_at or timezone.localtime(),
    }


def form_pdf(data: ApplicationData, generated_at=None) -> bytes:
    """申报表.pdf: the same tables as the workbook (never inside a transaction: it takes seconds)."""
    return render_pdf("applications/pdf/forms.html", form_context(data, generated_at))


# --- the package: plan, parts, join ---------------------------------------------------------------
#
# One code path for the worker and the CLI. The plan (fast: no PDF) writes into a work directory
# the workbook, the form's HTML, the school forms (plain JSON) and plan.json; then each part is
# rendered — part 0 is 申报表.pdf, part k ≥ 1 the 学校自评表 (xlsx + PDF) of the k-th chunk of
# APPLICATION_SCHOOL_FORM_CHUNK schools, laid out in one render — and the join assembles the
# files. The worker sends each part as a step task (N workers render N parts at once); the CLI
# renders them one after another.

PART_TASK = "applications.tasks.render_package_part_task"
JOIN_TASK = "applications.tasks.join_package_task"
_JOIN_MARK = 96  # progress: plan 5 %, parts 5–95 %, the join claims 96 %

FORM_XLSX = "申报表.xlsx"
FORM_PDF = "申报表.pdf"
REPORT_DOCX = "自查自评报告.docx"
SCHOOL_ZIP = "学校自评表.zip"


def _write(path: Path, data: bytes) -> None:
    """Whole file or none: a part is done when its file exists."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _read_plan(directory: Path) -> dict:
    return json.loads((directory / "plan.json").read_text(encoding="utf-8"))


def package_plan(county, year: int, directory: Path, *, generated_at=None) -> dict:
    """Lay out the package of ``county``/``year`` into ``directory`` (written once per input:
    an existing plan of the same fingerprint is kept, so a retry renders only missing parts).
    Returns the plan ``{fingerprint, parts, chunk, schools, checklist}``. ValidationError without
    a current assessment of the current data."""
    data = application_data(county, year)
    forms = data.school_forms
    forms_json = _forms_json(forms)
    digest = package_fingerprint(data)
    directory = directory / digest[:16]
    if (directory / "plan.json").exists():
        return {**_read_plan(directory), "directory": str(directory)}
    directory.mkdir(parents=True, exist_ok=True)
    chunk = settings.APPLICATION_SCHOOL_FORM_CHUNK
    _write(directory / FORM_XLSX, form_xlsx(data))
    _write(directory / REPORT_DOCX, build_report_docx(county, year))
    _write(
        directory / "form.html",
        render_to_string("applications/pdf/forms.html", form_context(data, generated_at)).encode(),
    )
    _write(directory / "forms.json", forms_json.encode())
    plan = {
        "fingerprint": digest,
        "parts": 1 + -(-len(forms) // chunk),
        "chunk": chunk,
        "schools": len(forms),
        "checklist": data.checklist,
    }
    _write(directory / "plan.json", json.dumps(plan, ensure_ascii=False).encode())
    return {**plan, "directory": str(directory)}


def _forms_json(forms: list[dict]) -> str:
    return json.dumps(forms, ensure_ascii=False, sort_keys=True, default=str)


def package_fingerprint(data: ApplicationData) -> str:
    """The input fingerprint of a package built from ``data`` now (what a version records as
    ``input_fingerprint``): the form's data, the school forms and the report's inputs. A finished
    version whose fingerprint differs is not of the current data."""
    report = json.dumps(
        _report_inputs(data.county, data.year), ensure_ascii=False, sort_keys=True, default=str
    )
    return hashlib.sha256(
        f"{data.fingerprint}:{_forms_json(data.school_forms)}:{report}".encode()
    ).hexdigest()


def _report_inputs(county, year: int) -> dict:
    """What the 自查自评报告 reads beyond the tables (the ledger, dropout cases, staffing): part
    of the package's fingerprint, so a changed ledger builds a new report."""
    ctx = report_context(county, year)
    return {
        "summary": ctx["summary"],
        "staffing": ctx["staffing"],
        "cases": ctx["cases"],
        "ledger": [(i.pk, i.status, i.updated_at.isoformat()) for i in ctx["ledger"]],
    }


def _forms(directory: Path) -> list[dict]:
    return json.loads((directory / "forms.json").read_text(encoding="utf-8"))


def _part_done(directory: Path, index: int) -> Path:
    return directory / f"part-{index}.done"


def missing_parts(directory: Path) -> list[int]:
    plan = _read_plan(directory)
    return [k for k in range(plan["parts"]) if not _part_done(directory, k).exists()]


def package_render_part(directory: Path, index: int) -> None:
    """Render part ``index`` of a planned package (skipped when already rendered)."""
    if _part_done(directory, index).exists():
        return
    if index == 0:
        pdf = html_to_pdf((directory / "form.html").read_text(encoding="utf-8"))
        _write(directory / FORM_PDF, pdf)
    else:
        plan = _read_plan(directory)
        forms = _forms(directory)
        start = (index - 1) * plan["chunk"]
        part = forms[start : start + plan["chunk"]]
        width = max(3, len(str(len(forms))))
        schools = directory / "schools"
        schools.mkdir(exist_ok=True)
        for form, pdf in zip(part, school_forms_pdfs(part), strict=True):
            stem = form_filename(form, width)
            _write(schools / f"{stem}.xlsx", school_form_xlsx(form))
            _write(schools / f"{stem}.pdf", pdf)
    _write(_part_done(directory, index), b"")


def school_files(directory: Path) -> list[tuple[str, bytes]]:
    """The rendered 学校自评表 as (``学校自评表/<序号>_<学校名>.xlsx|pdf``, bytes), in school order."""
    forms = _forms(directory)
    width = max(3, len(str(len(forms))))
    out = []
    for form in forms:
        stem = form_filename(form, width)
        for ext in ("xlsx", "pdf"):
            out.append((f"{ZIP_FOLDER}/{stem}.{ext}", (directory / "schools" / f"{stem}.{ext}").read_bytes()))
    return out


def package_assemble(directory: Path) -> dict[str, tuple[bytes, int]]:
    """The package's files by PackageFile kind: (bytes, pages)."""
    from pypdf import PdfReader

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in school_files(directory):
            zf.writestr(name, data)
    pdf = (directory / FORM_PDF).read_bytes()
    return {
        PackageFile.Kind.FORM_XLSX: ((directory / FORM_XLSX).read_bytes(), 0),
        PackageFile.Kind.FORM_PDF: (pdf, len(PdfReader(io.BytesIO(pdf)).pages)),
        PackageFile.Kind.REPORT_DOCX: ((directory / REPORT_DOCX).read_bytes(), 0),
        PackageFile.Kind.SCHOOL_FORMS_ZIP: (buf.getvalue(), 0),
    }


@dataclass
class BuiltPackage:
    files: dict  # PackageFile kind -> (bytes, pages)
    school_files: list  # (relative name, bytes)
    fingerprint: str
    checklist: list
    seconds: float


def build_package(county, year: int, *, progress=None) -> BuiltPackage:
    """Build the whole package in this process (the CLI and the bench; the worker renders the
    same parts as separate tasks, see `package_build`)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="application-") as tmp:
        plan = package_plan(county, year, Path(tmp))
        directory = Path(plan["directory"])
        for k in range(plan["parts"]):
            package_render_part(directory, k)
            if progress:
                progress(k + 1, plan["parts"])
        files = package_assemble(directory)
        schools = school_files(directory)
    return BuiltPackage(files, schools, plan["fingerprint"], plan["checklist"], time.perf_counter() - started)


# --- the job ---------------------------------------------------------------------------------------


def package_request(*, county, year: int, user) -> ApplicationPackage:
    """A new version of the package (built by the worker). Refused (ValidationError) without a
    current assessment of the current data: nothing would be worth filing."""
    current_or_error(county, year)
    with transaction.atomic():
        last = (
            (
                ApplicationPackage.objects.select_for_update()
                .filter(county=county, year=year)
                .aggregate(v=Max("version"))["v"]
            )
            or 0
        )
        package = ApplicationPackage.objects.create(
            county=county, year=year, version=last + 1, requested_by=user
        )
        audit_record(user=user, action=AuditEntry.Action.CREATE, obj=package, county=county)
        enqueue(ApplicationPackage, package.pk)
    return package


def package_retry(*, package: ApplicationPackage, user) -> ApplicationPackage:
    if not job_requeue(ApplicationPackage, package.pk):
        raise ValidationError("正在生成或已完成的申报材料不能重试")
    audit_record(
        user=user, action=AuditEntry.Action.UPDATE, obj=package, county=package.county, note="重试生成"
    )
    enqueue(ApplicationPackage, package.pk)
    package.refresh_from_db()
    return package


def _work_dir(package: ApplicationPackage) -> Path:
    return Path(settings.MEDIA_ROOT) / "application-parts" / str(package.pk)


def _package_dir(package: ApplicationPackage) -> Path:
    return _work_dir(package) / package.input_fingerprint[:16]


def _progress(pk: int, done: int, total: int) -> None:
    percent = 5 + int(90 * done / max(total, 1))
    # Parts finish in any order and in several processes: progress only ever goes up.
    ApplicationPackage.objects.filter(pk=pk, status=JobStatus.RUNNING, progress__lt=percent).update(
        progress=percent, progress_note=f"已生成 {done} / {total} 部分", heartbeat_at=timezone.now()
    )


def package_build(package_id: int) -> None:
    """Plan a claimed (running) package and send its parts; a version whose input equals that
    of a finished one reuses that one's files (same bytes, nothing rendered)."""
    package = ApplicationPackage.objects.select_related("county").get(pk=package_id)
    if package.status != JobStatus.RUNNING:
        return
    plan = package_plan(
        package.county, package.year, _work_dir(package), generated_at=timezone.localtime(package.created_at)
    )
    ApplicationPackage.objects.filter(pk=package.pk).update(input_fingerprint=plan["fingerprint"])
    same = (
        ApplicationPackage.objects.filter(
            county=package.county,
            year=package.year,
            status=JobStatus.DONE,
            input_fingerprint=plan["fingerprint"],
        )
        .exclude(pk=package.pk)
        .order_by("version")
        .first()
    )
    if same is not None:
        with transaction.atomic():
            for f in same.files.all():
                PackageFile.objects.create(
                    package=package,
                    kind=f.kind,
                    file=f.file.name,
                    sha256=f.sha256,
                    size=f.size,
                    pages=f.pages,
                )
            job_finish(
                ApplicationPackage,
                package.pk,
                reused_from=same.reused_from_id or same.pk,
                progress_note=f"数据未变，沿用第 {same.version} 版的文件",
            )
        shutil.rmtree(_work_dir(package), ignore_errors=True)
        return
    directory = Path(plan["directory"])
    missing = missing_parts(directory)
    _progress(package.pk, plan["parts"] - len(missing), plan["parts"])
    if not missing:
        job_send_step(JOIN_TASK, package.pk)
    for k in missing:
        job_send_step(PART_TASK, package.pk, k)


def package_render_step(package_id: int, index: int) -> None:
    """Render part ``index`` of a running package; the process completing the last part sends the join."""
    package = ApplicationPackage.objects.get(pk=package_id)
    directory = _package_dir(package)
    package_render_part(directory, index)
    missing = missing_parts(directory)
    total = _read_plan(directory)["parts"]
    _progress(package.pk, total - len(missing), total)
    if not missing:
        job_send_step(JOIN_TASK, package.pk)  # two last parts may both send it: the join claims once


_EXTENSIONS = {
    PackageFile.Kind.FORM_XLSX: "xlsx",
    PackageFile.Kind.FORM_PDF: "pdf",
    PackageFile.Kind.REPORT_DOCX: "docx",
    PackageFile.Kind.SCHOOL_FORMS_ZIP: "zip",
}


def package_join(package_id: int) -> None:
    """Store the assembled files of a running package as its immutable parts and finish it."""
    claimed = ApplicationPackage.objects.filter(
        pk=package_id, status=JobStatus.RUNNING, progress__lt=_JOIN_MARK
    ).update(progress=_JOIN_MARK, progress_note="正在汇总各部分", heartbeat_at=timezone.now())
    if not claimed:
        return  # another delivery joins it
    package = ApplicationPackage.objects.select_related("county").get(pk=package_id)
    files = package_assemble(_package_dir(package))
    with transaction.atomic():
        for kind, (data, pages) in files.items():
            digest = hashlib.sha256(data).hexdigest()
            row = PackageFile(package=package, kind=kind, sha256=digest, size=len(data), pages=pages)
            name = f"{package.county.code}-{package.year}-v{package.version}-{kind}-{digest[:12]}.{_EXTENSIONS[kind]}"
            row.file.save(name, ContentFile(data), save=False)
            row.save()
        total = (timezone.now() - package.started_at).total_seconds() if package.started_at else 0
        job_finish(ApplicationPackage, package.pk, build_seconds=round(total, 2), progress_note="")
    shutil.rmtree(_work_dir(package), ignore_errors=True)
