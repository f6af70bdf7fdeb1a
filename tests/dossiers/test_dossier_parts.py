"""A dossier rendered in parts (one task per part): navigation of the joined PDF, failure and
retry of one part, and the same document whatever the order the parts were rendered in."""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from balance_inspect.jobs import JobStatus, job_claim
from dossiers import services
from dossiers.models import Dossier
from dossiers.services import build_dossier_pdf, dossier_request
from schools.models import School

SECTIONS = [
    "一、县域基本情况（表Ⅰ）",
    "二、评估结论",
    "三、校际差异系数（表Ⅲ）",
    "四、学校达标情况（表Ⅱ）",
    "五、班额与办学规模",
    "附录：学校一览",
]


@pytest.fixture
def small_parts(settings):
    settings.DOSSIER_PART_SCHOOLS = 1  # the small county's 4 schools → main part, 4 appendix parts, 表Ⅱ


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def _school_pages(reader: PdfReader, county) -> dict[str, int]:
    """School name → 0-based page holding its appendix page (found by its code and name)."""
    found = {}
    for school in School.objects.filter(county=county):
        hits = [
            i
            for i, page in enumerate(reader.pages)
            if f"学校标识码 {school.code}" in (text := page.extract_text()) and school.name in text
        ]
        assert len(hits) == 1, (school.name, hits)
        found[school.name] = hits[0]
    return found


def _toc_links(reader: PdfReader) -> list[int]:
    """0-based target pages of the links on the TOC page, in their order on the page."""
    targets = []
    for annot in reader.pages[1].get("/Annots") or []:
        annot = annot.get_object()
        if annot.get("/Subtype") == "/Link":
            dest = annot["/Dest"] if "/Dest" in annot else annot["/A"]["/D"]
            targets.append(reader.get_page_number(dest[0].get_object()))
    return targets


def _outline(reader: PdfReader, items=None, depth=0) -> list[tuple[int, str, int]]:
    flat = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            flat += _outline(reader, item, depth + 1)
        else:
            flat.append((depth, item.title, reader.get_destination_page_number(item)))
    return flat


@pytest.mark.django_db
def test_the_joined_pdf_has_clickable_toc_bookmarks_and_metadata_across_parts(small_county, small_parts):
    built = build_dossier_pdf(small_county, 2025, "quality-2017")
    reader = _reader(built.pdf)
    pages = [p.extract_text() for p in reader.pages]
    assert built.pages == len(pages)
    schools = _school_pages(reader, small_county)
    # Every school is in the appendix, one page each, after the main part.
    assert sorted(schools.values()) == list(range(len(pages) - len(schools), len(pages)))

    # TOC numbers: every school's printed number is its page; every page says "第 n 页 / 共 N 页".
    for name, index in schools.items():
        listed = re.search(rf"{re.escape(name)}\s*\.*\s*(\d+)", pages[1])
        assert listed and int(listed.group(1)) == index + 1, name
    for number, text in enumerate(pages[1:], start=2):
        assert re.search(rf"第\s*{number}\s*页\s*/\s*共\s*{built.pages}\s*页", text), number
    assert "附录" in pages[-1]  # the appendix pages keep their running head

    # TOC links: sections first, then the appendix and every school, each to its page.
    links = _toc_links(reader)
    in_toc_order = sorted(schools, key=pages[1].index)
    assert links[-len(schools) :] == [schools[name] for name in in_toc_order]
    assert links[-len(schools) - 1] == min(schools.values())
    overview = next(i for i, t in enumerate(pages) if "一、县域基本情况（表Ⅰ）" in t and i > 1)
    assert links[0] == overview

    # Outline: the sections at the top level, every school under the appendix, each to its page.
    outline = _outline(reader)
    top = [title for depth, title, _ in outline if depth == 0]
    for section in SECTIONS:
        assert section in top, section
    appendix_at = next(i for i, (d, t, _) in enumerate(outline) if d == 0 and t == "附录：学校一览")
    under_appendix = {title: page for depth, title, page in outline[appendix_at + 1 :] if depth == 1}
    assert under_appendix == schools

    assert reader.metadata.title.startswith("滨河县") and "迎检档案" in reader.metadata.title
    assert reader.metadata.author == "滨河县教育局"
    assert reader.metadata.creation_date is not None


