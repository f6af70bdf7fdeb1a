"""Pages of the site-visit rehearsal. Bureau staff and admins draw and fill the checklist;
inspectors read (draws, briefs, checklists); township and school users get 403; another county's
draw, school or photo is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.access import county_for_reader, county_for_writer, require_reader, require_writer
from balance_inspect.downloads import private_download, stored_file_response
from balance_inspect.pdf import render_pdf
from reviews import selectors, services
from reviews.forms import ChecklistForm, DrawForm, PhotoForm


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{name}"
    return response


@login_required
@require_safe
def draw_list(request):
    county = county_for_reader(request.user)
    draws = (
        selectors.draws_visible_to(request.user).filter(county=county).annotate(drawn=Count("schools"))[:50]
    )
    return render(request, "reviews/draw_list.html", {"county": county, "draws": draws, "form": DrawForm()})


@require_POST
@login_required
def draw_create(request):
    county = county_for_writer(request.user)
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("reviews:list")
    try:
        record = services.draw_create(
            user=request.user, county=county, seed=form.cleaned_data["seed"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("reviews:list")
    messages.success(request, f"已抽取 {record.schools.count()} 所学校（随机种子 {record.seed}）。")
    return redirect("reviews:detail", pk=record.pk)


@login_required
@require_safe
def draw_detail(request, pk):
    require_reader(request.user)
    record = selectors.get_draw_for_user(request.user, pk)
    return render(
        request,
        "reviews/draw_detail.html",
        {
            "draw": record,
            "rows": selectors.drawn_schools(record),
            "settings_rows": selectors.settings_rows(record),
            "reproduces": services.draw_reproduces(record),
            "interviews": selectors.interview_totals(record),
            "table_six": selectors.table_six_now(record),
        },
    )


@require_POST
@login_required
def table_six_save(request, pk):
    require_writer(request.user)
    record = selectors.get_draw_for_user(request.user, pk)
    try:
        services.interviews_to_table_six(user=request.user, record=record)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已写入表Ⅵ（{record.year} 学年）实地走访人数与满意人数。")
    return redirect("reviews:detail", pk=record.pk)


@login_required
@require_safe
@private_download
def draw_briefs_pdf(request, pk):
    """Every drawn school's brief in one PDF, one school per page, for the team's folder."""
    require_reader(request.user)
    record = selectors.get_draw_for_user(request.user, pk)
    pdf = render_pdf(
        "reviews/pdf/briefs.html", {"draw": record, "briefs": selectors.brief_contexts(request.user, record)}
    )
    return _pdf(pdf, f"{record.county.code}-site-visit-{record.pk}.pdf")


@login_required
@require_safe
def visit_brief(request, pk):
    require_reader(request.user)
    drawn = selectors.get_drawn_for_user(request.user, pk)
    return render(request, "reviews/brief.html", selectors.brief_context(request.user, drawn))


@login_required
@require_safe
@private_download
def visit_brief_pdf(request, pk):
    require_reader(request.user)
    drawn = selectors.get_drawn_for_user(request.user, pk)
    pdf = render_pdf(
        "reviews/pdf/briefs.html",
        {"draw": drawn.draw, "briefs": [selectors.brief_context(request.user, drawn)]},
    )
    return _pdf(pdf, f"{drawn.school.code}-site-visit-brief.pdf")


@login_required
@require_safe
def visit_checklist(request, pk):
    """The phone checklist of one drawn school (read-only for inspectors)."""
    require_reader(request.user)
    drawn = selectors.get_drawn_for_user(request.user, pk)
    context = selectors.brief_context(request.user, drawn)
    rows = selectors.checklist_rows(drawn, context)
    record = selectors.record_of(drawn)
    initial = {f"v_{r['item'].key}": r["verdict"] for r in rows} | {
        f"n_{r['item'].key}": r["note"] for r in rows
    }
    if record:
        initial |= {
            "visited_on": record.visited_on,
            "interviewed": record.interviewed,
            "satisfied": record.satisfied,
            "parents_interviewed": record.parents_interviewed,
            "parents_satisfied": record.parents_satisfied,
        }
    form = ChecklistForm(initial=initial)
    for row in rows:
        row["verdict_field"] = form[f"v_{row['item'].key}"]
        row["note_field"] = form[f"n_{row['item'].key}"]
    return render(
        request,
        "reviews/checklist.html",
        {
            **context,
            "rows": rows,
            "form": form,
            "record": record,
            "photos": list(record.photos.all()) if record else [],
            "photo_form": PhotoForm(),
        },
    )


@require_POST
@login_required
def visit_save(request, pk):
    require_writer(request.user)
    drawn = selectors.get_drawn_for_user(request.user, pk)
    form = ChecklistForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("reviews:checklist", pk=drawn.pk)
    try:
        services.visit_save(
            user=request.user,
            drawn=drawn,
            checks=form.checks(),
            counts=form.counts(),
            visited_on=form.cleaned_data["visited_on"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "核查记录已保存；“不符合”的项已登记为整改事项。")
    return redirect("reviews:checklist", pk=drawn.pk)


@require_POST
@login_required
def photo_upload(request, pk):
    require_writer(request.user)
    drawn = selectors.get_drawn_for_user(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.photo_add(
            user=request.user,
            drawn=drawn,
            upload=form.cleaned_data["file"],
            key=form.cleaned_data["key"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, "照片已上传。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reviews:checklist", pk=drawn.pk)


@login_required
@require_safe
@private_download
def photo_download(request, pk):
    require_reader(request.user)
    photo = selectors.get_photo_for_user(request.user, pk)
    return stored_file_response(photo.file.open("rb"), photo.original_name)
