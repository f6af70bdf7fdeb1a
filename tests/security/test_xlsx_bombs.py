"""xlsx decompression bombs (issue 15, finding 4): refused before openpyxl parses them.

The files are crafted here, small on disk: a shared-strings bomb (a few hundred KB unpacking to
tens or hundreds of MB), a sheet with one cell in column XFD per row, a sheet claiming row
1,000,000. Each is refused with a Chinese reason by every reader (school imports, the dropout
ledger, the feedback list); a normal file with extra columns is read up to the template's last
column only.
"""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.worksheet import _read_only

from schools.models import ImportRecord, School
from tests.security import world

pytestmark = pytest.mark.django_db

SCHOOL_HEADERS = ["学校标识码", "学校名称", "区县代码", "区县名称", "乡镇名称", "办学类型", "城乡类型"]
SCHOOL_ROW = ["1301230901", "新建第一小学", "130123", "滨河县", "城关镇", "小学", "乡村"]
MB = 1024 * 1024


def _rewrite(base: bytes, parts: dict) -> bytes:
    """`base` with each member named in `parts` replaced (or added) by what parts[name](stream)
    writes — streamed, so a bomb is never held in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in parts:
                dst.writestr(info, src.read(info.filename))
        for name, write_part in parts.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=True) as part:
                write_part(part)
    return out.getvalue()


SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def shared_strings_bomb(unpacked_mb: int) -> bytes:
    """A valid school file with a shared-strings part holding one string of `unpacked_mb` MB."""
    base = world.xlsx_bytes(SCHOOL_HEADERS, [SCHOOL_ROW])
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        types = zf.read("[Content_Types].xml").decode()
    types = types.replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST}"/></Types>'
    )

    def strings(part):
        part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
        chunk = b"A" * MB
        for _ in range(unpacked_mb):
            part.write(chunk)
        part.write(b"</t></si></sst>")

    return _rewrite(
        base,
        {"[Content_Types].xml": lambda part: part.write(types.encode()), "xl/sharedStrings.xml": strings},
    )


def sheet_file(rows_xml) -> bytes:
    """A school file whose first worksheet's <sheetData> is `rows_xml` (an iterable of str)."""
    base = world.xlsx_bytes(SCHOOL_HEADERS, [SCHOOL_ROW])
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        original = zf.read("xl/worksheets/sheet1.xml").decode()
    # A lying dimension: the check must not trust it.
    original = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:G2"/>', original)
    before = original.split("<sheetData", 1)[0]
    after = original.split("</sheetData>", 1)[1]

    def write(part):
        part.write(before.encode() + b"<sheetData>")
        for row in rows_xml:
            part.write(row.encode())
        part.write(b"</sheetData>" + after.encode())

    return _rewrite(base, {"xl/worksheets/sheet1.xml": write})


def header_row() -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(SCHOOL_HEADERS)
    )
    return f'<row r="1">{cells}</row>'


def school_row(r: int, *, extra: str = "") -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate([f"13012309{r:02d}", f"新建第{r}小学", *SCHOOL_ROW[2:]])
    )
    return f'<row r="{r}">{cells}{extra}</row>'


def xfd_file(rows: int = 3000) -> bytes:
    """One cell in column XFD (16,384) per row: 126 KB of tuple per row in today's reader."""
    return sheet_file(
        [header_row()] + [f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(2, rows + 2)]
    )


@pytest.fixture
def parser_spy(monkeypatch):
    """Counts openpyxl workbook loads: a bomb must be refused before any."""
    import schools.importing

    calls = []
    real = schools.importing.load_workbook

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(schools.importing, "load_workbook", spy)
    return calls


def _import(client, body, kind="schools"):
    response = client.post(
        reverse("schools:import_start"),
        {"kind": kind, "file": SimpleUploadedFile("台账.xlsx", body)},
        follow=True,
    )
    assert response.status_code == 200
    return ImportRecord.objects.latest("pk"), response.content.decode()