@pytest.mark.django_db(transaction=True)
def test_a_failing_part_fails_the_job_with_its_reason_and_the_retry_renders_only_that_part(
    small_county, small_parts, bureau, login, monkeypatch
):
    real = services.render_part
    rendered = []

    def broken_last_part(html):
        rendered.append(html)
        if len(rendered) == 6:  # main part, 4 appendix parts, 表Ⅱ: the last one fails
            raise RuntimeError("排版进程内存不足（模拟）")
        return real(html)

    monkeypatch.setattr(services, "render_part", broken_last_part)
    dossier = dossier_request(county=small_county, year=2025, scheme="quality-2017", user=bureau)
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.FAILED
    assert "表Ⅱ第 1 部分" in dossier.error and "排版进程内存不足（模拟）" in dossier.error
    failed_html = rendered[-1]

    rendered.clear()
    assert login(bureau).post(f"/dossiers/{dossier.pk}/retry/").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.DONE, dossier.error
    assert rendered == [failed_html]  # the parts stored by the first attempt are reused
    reader = _reader(dossier.file.open("rb").read())
    assert len(reader.pages) == dossier.pages
    assert len(_school_pages(reader, small_county)) == 4


@pytest.mark.django_db(transaction=True)
def test_parts_rendered_in_another_order_give_the_same_pages_as_one_process(
    small_county, small_parts, bureau, monkeypatch
):
    sent = []
    monkeypatch.setattr(services, "job_send_step", lambda task, pk, *args: sent.append((task, args)))
    dossier = Dossier.objects.create(
        county=small_county, year=2025, scheme="quality-2017", version=1, requested_by=bureau
    )
    assert job_claim(Dossier, dossier.pk)
    services.dossier_build(dossier.pk)
    parts = [args[0] for task, args in sent if task == services.PART_TASK]
    assert parts == [0, 1, 2, 3, 4, 5]  # main part, 4 appendix parts, 表Ⅱ
    for index in reversed(parts):  # as if the last part's worker were the fastest
        services.dossier_render_part(dossier.pk, index)
    assert [task for task, _ in sent].count(services.JOIN_TASK) == 1
    services.dossier_join(dossier.pk)
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.DONE and dossier.progress == 100

    created = timezone.localtime(dossier.created_at)
    one_process_pdf = build_dossier_pdf(small_county, 2025, "quality-2017", generated_at=created).pdf
    fanned_out_pdf = dossier.file.open("rb").read()
    assert fanned_out_pdf == one_process_pdf  # byte for byte, charts and dates included
    one_process, fanned_out = _reader(one_process_pdf), _reader(fanned_out_pdf)
    assert len(fanned_out.pages) == len(one_process.pages) == dossier.pages
    assert [p.extract_text() for p in fanned_out.pages] == [p.extract_text() for p in one_process.pages]
    assert _outline(fanned_out) == _outline(one_process)
    assert _toc_links(fanned_out) == _toc_links(one_process)


@pytest.mark.django_db(transaction=True)
def test_a_re_render_of_the_same_job_gives_the_same_bytes(small_county, small_parts, bureau, login):
    dossier = dossier_request(county=small_county, year=2025, scheme="quality-2017", user=bureau)
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.DONE, dossier.error
    first_sha, first = dossier.sha256, dossier.file.open("rb").read()
    # Failed afterwards (as if its file were lost) and retried later: every part is rendered again
    # (the parts of a done job are gone), dated by the job, not by the retry.
    Dossier.objects.filter(pk=dossier.pk).update(status=JobStatus.FAILED, error="模拟")
    assert login(bureau).post(f"/dossiers/{dossier.pk}/retry/").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.DONE, dossier.error
    assert dossier.sha256 == first_sha
    assert dossier.file.open("rb").read() == first
    assert _reader(first).metadata.creation_date == timezone.localtime(dossier.created_at).replace(
        microsecond=0
    )


@pytest.mark.django_db
def test_another_part_size_gives_the_same_pages_toc_and_outline(small_county, settings):
    """Part sizes change the part files (each embeds the subset of the fonts its pages use), so the
    bytes differ; everything a reader sees is the same."""
    created = timezone.localtime()
    built = {}
    for size in (1, 3, 60):
        settings.DOSSIER_PART_SCHOOLS = size
        built[size] = _reader(build_dossier_pdf(small_county, 2025, "quality-2017", generated_at=created).pdf)
    texts = {size: [p.extract_text() for p in r.pages] for size, r in built.items()}
    assert texts[1] == texts[3] == texts[60]
    assert _outline(built[1]) == _outline(built[3]) == _outline(built[60])
    assert _toc_links(built[1]) == _toc_links(built[3]) == _toc_links(built[60])


