"""Dossier jobs: request, build (in the worker or the CLI), retry."""

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services import audit_record
from balance_inspect.jobs import JobStatus, enqueue, job_finish, job_requeue, job_send_step
from balance_inspect.pdf import join_parts, render_part
from dossiers import sections
from dossiers.models import Dossier
from indicators.engine import RULESETS
from indicators.selectors import assessment_for_input
from indicators.services import assessment_run_now, compute_assessment_result
from indicators.verdict import missing_labels, verdict_key


@dataclass
class BuiltDossier:
    pdf: bytes
    pages: int
    input_fingerprint: str
    seconds: float


def dossier_context(county, year: int, scheme: str, user=None) -> dict:
    """Everything the dossier shows, as plain data (the fingerprint is taken over it).

    Built from the stored run of ``scheme`` on the current data (computed and stored now when the
    data changed since the last one): for the county's target scheme that run is its current
    assessment, the one every page shows; a dossier of the other scheme is marked 对比评估.
    """
    assessment = assessment_run_now(county=county, year=year, scheme=scheme, user=user)
    result = assessment.result
    context = {
        "county": county,
        "year": year,
        "scheme": scheme,
        "scheme_label": RULESETS[scheme].label,
        "is_target": scheme == county.target_scheme,
        "verdict": verdict_key(result),
        "missing": missing_labels(result),
        "assessment": assessment,
        "result": result,
        "overview": sections.overview(county, year, result),
        "cv_tables": sections.cv_tables(result, scheme),
        "indicator_labels": [ind.label for ind in RULESETS[scheme].indicators],
        "compliance": sections.compliance(result, scheme),
        "findings": sections.findings(result),
        "schools": sections.appendix_school_rows(county, year, result, scheme),
    }
    context.update(sections.feature_sections(county, year))
    return context


def _fingerprint(context: dict) -> str:
    def plain(value):
        if hasattr(value, "pk"):
            return f"{type(value).__name__}:{value.pk}"
        return str(value)

    data = {k: v for k, v in context.items() if k not in ("assessment",)}
    # Charts are drawn from the same numbers (and their SVG text is long): leave them out.
    data["cv_tables"] = [{k: v for k, v in t.items() if k != "chart"} for t in context["cv_tables"]]
    data["assessment_fingerprint"] = context["assessment"].fingerprint
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, default=plain, ensure_ascii=False).encode()
    ).hexdigest()


@dataclass
class DossierLayout:
    """The HTML of every part of one dossier and what joining needs: plain data, stored as files
    between the plan and the part tasks. Part 0 is the main part; each other part takes the place
    of empty pages of it (`slots`: the anchor of its first placeholder page and its page count):
    the appendix in parts of DOSSIER_PART_SCHOOLS schools, then 表Ⅱ in parts of
    COMPLIANCE_PAGES_PER_PART pages. `labels` name the parts in a failure message."""

    htmls: list[str]
    slots: list[tuple[str, int]]
    labels: list[str]
    input_fingerprint: str
    title: str
    author: str
    created: datetime


# 表Ⅱ (a row per school and stage, ~0.5 s a page) was a third of the main part's work: its pages
# are parts of their own, so N workers render it at once with the rest. The main part must know
# how many pages to leave for it before anything is rendered, so its rows are cut into pages here:
# every row is exactly two lines (figures, names and verdicts never wrap), so a page of these many
# rows always fits (17 fit on a landscape A4 page; the first also holds the title and the note). A
# part whose pages do not come out as planned fails the job with that reason at the join.
COMPLIANCE_ROWS_FIRST_PAGE = 13
COMPLIANCE_ROWS_PER_PAGE = 16
COMPLIANCE_PAGES_PER_PART = 5


def compliance_pages(rows: list) -> list[list]:
    """表Ⅱ's rows cut into its pages (at least one page, with its title, even with no row)."""
    first, rest = rows[:COMPLIANCE_ROWS_FIRST_PAGE], rows[COMPLIANCE_ROWS_FIRST_PAGE:]
    step = COMPLIANCE_ROWS_PER_PAGE
    return [first] + [rest[i : i + step] for i in range(0, len(rest), step)]


