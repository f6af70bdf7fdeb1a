"""Dossier jobs: request, build (in the worker or the CLI), retry."""

import hashlib
import json
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services import audit_record
from balance_inspect.jobs import JobStatus, enqueue, job_finish, job_progress, job_requeue
from balance_inspect.pdf import render_document_in_parts
from dossiers import sections
from dossiers.models import Dossier
from indicators.engine import RULESETS
from indicators.selectors import assessment_for_input
from indicators.services import assessment_run_now, compute_assessment_result
from indicators.verdict import missing_labels, verdict_key

# Schools per rendered part: bounds memory (~5–6 MB per laid-out page) for large counties.
APPENDIX_CHUNK = 60


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
    # Charts are drawn from the same numbers and carry random element ids: leave them out.
    data["cv_tables"] = [{k: v for k, v in t.items() if k != "chart"} for t in context["cv_tables"]]
    data["assessment_fingerprint"] = context["assessment"].fingerprint
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=plain, ensure_ascii=False).encode()).hexdigest()


def build_dossier_pdf(county, year: int, scheme: str, *, user=None, progress=None) -> BuiltDossier:
    """Render the dossier of the current data. Same code for the worker and the CLI."""
    started = time.perf_counter()
    if scheme not in RULESETS:
        raise ValidationError(f"未知的评估方案：{scheme}")
    context = dossier_context(county, year, scheme, user)
    fingerprint = _fingerprint(context)
    context.update(generated_at=timezone.localtime(), fingerprint=fingerprint)
    if progress:
        progress(15, "汇总数据完成，正在排版正文")
    school_pages = [
        render_to_string("dossiers/pdf/school_page.html", {**context, "page": page}) for page in context["schools"]
    ]

    def main_html(placeholders):
        return render_to_string("dossiers/pdf/dossier.html", {**context, "appendix_placeholders": placeholders})

    def appendix_html(chunk, first_page, total):
        return render_to_string("dossiers/pdf/appendix.html", {
            **context, "pages": [(html, first_page + i) for i, html in enumerate(chunk)], "total_pages": total,
            "first_appendix_page": total - len(school_pages) + 1,
        })

    def report(done, total):
        if progress:
            progress(15 + int(80 * done / max(total, 1)), f"已排版 {done} / {total} 页")

    pdf, pages = render_document_in_parts(main_html, school_pages, appendix_html, progress=report,
                                          chunk_size=APPENDIX_CHUNK, appendix_title="附录：学校一览")
    return BuiltDossier(pdf=pdf, pages=pages, input_fingerprint=fingerprint, seconds=time.perf_counter() - started)


def dossier_request(*, county, year: int, scheme: str, user) -> Dossier:
    if scheme not in RULESETS:
        raise ValidationError(f"未知的评估方案：{scheme}")
    with transaction.atomic():
        last = (Dossier.objects.select_for_update().filter(county=county, year=year, scheme=scheme)
                .aggregate(v=Max("version"))["v"]) or 0
        dossier = Dossier.objects.create(county=county, year=year, scheme=scheme, version=last + 1,
                                         requested_by=user)
        audit_record(user=user, action=AuditEntry.Action.CREATE, obj=dossier, county=county)
        enqueue(Dossier, dossier.pk)
    return dossier


def dossier_retry(*, dossier: Dossier, user) -> Dossier:
    if not job_requeue(Dossier, dossier.pk):
        raise ValidationError("正在生成或已完成的档案不能重试")
    audit_record(user=user, action=AuditEntry.Action.UPDATE, obj=dossier, county=dossier.county, note="重试生成")
    enqueue(Dossier, dossier.pk)
    dossier.refresh_from_db()
    return dossier


def dossier_build(dossier_id: int) -> None:
    """Build a claimed (running) dossier and store the file. Exceptions propagate to the task."""
    dossier = Dossier.objects.select_related("county", "requested_by").get(pk=dossier_id)
    if dossier.status != JobStatus.RUNNING:
        return

    def progress(percent, note):
        job_progress(Dossier, dossier.pk, percent, note)

    built = build_dossier_pdf(dossier.county, dossier.year, dossier.scheme, user=dossier.requested_by,
                              progress=progress)
    digest = hashlib.sha256(built.pdf).hexdigest()
    name = f"{dossier.county.code}-{dossier.year}-{dossier.scheme}-v{dossier.version}-{digest[:12]}.pdf"
    dossier.file.save(name, ContentFile(built.pdf), save=False)
    job_finish(Dossier, dossier.pk, file=dossier.file.name, sha256=digest, pages=built.pages, size=len(built.pdf),
               input_fingerprint=built.input_fingerprint, render_seconds=round(built.seconds, 2))


def school_brief_context(school, year: int | None, scheme: str | None = None) -> dict:
    """Context of the one-page field-visit brief: the same page as in the dossier appendix, under
    the county's target scheme unless ``scheme`` is given."""
    from schools.models import SchoolConditions, school_year_label

    if year is None:
        year = (SchoolConditions.objects.filter(school=school).order_by("-year").values_list("year", flat=True)
                .first()) or timezone.localdate().year
    scheme = scheme or school.county.target_scheme
    # A brief is a read (inspectors open it too): use the stored result of the current data if there
    # is one, else compute it in memory; never store an assessment as a side effect of a GET.
    stored = assessment_for_input(school.county, year, scheme)
    result = stored.result if stored else compute_assessment_result(school.county, year, scheme)
    page = sections.appendix_school_rows(school.county, year, result, scheme, school=school)[0]
    return {"page": page, "county": school.county, "year_label": school_year_label(year),
            "scheme_label": RULESETS[scheme].label, "generated_at": timezone.localtime()}
