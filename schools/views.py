"""Pages of schools: the scoped list, one school's facts, and correcting its yearly conditions."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from domain.vocabulary import ROOM_MIN_AREAS
from schools import selectors
from schools.filters import SchoolFilter
from schools.forms import ConditionsCreateForm, ConditionsForm
from schools.models import SCHOOL_ORDER, SchoolConditions, school_year_label
from schools.services import conditions_create, conditions_update

PAGE_SIZE = 50

# (label, sort key or None, css class) of the list's columns, in display order.
LIST_COLUMNS = (
    ("学校标识码", "code", ""),
    ("学校名称", "name", ""),
    ("乡镇（街道）", "township", ""),
    ("办学类型", "school_type", ""),
    ("城乡类型", "urban_rural", ""),
    ("小学在校生", "primary_students", "num"),
    ("初中在校生", "junior_students", "num"),
    ("教师数", "teacher_count", "num"),
    ("班级数", "class_count", "num"),
    ("班额", "max_class_size", ""),
)


def _sort_headers(request, current: str) -> list[dict]:
    """Header links that sort by a column (server-side, so sorting spans all pages)."""
    params = request.GET.copy()
    params.pop("page", None)
    headers = []
    for label, key, css in LIST_COLUMNS:
        direction = "asc" if current == key else "desc" if current == f"-{key}" else ""
        params["sort"] = f"-{key}" if direction == "asc" else key
        headers.append({"label": label, "url": "?" + params.urlencode(), "dir": direction, "css": css})
    return headers


@login_required
@require_GET
def school_list(request):
    years = selectors.years_with_data(request.user)
    year = selectors.pick_year(request.GET.get("year"), years)
    rows = selectors.school_rows(request.user, year).order_by(*SCHOOL_ORDER)
    filterset = SchoolFilter(request.GET or None, queryset=rows, user=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for school in page:
        school.class_flag = selectors.class_flag(school.max_class_size, school.over_standard_classes)
    return render(
        request,
        "schools/school_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "years": years,
            "year": year,
            "headers": _sort_headers(request, request.GET.get("sort", "")),
            "class_band_note": selectors.CLASS_BAND_NOTE,
            "room_lines": ROOM_MIN_AREAS,
            "over_band_label": selectors.OVER_BAND_LABEL,
        },
    )


@login_required
@require_GET
def school_detail(request, code):
    school = selectors.get_school_for_user(request.user, code)
    years = selectors.school_years(school)
    year = selectors.pick_year(request.GET.get("year"), years)
    show_names = selectors.teacher_names_visible(request.user, school)
    classes = selectors.school_classes(school, year) if year else []
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "years": years,
            "year": year,
            "conditions": school.conditions.order_by("-year"),
            "teachers": selectors.teacher_table(school, year) if year else None,
            "roster": selectors.teacher_roster(school, year) if (year and show_names) else None,
            "classes": classes,
            "class_bands": selectors.class_band_counts(classes),
            "class_band_note": selectors.CLASS_BAND_NOTE,
            "room_lines": ROOM_MIN_AREAS,
            "teaching_points": selectors.teaching_points_of(school),
            "can_edit": selectors.can_edit_school(request.user, school) and not request.user.is_read_only,
        },
    )


@login_required
def conditions_edit(request, code, year):
    school = selectors.get_school_for_user(request.user, code, write=True)
    year = int(year)
    conditions = get_object_or_404(SchoolConditions, school=school, year=year)
    form = ConditionsForm(request.POST or None, instance=conditions, school=school)
    if request.method == "POST" and form.is_valid():
        conditions_update(user=request.user, conditions=conditions, data=form.cleaned_data)
        messages.success(request, f"已保存{school.name}{school_year_label(year)}的办学条件")
        return redirect(_detail_url(school, year))
    return render(
        request,
        "schools/conditions_form.html",
        {
            "school": school,
            "form": form,
            "title": f"修改办学条件（{school_year_label(year)}）",
        },
    )


@login_required
def conditions_add(request, code):
    school = selectors.get_school_for_user(request.user, code, write=True)
    form = ConditionsCreateForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        conditions_create(user=request.user, school=school, year=year, data=form.cleaned_data)
        messages.success(request, f"已新增{school.name}{school_year_label(year)}的办学条件")
        return redirect(_detail_url(school, year))
    return render(
        request,
        "schools/conditions_form.html",
        {
            "school": school,
            "form": form,
            "title": "新增学年办学条件",
        },
    )


def _detail_url(school, year) -> str:
    return reverse("schools:detail", args=[school.code]) + "?" + urlencode({"year": year})