def test_a_shared_strings_bomb_from_a_school_reporter_is_refused_before_parsing(login, reporter, parser_spy):
    body = shared_strings_bomb(60)
    assert len(body) < 400 * 1024  # small on disk
    record, page = _import(login(reporter), body, kind="conditions")
    assert record.status == ImportRecord.Status.REFUSED
    assert "解压后是压缩前的" in str(record.errors) and "倍" in page
    assert parser_spy == []
    assert not School.objects.filter(code="1301230901").exists()


def test_a_workbook_unpacking_past_the_limit_is_refused(login, bureau, parser_spy):
    body = shared_strings_bomb(120)  # past the 100 MB default, whatever the ratio
    record, _page = _import(login(bureau), body)
    assert "文件解压后过大" in str(record.errors) and "上限 100 MB" in str(record.errors)
    assert parser_spy == []


def test_one_cell_in_column_xfd_per_row_is_refused_naming_the_column(login, bureau, parser_spy):
    body = xfd_file()
    assert len(body) < 64 * 1024
    record, page = _import(login(bureau), body)
    assert record.status == ImportRecord.Status.REFUSED
    assert "列数过多（用到第 16384 列，上限 200 列）" in page
    assert parser_spy == []


def test_a_sheet_claiming_a_millionth_row_is_refused(login, bureau, parser_spy):
    body = sheet_file([header_row(), school_row(2), '<row r="1000000"><c r="A1000000"><v>1</v></c></row>'])
    record, page = _import(login(bureau), body)
    assert "行数过多（第 1000000 行，上限 50000 行）" in page
    assert parser_spy == []


def test_a_worksheet_that_is_not_well_formed_xml_is_refused_in_chinese(login, bureau, parser_spy):
    body = sheet_file([header_row(), school_row(2), '<row r="3"><c r="A3"><v>1</c></row>'])
    record, page = _import(login(bureau), body)
    assert record.status == ImportRecord.Status.REFUSED
    assert "无法读取该 Excel 文件" in page
    assert parser_spy == []


def test_rows_written_with_a_namespace_prefix_are_counted_too():
    """The bounds pass reads element names after their namespace, however the file spells it."""
    from django.core.exceptions import ValidationError

    from balance_inspect.xlsx_read import check_xlsx_bounds

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rows = [f'<x:row xmlns:x="{ns}" r="{r}"><x:c r="A{r}"><x:v>1</x:v></x:c></x:row>' for r in (2, 60000)]
    with pytest.raises(ValidationError, match="第 60000 行"):
        check_xlsx_bounds(sheet_file([header_row(), *rows]))


def test_extra_columns_are_never_read_past_the_templates_last(login, bureau, county, township_a, monkeypatch):
    widths = []
    real = _read_only.ReadOnlyWorksheet._get_row

    def measured(self, row, min_col=1, max_col=None, values_only=False):
        out = real(self, row, min_col, max_col, values_only)
        widths.append(len(out))
        return out

    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_get_row", measured)
    far = '<c r="FZ{r}"><v>7</v></c>'  # column 182: allowed, but not the template's
    body = sheet_file([header_row()] + [school_row(r, extra=far.format(r=r)) for r in range(2, 5)])
    record, _page = _import(login(bureau), body)
    assert record.status == ImportRecord.Status.PREVIEWED, record.errors
    assert widths and max(widths[1:]) <= len(SCHOOL_HEADERS)  # the header row may be as wide as it is


def test_a_dropout_ledger_bomb_is_refused_with_the_reason(parser_spy):
    from dropout_control.importing import LEDGER, _read

    errors = []
    assert _read(SimpleUploadedFile("台账.xlsx", shared_strings_bomb(60)), LEDGER, errors) == []
    assert "解压后是压缩前的" in errors[0][2]
    assert parser_spy == []


def test_a_feedback_list_bomb_is_refused_with_the_reason(bureau, county, monkeypatch):
    import openpyxl

    from rectification.services import ImportRefused, feedback_import

    loads = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: loads.append(1))
    with pytest.raises(ImportRefused) as refused:
        feedback_import(user=bureau, county=county, upload=SimpleUploadedFile("反馈.xlsx", xfd_file(50)))
    assert "列数过多" in refused.value.errors[0].reason
    assert loads == []