def dossier_layout(county, year: int, scheme: str, *, user=None, generated_at=None) -> DossierLayout:
    """Lay out the dossier of the current data as HTML parts (fast: no PDF rendering)."""
    if scheme not in RULESETS:
        raise ValidationError(f"未知的评估方案：{scheme}")
    context = dossier_context(county, year, scheme, user)
    fingerprint = _fingerprint(context)
    generated_at = generated_at or timezone.localtime()
    context.update(generated_at=generated_at, fingerprint=fingerprint)
    htmls, slots, labels = [], [], ["正文部分"]

    school_pages = [
        render_to_string("dossiers/pdf/school_page.html", {**context, "page": page})
        for page in context["schools"]
    ]
    # One empty page per school at the end of the main part: its page count, TOC and footers then
    # count the appendix, and each placeholder's head and footer are stamped on its school's page.
    appendix_placeholders = "".join(
        f'<div class="appendix-placeholder" id="appendix-{i}"></div>' for i in range(1, len(school_pages) + 1)
    )
    chunk = settings.DOSSIER_PART_SCHOOLS
    for start in range(0, len(school_pages), chunk):
        pages = school_pages[start : start + chunk]
        htmls.append(
            render_to_string(
                "dossiers/pdf/appendix.html", {**context, "pages": pages, "first_part": start == 0}
            )
        )
        slots.append((f"appendix-{start + 1}", len(pages)))
        labels.append(f"附录第 {start // chunk + 1} 部分")
    # 表Ⅱ's parts (~2.5 s each for 300 schools) after the appendix's (~4.5 s): parts are sent in
    # this order, the longest first, so the workers' last parts are short and they end together.
    table_pages = compliance_pages(context["compliance"])
    step = COMPLIANCE_PAGES_PER_PART
    for start in range(0, len(table_pages), step):
        pages = table_pages[start : start + step]
        htmls.append(
            render_to_string(
                "dossiers/pdf/compliance_part.html", {**context, "pages": pages, "first_part": start == 0}
            )
        )
        slots.append(("compliance" if start == 0 else f"compliance-{start + 1}", len(pages)))
        labels.append(f"表Ⅱ第 {start // step + 1} 部分")
    # Its first placeholder carries the id the TOC links to.
    compliance_placeholders = "".join(
        f'<div class="compliance-placeholder" id="{"compliance" if i == 1 else f"compliance-{i}"}"></div>'
        for i in range(1, len(table_pages) + 1)
    )
    main = render_to_string(
        "dossiers/pdf/dossier.html",
        {
            **context,
            "compliance_placeholders": compliance_placeholders,
            "appendix_placeholders": appendix_placeholders,
        },
    )
    title = (
        f"{county.name} {context['overview']['year_label']} 义务教育均衡迎检档案（{RULESETS[scheme].label}）"
    )
    return DossierLayout(
        htmls=[main, *htmls],
        slots=slots,
        labels=labels,
        input_fingerprint=fingerprint,
        title=title,
        author=f"{county.name}教育局",
        created=generated_at,
    )


def join_dossier(layout: DossierLayout, parts: list[tuple[bytes, dict]]) -> tuple[bytes, int]:
    """The one PDF of rendered parts (in part order, whichever process rendered them)."""
    main, *others = parts
    return join_parts(
        main,
        [(pdf, meta, anchor, n) for (pdf, meta), (anchor, n) in zip(others, layout.slots, strict=True)],
        title=layout.title,
        author=layout.author,
        created=layout.created,
    )


def build_dossier_pdf(
    county, year: int, scheme: str, *, user=None, progress=None, generated_at=None
) -> BuiltDossier:
    """Render the dossier of the current data in this process, part after part (the CLI; the
    worker renders the same parts as separate tasks, see `dossier_build`)."""
    started = time.perf_counter()
    layout = dossier_layout(county, year, scheme, user=user, generated_at=generated_at)
    parts = []
    for index, html in enumerate(layout.htmls):
        parts.append(render_part(html))
        if progress:
            progress(index + 1, len(layout.htmls))
    pdf, pages = join_dossier(layout, parts)
    return BuiltDossier(
        pdf=pdf,
        pages=pages,
        input_fingerprint=layout.input_fingerprint,
        seconds=time.perf_counter() - started,
    )


def dossier_request(*, county, year: int, scheme: str, user) -> Dossier:
    if scheme not in RULESETS:
        raise ValidationError(f"未知的评估方案：{scheme}")
    with transaction.atomic():
        last = (
            (
                Dossier.objects.select_for_update()
                .filter(county=county, year=year, scheme=scheme)
                .aggregate(v=Max("version"))["v"]
            )
            or 0
        )
        dossier = Dossier.objects.create(
            county=county, year=year, scheme=scheme, version=last + 1, requested_by=user
        )
        audit_record(user=user, action=AuditEntry.Action.CREATE, obj=dossier, county=county)
        enqueue(Dossier, dossier.pk)
    return dossier


def dossier_retry(*, dossier: Dossier, user) -> Dossier:
    if not job_requeue(Dossier, dossier.pk):
        raise ValidationError("正在生成或已完成的档案不能重试")
    audit_record(
        user=user, action=AuditEntry.Action.UPDATE, obj=dossier, county=dossier.county, note="重试生成"
    )
    enqueue(Dossier, dossier.pk)
    dossier.refresh_from_db()
    return dossier


