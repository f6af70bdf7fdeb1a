"""Reads of the rectification app.

Functions taking ``user`` are scoped through accounts.access (county level: township officials
and school reporters see nothing). Functions taking a ``county`` (ledger_summary,
archive_completeness, readiness_board …) are for views and other apps (dashboard, dossiers) that
have already resolved the user's county through the access layer.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.access import get_scoped_or_404, scope
from balance_inspect.signals import readiness_requested, receiver_name
from indicators.engine.rules import RULESETS
from indicators.selectors import STALE_TEXT, current_assessment
from indicators.verdict import missing_labels, verdict_key
from rectification import archive_tree, readiness, results, schedule
from rectification.models import (
    OPEN_STATUSES,
    ArchiveFile,
    ArchivePoint,
    EvidenceFile,
    ItemStatus,
    PrepTask,
    Proposal,
    ProposalStatus,
    RectificationItem,
    TaskStatus,
)

_COUNTY_ONLY = {"county": "county", "township": None, "school": None}


def due_soon_days() -> int:
    return settings.RECTIFICATION_DUE_SOON_DAYS


# --- scoped lookups -------------------------------------------------------------------------


def items_visible_to(user):
    return scope(user, RectificationItem.objects.all(), **_COUNTY_ONLY)


def get_item_for_user(user, pk: int) -> RectificationItem:
    return get_scoped_or_404(
        user,
        RectificationItem.objects.select_related("county", "closed_by", "created_by"),
        scope_kwargs=_COUNTY_ONLY,
        pk=pk,
    )


def get_evidence_for_user(user, pk: int) -> EvidenceFile:
    return get_scoped_or_404(
        user,
        EvidenceFile.objects.select_related("item"),
        scope_kwargs={"county": "item__county", "township": None, "school": None},
        pk=pk,
    )


def get_archive_file_for_user(user, pk: int) -> ArchiveFile:
    return get_scoped_or_404(user, ArchiveFile.objects.all(), scope_kwargs=_COUNTY_ONLY, pk=pk)


def get_task_for_user(user, pk: int) -> PrepTask:
    return get_scoped_or_404(
        user, PrepTask.objects.select_related("county", "owner_user"), scope_kwargs=_COUNTY_ONLY, pk=pk
    )


def proposals_visible_to(user):
    return scope(
        user, Proposal.objects.select_related("assessment", "school", "item", "decided_by"), **_COUNTY_ONLY
    )


def get_proposal_for_user(user, pk: int) -> Proposal:
    return get_scoped_or_404(
        user,
        Proposal.objects.select_related("county", "assessment", "school"),
        scope_kwargs=_COUNTY_ONLY,
        pk=pk,
    )


def proposal_lists(user) -> dict:
    """Pending proposals (all) and the 50 latest decided ones of the user's county."""
    qs = proposals_visible_to(user)
    return {
        "pending": list(qs.filter(status=ProposalStatus.PENDING).order_by("indicator", "stage", "id")),
        "decided": list(qs.exclude(status=ProposalStatus.PENDING).order_by("-decided_at", "-id")[:50]),
    }


def mine_q(user, *, unit_field: str, person_field: str | None = None, user_field: str | None = None) -> Q:
    """ "My items/tasks": rows whose responsible unit is the user's unit text (User.unit), or that
    name the user as the responsible person / owner user. Matches nothing for a user without any."""
    q = Q(pk__in=[])
    if user.unit.strip():
        q |= Q(**{unit_field: user.unit.strip()})
    names = [n for n in (user.display_name.strip(), user.username) if n]
    if person_field and names:
        q |= Q(**{f"{person_field}__in": names})
    if user_field:
        q |= Q(**{user_field: user.pk})
    return q


# --- indicators -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def indicator_catalogue() -> tuple[tuple[str, str], ...]:
    """Indicators an item may name: the rule sets' keys (resource/CV indicators), then the
    government-guarantee and quality points of the archive tree (2.1–2.15, 3.1–3.9)."""
    out: dict[str, str] = {}
    for rs in RULESETS.values():
        for ind in rs.indicators:
            out.setdefault(ind.key, ind.label)
    for spec in archive_tree.POINTS:
        if spec.folder in ("2", "3"):
            out[spec.code] = f"{spec.code} {spec.name}"
    return tuple(out.items())


