"""One coefficient, one text: each CV of the small county prints the same on the assessment
page, the dashboard, the 表Ⅲ workbook, the dossier HTML and the dossier PDF (issue 13, finding
11: a CV was 0.450 in 表Ⅲ and 0.45 elsewhere)."""

import html
import io
import re

import pytest
from django.template.loader import render_to_string
from openpyxl import load_workbook
from pypdf import PdfReader

from domain import numbers
from dossiers.services import build_dossier_pdf, dossier_context
from indicators.engine import RULESETS
from indicators.services import assessment_run_now

pytestmark = pytest.mark.django_db

SCHEME = "quality-2017"
STAGE_LABELS = {"primary": "小学", "junior": "初中"}


def _cells_after_label(page: str, label: str, skip: int) -> list[str]:
    """The text of the cell ``skip`` cells after each cell that reads ``label`` (one per stage)."""
    cell = r"\s*<td[^>]*>(?:<strong>)?([^<]*)(?:</strong>)?</td>"
    pattern = re.escape(label) + r"(?:</a>)?(?:（[^）]*）)?</td>" + r"\s*<td[^>]*>[^<]*</td>" * skip + cell
    return [html.unescape(t).strip() for t in re.findall(pattern, page)]


def _xlsx_texts(data: bytes) -> dict[tuple[str, str], str]:
    """表Ⅲ workbook: (stage label, indicator label) → the CV as the cell displays it."""
    ws = load_workbook(io.BytesIO(data)).active
    # Reports carry a title and the data time above the header row.
    header_row = next(r for r in range(1, 6) if "差异系数" in [c.value for c in ws[r]])
    col = [c.value for c in ws[header_row]].index("差异系数")
    out = {}
    for row in ws.iter_rows(min_row=header_row + 1):
        cell = row[col]
        if cell.value is None:
            continue
        places = len(cell.number_format.split(".")[1]) if "." in cell.number_format else 0
        out[(row[0].value, row[1].value)] = f"{cell.value:,.{places}f}"
    return out


def test_each_cv_prints_identically_on_every_surface(small_county, login, bureau):
    # quality-2017 is the county's target scheme: this stored run is its current assessment.
    assessment = assessment_run_now(county=small_county, year=2025, scheme=SCHEME)
    result = assessment.result
    expected = {
        (stage, ind.label): numbers.cv(result["stages"][stage]["indicators"][ind.key]["cv"])
        for stage in STAGE_LABELS
        for ind in RULESETS[SCHEME].indicators
        if result["stages"][stage]["units"]
    }
    assert expected and all(text != numbers.UNDEFINED for text in expected.values())
    client = login(bureau)

    page = client.get(f"/indicators/{assessment.pk}/").content.decode()
    dashboard = client.get("/dashboard/").content.decode()
    workbook = _xlsx_texts(client.get(f"/indicators/{assessment.pk}/table3.xlsx").content)
    context = dossier_context(small_county, 2025, SCHEME)
    dossier_html = render_to_string("dossiers/pdf/dossier.html", {**context, "appendix_placeholders": ""})
    pdf = build_dossier_pdf(small_county, 2025, SCHEME).pdf
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)

    stages = [s for s in STAGE_LABELS if result["stages"][s]["units"]]
    for ind in RULESETS[SCHEME].indicators:
        want = [expected[(s, ind.label)] for s in stages]
        assert _cells_after_label(page, ind.label, 2) == want, ("assessment page", ind.label)
        assert _cells_after_label(dashboard, ind.label, 0) == want, ("dashboard", ind.label)
        assert [workbook[(STAGE_LABELS[s], ind.label)] for s in stages] == want, ("xlsx", ind.label)
        assert _cells_after_label(dossier_html, ind.label, 3) == want, ("dossier html", ind.label)
        for text in want:
            assert text in pdf_text, ("dossier pdf", ind.label, text)