@pytest.mark.django_db(transaction=True)
def test_progress_counts_parts_and_the_parts_are_removed_once_joined(
    small_county, small_parts, bureau, settings, monkeypatch
):
    from pathlib import Path

    notes = []
    real = services._progress

    def spy(pk, done, total):
        notes.append((done, total))
        real(pk, done, total)

    monkeypatch.setattr(services, "_progress", spy)
    dossier = dossier_request(county=small_county, year=2025, scheme="quality-2017", user=bureau)
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.DONE
    assert notes == [(0, 6), (1, 6), (2, 6), (3, 6), (4, 6), (5, 6), (6, 6)]
    assert not (Path(settings.MEDIA_ROOT) / "dossier-parts" / str(dossier.pk)).exists()


@pytest.mark.django_db
def test_the_page_says_the_embedded_default_renders_in_one_process(login, bureau, settings):
    settings.CELERY_BROKER_URL = "filesystem://"
    assert "在一个后台进程中依次排版" in login(bureau).get("/dossiers/").content.decode()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert "由各后台进程同时排版" in login(bureau).get("/dossiers/").content.decode()


def test_part_and_join_tasks_have_the_time_limits_of_every_job(settings):
    from balance_inspect.jobs import _task

    for name in (services.PART_TASK, services.JOIN_TASK):
        task = _task(name)
        assert task.time_limit == settings.CELERY_TASK_TIME_LIMIT, name
        assert task.soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT < task.time_limit, name


@pytest.mark.django_db
def test_parts_of_dossiers_failed_long_ago_done_or_deleted_are_removed_the_others_kept(
    small_county, bureau, settings, tmp_path
):
    from datetime import timedelta
    from pathlib import Path

    settings.MEDIA_ROOT = str(tmp_path)
    settings.DOSSIER_PARTS_KEEP_HOURS = 24
    now = timezone.now()

    def dossier(version, status, finished_hours_ago=None):
        row = Dossier.objects.create(
            county=small_county,
            year=2025,
            scheme="quality-2017",
            version=version,
            requested_by=bureau,
            status=status,
            finished_at=None if finished_hours_ago is None else now - timedelta(hours=finished_hours_ago),
        )
        part = Path(settings.MEDIA_ROOT) / "dossier-parts" / str(row.pk) / "abc-30"
        part.mkdir(parents=True)
        (part / "part-0.pdf").write_bytes(b"%PDF")
        return row

    failed_long_ago = dossier(1, JobStatus.FAILED, finished_hours_ago=25)
    failed_recently = dossier(2, JobStatus.FAILED, finished_hours_ago=23)
    done = dossier(3, JobStatus.DONE, finished_hours_ago=1)
    running = dossier(4, JobStatus.RUNNING)
    queued = dossier(5, JobStatus.QUEUED)  # a retry of a failed one, even an old one
    deleted = dossier(6, JobStatus.FAILED, finished_hours_ago=1)
    Dossier.objects.filter(pk=deleted.pk).delete()

    assert services.purge_dossier_parts(now=now) == 3
    root = Path(settings.MEDIA_ROOT) / "dossier-parts"
    assert sorted(int(d.name) for d in root.iterdir()) == sorted([failed_recently.pk, running.pk, queued.pk])
    assert not (root / str(failed_long_ago.pk)).exists() and not (root / str(done.pk)).exists()
    assert services.purge_dossier_parts(now=now + timedelta(hours=2)) == 1  # failed_recently, now 25 h


def test_the_parts_purge_runs_hourly_from_beat(settings):
    from balance_inspect.jobs import _task

    entry = settings.CELERY_BEAT_SCHEDULE["purge-dossier-parts"]
    assert entry["schedule"].total_seconds() == 3600
    assert _task(entry["task"]).name == "dossiers.tasks.purge_dossier_parts"


@pytest.fixture
def compliance_in_parts(monkeypatch):
    """表Ⅱ of the small county (4 rows) on 4 pages, in 2 parts: the main part leaves 4 pages for it."""
    monkeypatch.setattr(services, "COMPLIANCE_ROWS_FIRST_PAGE", 1)
    monkeypatch.setattr(services, "COMPLIANCE_ROWS_PER_PAGE", 1)
    monkeypatch.setattr(services, "COMPLIANCE_PAGES_PER_PART", 2)