def indicator_label(key: str) -> str:
    return _labels().get(key, key)


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    return dict(indicator_catalogue())


def indicator_lookup() -> dict[str, str]:
    """Every accepted spelling of an indicator (key, label, and for tree points the bare name)."""
    lookup = {}
    for key, label in indicator_catalogue():
        lookup[key] = key
        lookup[label] = key
    for spec in archive_tree.POINTS:
        if spec.folder in ("2", "3"):
            lookup.setdefault(spec.name, spec.code)
    return lookup


def item_indicator_standing(item: RectificationItem, current=None) -> dict | None:
    """For an item linked to a rule-set indicator: its value (per linked school, or all units)
    and CV in the county's current assessment (indicators.selectors.current_assessment: the
    target scheme's run on the current data), and whether that run still fails it. None for
    items without such an indicator. ``current`` skips looking it up again.

    Adds ``assessment`` (the run, None without one), ``stale`` (data changed after it:
    数据已变更，请重新评估), ``scheme_label`` and ``label``.
    """
    if not item.indicator or item.indicator not in RULE_INDICATOR_KEYS:
        return None
    current = current or current_assessment(item.county)
    standing = results.indicator_standing(
        current.result, item.indicator, stage=item.stage, school_codes=[s.code for s in item.schools.all()]
    )
    standing["assessment"] = current.assessment
    standing["stale"] = current.stale
    standing["scheme_label"] = current.scheme_label
    standing["label"] = indicator_label(item.indicator)
    return standing


RULE_INDICATOR_KEYS = frozenset(ind.key for rs in RULESETS.values() for ind in rs.indicators)


# --- ledger ---------------------------------------------------------------------------------


def ledger_list(user):
    """The user's ledger rows (schools prefetched), for the list page and the export."""
    return items_visible_to(user).prefetch_related("schools").order_by("county", "number")


def attach_evidence_counts(items) -> None:
    """Set ``evidence_count`` on each item of one page, with one query (cheaper than annotating
    the whole filtered ledger, which the paginator would also have to count)."""
    items = list(items)
    counts = dict(
        EvidenceFile.objects.filter(item_id__in=[i.pk for i in items])
        .values_list("item_id")
        .annotate(n=Count("id"))
        .values_list("item_id", "n")
    )
    for item in items:
        item.evidence_count = counts.get(item.pk, 0)


def ledger_summary(county, today: date | None = None) -> dict:
    """Counts for the dashboard and the dossier: ``total``, ``by_status`` {value: (label, n)},
    ``open``, ``overdue`` (open items past their deadline), ``due_soon``, ``closed``, ``closed_rate``
    (closed / total, 0.0–1.0; None when there are no items)."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=due_soon_days())
    agg = RectificationItem.objects.filter(county=county).aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
        due_soon=Count("id", filter=Q(status__in=OPEN_STATUSES, deadline__gte=today, deadline__lte=soon)),
        **{s.value: Count("id", filter=Q(status=s.value)) for s in ItemStatus},
    )
    total = agg["total"]
    return {
        "total": total,
        "by_status": {s.value: (s.label, agg[s.value]) for s in ItemStatus},
        "open": sum(agg[s] for s in OPEN_STATUSES),
        "overdue": agg["overdue"],
        "due_soon": agg["due_soon"],
        "closed": agg[ItemStatus.CLOSED],
        "closed_rate": agg[ItemStatus.CLOSED] / total if total else None,
    }


def open_item_counts(county_ids) -> dict[int, int]:
    """``ledger_summary(county)["open"]`` of many counties in one grouped query: {county id:
    items not yet closed (OPEN_STATUSES: long-term items are kept up, not open)}; counties
    without open items are absent."""
    rows = (
        RectificationItem.objects.filter(county_id__in=list(county_ids), status__in=OPEN_STATUSES)
        .values("county_id")
        .annotate(n=Count("id"))
        .values_list("county_id", "n")
    )
    return dict(rows)


def item_due_state(item: RectificationItem, today: date) -> str:
    return schedule.due_state(
        item.deadline, done=not item.is_open, today=today, due_soon_days=due_soon_days()
    )


# --- archive --------------------------------------------------------------------------------


def archive_points(county):
    """Every checklist point with this county's file count (``file_count``), in tree order."""
    return ArchivePoint.objects.annotate(file_count=Count("files", filter=Q(files__county=county))).order_by(
        "order", "code"
    )