# Task names (services send by name and never import tasks).
PART_TASK = "dossiers.tasks.render_dossier_part_task"
JOIN_TASK = "dossiers.tasks.join_dossier_task"
# Progress: the plan is 5 %, the parts share 5–95 % by parts done, the join claims 96 %.
_JOIN_MARK = 96


def renders_in_one_process() -> bool:
    """The embedded default (filesystem broker, the one worker process of `make run`) or eager
    tasks: the parts are still separate tasks, but one process renders them one after another."""
    return settings.CELERY_TASK_ALWAYS_EAGER or settings.CELERY_BROKER_URL.startswith("filesystem://")


def _parts_dir(dossier: Dossier, fingerprint: str) -> Path:
    """Where the parts of one dossier and one input live (MEDIA_ROOT, shared by every worker).

    Keyed by the input fingerprint and the part size, so a retry on the same data reuses the parts
    already rendered and one on changed data renders everything again."""
    return (
        Path(settings.MEDIA_ROOT)
        / "dossier-parts"
        / str(dossier.pk)
        / f"{fingerprint[:16]}-{settings.DOSSIER_PART_SCHOOLS}-{COMPLIANCE_PAGES_PER_PART}"
    )


def _write(path: Path, data: bytes) -> None:
    """Whole file or none: a part is done when its file exists."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _plan(directory: Path) -> dict:
    return json.loads((directory / "plan.json").read_text(encoding="utf-8"))


def _missing(directory: Path, plan: dict) -> list[int]:
    return [k for k in range(plan["parts"]) if not (directory / f"part-{k}.pdf").exists()]


def dossier_build(dossier_id: int) -> None:
    """Plan a claimed (running) dossier and send its parts; exceptions propagate to the task.

    The plan (the HTML of every part) is written once per input fingerprint; parts already
    rendered for it (by an earlier attempt) are kept, so a retry renders only the missing ones.
    With no part missing the join is sent at once.
    """
    dossier = Dossier.objects.select_related("county", "requested_by").get(pk=dossier_id)
    if dossier.status != JobStatus.RUNNING:
        return
    layout = dossier_layout(
        dossier.county,
        dossier.year,
        dossier.scheme,
        user=dossier.requested_by,
        # Dated by the job, not by this attempt: a retry of the same job gives the same bytes.
        generated_at=timezone.localtime(dossier.created_at),
    )
    directory = _parts_dir(dossier, layout.input_fingerprint)
    if not (directory / "plan.json").exists():
        directory.mkdir(parents=True, exist_ok=True)
        for k, html in enumerate(layout.htmls):
            _write(directory / f"part-{k}.html", html.encode())
        _write(
            directory / "plan.json",
            json.dumps(
                {
                    "parts": len(layout.htmls),
                    "slots": layout.slots,
                    "labels": layout.labels,
                    "fingerprint": layout.input_fingerprint,
                    "title": layout.title,
                    "author": layout.author,
                    "created": layout.created.isoformat(),
                },
                ensure_ascii=False,
            ).encode(),
        )
    Dossier.objects.filter(pk=dossier.pk).update(input_fingerprint=layout.input_fingerprint)
    plan = _plan(directory)
    missing = _missing(directory, plan)
    _progress(dossier.pk, plan["parts"] - len(missing), plan["parts"])
    if not missing:
        job_send_step(JOIN_TASK, dossier.pk)
    for k in missing:  # the main part first: it is the longest
        job_send_step(PART_TASK, dossier.pk, k, plan["labels"][k])


def _progress(pk: int, done: int, total: int) -> None:
    percent = 5 + int(90 * done / max(total, 1))
    # Parts finish in any order and in several processes: progress only ever goes up.
    Dossier.objects.filter(pk=pk, status=JobStatus.RUNNING, progress__lt=percent).update(
        progress=percent, progress_note=f"已排版 {done} / {total} 部分", heartbeat_at=timezone.now()
    )


def dossier_render_part(dossier_id: int, index: int, label: str = "") -> None:
    """Render part `index` of a running dossier (skipped if an earlier attempt stored it); the
    process that completes the last part sends the join. `label` (the part's name in the plan)
    travels with the task only for its failure message."""
    dossier = Dossier.objects.get(pk=dossier_id)
    directory = _parts_dir(dossier, dossier.input_fingerprint)
    plan = _plan(directory)
    target = directory / f"part-{index}.pdf"
    if not target.exists():
        pdf, meta = render_part((directory / f"part-{index}.html").read_text(encoding="utf-8"))
        _write(directory / f"part-{index}.json", json.dumps(meta, ensure_ascii=False).encode())
        _write(target, pdf)  # last: its existence says the part is done
    missing = _missing(directory, plan)
    _progress(dossier.pk, plan["parts"] - len(missing), plan["parts"])
    if not missing:
        job_send_step(JOIN_TASK, dossier.pk)  # two last parts may both send it: the join claims once


def dossier_join(dossier_id: int) -> None:
    """Join the stored parts of a running dossier, store the file, finish the job, drop the parts."""
    claimed = Dossier.objects.filter(pk=dossier_id, status=JobStatus.RUNNING, progress__lt=_JOIN_MARK).update(
        progress=_JOIN_MARK, progress_note="正在合并各部分", heartbeat_at=timezone.now()
    )
    if not claimed:
        return  # another delivery joins it
    started = time.perf_counter()
    dossier = Dossier.objects.select_related("county").get(pk=dossier_id)
    directory = _parts_dir(dossier, dossier.input_fingerprint)
    plan = _plan(directory)
    layout = DossierLayout(
        htmls=[],
        slots=[tuple(slot) for slot in plan["slots"]],
        labels=plan["labels"],
        input_fingerprint=plan["fingerprint"],
        title=plan["title"],
        author=plan["author"],
        created=datetime.fromisoformat(plan["created"]),
    )
    parts = [
        (
            (directory / f"part-{k}.pdf").read_bytes(),
            json.loads((directory / f"part-{k}.json").read_text(encoding="utf-8")),
        )
        for k in range(plan["parts"])
    ]
    pdf, pages = join_dossier(layout, parts)
    digest = hashlib.sha256(pdf).hexdigest()
    name = f"{dossier.county.code}-{dossier.year}-{dossier.scheme}-v{dossier.version}-{digest[:12]}.pdf"
    dossier.file.save(name, ContentFile(pdf), save=False)
    join_seconds = time.perf_counter() - started
    total = (timezone.now() - dossier.started_at).total_seconds() if dossier.started_at else join_seconds
    job_finish(
        Dossier,
        dossier.pk,
        file=dossier.file.name,
        sha256=digest,
        pages=pages,
        size=len(pdf),
        input_fingerprint=plan["fingerprint"],
        render_seconds=round(total, 2),
        progress_note=f"{plan['parts']} 部分，合并 {join_seconds:.1f} 秒",
    )
    shutil.rmtree(directory.parent, ignore_errors=True)


def purge_dossier_parts(now=None) -> int:
    """Remove the part directories nobody will join: of dossiers done or deleted, and of dossiers
    failed more than DOSSIER_PARTS_KEEP_HOURS ago and not retried since. Returns how many.

    A queued or running dossier, or one failed recently (its retry reuses the parts), keeps them.
    """
    root = Path(settings.MEDIA_ROOT) / "dossier-parts"
    if not root.is_dir():
        return 0
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.DOSSIER_PARTS_KEEP_HOURS)
    directories = {int(d.name): d for d in root.iterdir() if d.is_dir() and d.name.isdigit()}
    keep = Dossier.objects.filter(pk__in=directories).filter(
        Q(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        | Q(status=JobStatus.FAILED, finished_at__gte=cutoff)
        | Q(status=JobStatus.FAILED, finished_at__isnull=True)
    )
    kept = set(keep.values_list("pk", flat=True))
    removed = 0
    for pk, directory in sorted(directories.items()):
        if pk not in kept:
            shutil.rmtree(directory, ignore_errors=True)
            removed += 1
    return removed


def brief_result(county, year: int, scheme: str) -> dict:
    """The assessment document a brief shows: the stored result of the current data if there is
    one, else computed in memory (a brief is a read, inspectors open it too: never store an
    assessment as a side effect of a GET)."""
    stored = assessment_for_input(county, year, scheme)
    return stored.result if stored else compute_assessment_result(county, year, scheme)


def school_brief_context(
    school, year: int | None, scheme: str | None = None, *, result: dict | None = None
) -> dict:
    """Context of the one-page field-visit brief: the same page as in the dossier appendix, under
    the county's target scheme unless ``scheme`` is given. ``result`` (what :func:`brief_result`
    gave for that county, year and scheme) saves looking it up again for several schools."""
    from schools.models import SchoolConditions, school_year_label

    if year is None:
        year = (
            SchoolConditions.objects.filter(school=school)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        ) or timezone.localdate().year
    scheme = scheme or school.county.target_scheme
    if result is None:
        result = brief_result(school.county, year, scheme)
    page = sections.appendix_school_rows(school.county, year, result, scheme, school=school)[0]
    return {
        "page": page,
        "county": school.county,
        "year_label": school_year_label(year),
        "scheme_label": RULESETS[scheme].label,
        "generated_at": timezone.localtime(),
        # The document the page was built from: the site-visit brief lists its failing checks.
        "result": result,
        "year": year,
        "scheme": scheme,
    }