@pytest.mark.django_db
def test_a_table_rendered_in_parts_inside_the_main_part_keeps_page_numbers_toc_links_and_outline(
    small_county, settings, compliance_in_parts
):
    settings.DOSSIER_PART_SCHOOLS = 2
    created = timezone.localtime()
    layout = services.dossier_layout(small_county, 2025, "quality-2017", generated_at=created)
    assert layout.labels == ["正文部分", "附录第 1 部分", "附录第 2 部分", "表Ⅱ第 1 部分", "表Ⅱ第 2 部分"]
    built = build_dossier_pdf(small_county, 2025, "quality-2017", generated_at=created)
    reader = _reader(built.pdf)
    pages = [p.extract_text() for p in reader.pages]
    assert built.pages == len(pages)

    # 表Ⅱ: four landscape pages in a row, one school per page in the order of the table, after 表Ⅲ
    # and before 五、班额与办学规模.
    landscape = [i for i, p in enumerate(reader.pages) if p.mediabox.width > p.mediabox.height]
    first = landscape[0]
    assert landscape == list(range(first, first + 4))
    assert "四、学校达标情况（表Ⅱ）" in pages[first]
    row_names = [
        row["name"] for row in services.dossier_context(small_county, 2025, "quality-2017")["compliance"]
    ]
    for name, index in zip(row_names, landscape, strict=True):
        assert name in pages[index]
    assert "三、校际差异系数（表Ⅲ）" in pages[first - 1] or "三、校际差异系数（表Ⅲ）" in pages[first - 2]
    assert "五、班额与办学规模" in pages[first + 4]

    # Every page after the cover says "第 n 页 / 共 N 页", 表Ⅱ's pages (stamped from the main part) too.
    for number, text in enumerate(pages[1:], start=2):
        assert re.search(rf"第\s*{number}\s*页\s*/\s*共\s*{built.pages}\s*页", text), number

    # TOC: 表Ⅱ's printed number is its first page, and its link (the 4th section) goes there; the
    # sections after it and the schools keep true numbers and links.
    listed = re.search(r"四、学校达标情况（表Ⅱ）\s*\.*\s*(\d+)", pages[1])
    assert listed and int(listed.group(1)) == first + 1
    links = _toc_links(reader)
    assert links[3] == first
    findings = next(i for i, t in enumerate(pages) if "五、班额与办学规模" in t and i > 1)
    assert links[4] == findings
    listed = re.search(r"五、班额与办学规模\s*\.*\s*(\d+)", pages[1])
    assert listed and int(listed.group(1)) == findings + 1
    schools = _school_pages(reader, small_county)
    assert links[-len(schools) :] == [schools[name] for name in sorted(schools, key=pages[1].index)]

    # Outline: the sections in page order, 表Ⅱ's to its first page.
    outline = _outline(reader)
    top = [(title, page) for depth, title, page in outline if depth == 0]
    assert ("四、学校达标情况（表Ⅱ）", first) in top
    assert [title for title, _ in top if title in SECTIONS] == SECTIONS
    assert [page for _, page in top] == sorted(page for _, page in top)


@pytest.mark.django_db
def test_a_table_cut_into_other_parts_gives_the_same_pages(
    small_county, settings, compliance_in_parts, monkeypatch
):
    created = timezone.localtime()
    readers = []
    for pages_per_part in (1, 4):
        monkeypatch.setattr(services, "COMPLIANCE_PAGES_PER_PART", pages_per_part)
        readers.append(
            _reader(build_dossier_pdf(small_county, 2025, "quality-2017", generated_at=created).pdf)
        )
    one, four = readers
    assert [p.extract_text() for p in one.pages] == [p.extract_text() for p in four.pages]
    assert _outline(one) == _outline(four)
    assert _toc_links(one) == _toc_links(four)


def test_a_part_that_comes_out_with_other_pages_than_planned_fails_the_join():
    from balance_inspect.pdf import join_parts

    main = (b"", {"pages": 3, "anchors": {"slot": [1, 0, 0]}, "links": [], "bookmarks": []})
    with pytest.raises(ValueError, match="第 1 部分排出 3 页，应为 2 页"):
        join_parts(main, [(b"", {"pages": 3}, "slot", 2)], title="", author="", created=timezone.now())
    with pytest.raises(ValueError, match="缺少第 1 部分的占位页"):
        join_parts(main, [(b"", {"pages": 3}, "slot", 3)], title="", author="", created=timezone.now())