def archive_files_of(county):
    return (
        ArchiveFile.objects.filter(county=county).select_related("uploaded_by").order_by("uploaded_at", "id")
    )


def archive_completeness(county) -> readiness.Completeness:
    """Completeness of the county's archive per folder and overall (see readiness.completeness)."""
    facts = [
        readiness.PointFacts(
            code=p.code, folder=p.folder, name=p.name, required=p.required_count, uploaded=p.file_count
        )
        for p in archive_points(county)
    ]
    return readiness.completeness(facts, archive_tree.FOLDERS)


# --- countdown and plan ---------------------------------------------------------------------


def tasks_of(county):
    return (
        PrepTask.objects.filter(county=county)
        .select_related("owner_user", "template")
        .order_by("deadline", "id")
    )


def deadline_lists(county, *, today: date, user=None) -> dict:
    """Open items and tasks that are overdue or due within RECTIFICATION_DUE_SOON_DAYS.

    With ``user``, only the user's own ("my items": lead unit = the user's unit, or the user
    named as responsible person / owner). Returns {"overdue": [...], "due_soon": [...]} of dicts
    {kind, title, owner, deadline, days (negative when late), late, url}, earliest first.
    """
    soon = today + timedelta(days=due_soon_days())
    items = RectificationItem.objects.filter(county=county, status__in=OPEN_STATUSES, deadline__lte=soon)
    tasks = PrepTask.objects.filter(county=county, deadline__lte=soon).exclude(status=TaskStatus.DONE)
    if user is not None:
        items = items.filter(mine_q(user, unit_field="lead_unit", person_field="responsible_person"))
        tasks = tasks.filter(mine_q(user, unit_field="owner_unit", user_field="owner_user"))
    rows = [
        {
            "kind": "整改事项",
            "title": f"第{i.number}项 {i.problem[:40]}",
            "owner": i.lead_unit,
            "deadline": i.deadline,
            "days": (i.deadline - today).days,
            "url": reverse("rectification:detail", args=[i.pk]),
        }
        for i in items
    ] + [
        {
            "kind": "迎检任务",
            "title": t.title,
            "owner": t.owner_unit,
            "deadline": t.deadline,
            "days": (t.deadline - today).days,
            "url": reverse("rectification:task_edit", args=[t.pk]),
        }
        for t in tasks
    ]
    for r in rows:
        r["late"] = max(0, -r["days"])
    rows.sort(key=lambda r: (r["deadline"], r["title"]))
    return {
        "overdue": [r for r in rows if r["deadline"] < today],
        "due_soon": [r for r in rows if r["deadline"] >= today],
    }


# --- readiness board ------------------------------------------------------------------------


def school_year(today: date) -> int:
    """The school year (starting year) ``today`` falls in: September starts a new one."""
    return today.year if today.month >= 9 else today.year - 1


def readiness_board(county, *, today: date) -> dict:
    """Everything the inspection looks at, each with pass / at risk / fail, owner and deadline.

    Rows: coefficients, per-school rule, class/school size, rooms and county items from the county's
    current assessment (indicators.selectors.current_assessment: the target scheme only, so a
    comparison run of the other scheme never changes the board; a stale one is marked, an
    incomplete verdict lists what is missing); rows the other apps send back on
    balance_inspect.signals.readiness_requested; open rectification items; prep tasks;
    archive folders. Returns {rows (worst first), counts, days_left, inspection_date, assessment, current, year,
    archive, summary}.
    """
    days_left = schedule.days_left(county.inspection_date, today)
    soon_days = due_soon_days()
    rows: list[readiness.ReadinessRow] = []

    open_items = list(
        RectificationItem.objects.filter(county=county, status__in=OPEN_STATUSES).order_by("deadline")
    )
    by_indicator: dict[str, RectificationItem] = {}
    for item in open_items:
        if item.indicator:
            by_indicator.setdefault(item.indicator, item)

    current = current_assessment(county)
    assessment = current.assessment
    year = current.year or school_year(today)
    if assessment is None:
        rows.append(
            readiness.ReadinessRow(
                area="指标评估",
                item="差异系数与逐校达标",
                status=readiness.AT_RISK,
                detail=f"尚无{current.target_name}方案已完成的指标评估，请先在“指标评估”中发起评估。",
                url=reverse("indicators:list"),
            )
        )
    else:
        result = assessment.result
        if current.stale:
            rows.append(
                readiness.ReadinessRow(
                    area="指标评估",
                    item=f"当前评估 #{assessment.pk}（{current.scheme_label}）",
                    status=readiness.AT_RISK,
                    detail=f"{STALE_TEXT}：以下各项为上次评估（{assessment.year}—{assessment.year + 1}学年）的结论",
                    url=reverse("indicators:list"),
                )
            )
        if verdict_key(result) == "incomplete":
            missing = missing_labels(result)
            rows.append(
                readiness.ReadinessRow(
                    area="指标评估",
                    item="评估结论 未完成",
                    status=readiness.AT_RISK,
                    detail=f"{len(missing)} 项评估项目尚无数据：" + "、".join(missing),
                    url=reverse("indicators:items"),
                )
            )
        for r in results.resource_rows(result) + results.county_item_rows(result):
            linked = by_indicator.get(r["key"]) if r["key"] else None
            rows.append(
                readiness.ReadinessRow(
                    area=r["area"],
                    item=r["item"],
                    status=r["status"],
                    detail=r["detail"],
                    owner=linked.lead_unit if linked else "",
                    deadline=linked.deadline if linked else None,
                    url=reverse("rectification:detail", args=[linked.pk]) if linked else "",
                )
            )

    # send_robust: a receiver that raises becomes a failing row (Django logs its traceback).
    for receiver, response in readiness_requested.send_robust(sender=type(county), county=county, year=year):
        rows.extend(readiness.provided_rows(receiver_name(receiver), response))

    for item in open_items:
        status = readiness.item_status(
            status=item.status, deadline=item.deadline, inspection_date=county.inspection_date, today=today
        )
        state = schedule.due_state(item.deadline, done=False, today=today, due_soon_days=soon_days)
        detail = f"{item.get_status_display()}，{schedule.DUE_STATE_LABELS[state]}"
        if county.inspection_date and item.deadline > county.inspection_date:
            detail += "，完成时限晚于国检日期"
        rows.append(
            readiness.ReadinessRow(
                area="整改事项",
                item=f"第{item.number}项 {item.problem[:50]}",
                status=status,
                detail=detail,
                owner=item.lead_unit,
                deadline=item.deadline,
                url=reverse("rectification:detail", args=[item.pk]),
            )
        )
    summary = ledger_summary(county, today)
    if summary["total"]:
        rows.append(
            readiness.ReadinessRow(
                area="整改事项",
                item="已销号及长期坚持事项",
                status=readiness.PASS,
                detail=f"已销号 {summary['closed']} 项，长期坚持 {summary['by_status'][ItemStatus.LONG_TERM][1]} 项，"
                f"共 {summary['total']} 项",
                url=reverse("rectification:list"),
            )
        )

    for task in tasks_of(county):
        status = readiness.task_status(
            done=task.status == TaskStatus.DONE, deadline=task.deadline, today=today, due_soon_days=soon_days
        )
        state = schedule.due_state(
            task.deadline, done=task.status == TaskStatus.DONE, today=today, due_soon_days=soon_days
        )
        rows.append(
            readiness.ReadinessRow(
                area="迎检任务",
                item=f"{task.offset_label} {task.title}".strip(),
                status=status,
                detail=f"{task.get_status_display()}，{schedule.DUE_STATE_LABELS[state]}",
                owner=str(task.owner_user) if task.owner_user_id else task.owner_unit,
                deadline=task.deadline,
                url=reverse("rectification:plan"),
            )
        )

    comp = archive_completeness(county)
    for folder in comp.folders:
        rows.append(
            readiness.ReadinessRow(
                area="迎检档案",
                item=f"{folder.folder} {folder.name}",
                status=readiness.archive_status(folder.ratio, days_left),
                detail=f"材料 {folder.counted}/{folder.required}（{folder.percent}%），{folder.complete_points}/{folder.points} 个条目齐全",
                url=reverse("rectification:archive"),
            )
        )

    ordered = readiness.sort_rows(rows)
    return {
        "rows": ordered,
        "counts": readiness.counts(ordered),
        "days_left": days_left,
        "inspection_date": county.inspection_date,
        "assessment": assessment,
        "current": current,
        "year": year,
        "archive": comp,
        "summary": summary,
    }
