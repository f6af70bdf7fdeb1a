"""Every import template a clerk downloads has the same 填写说明 layout, built from the template's
own column declaration (balance_inspect.tabular)."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from balance_inspect import tabular
from balance_inspect.xlsx import write_xlsx
from dataquality.reconcile import LIST_KINDS
from dropout_control.importing import COHORTS, LEDGER
from rectification.exports import feedback_template_columns
from schools.columns import TEMPLATES as SCHOOL_TEMPLATES
from workforce.importing import TEMPLATES as WORKFORCE_TEMPLATES

DOWNLOADS = (
    [(("schools:import_template", kind), t.headers) for kind, t in SCHOOL_TEMPLATES.items()]
    + [(("workforce:import_template", kind), t.headers) for kind, t in WORKFORCE_TEMPLATES.items()]
    + [(("dropout_control:ledger_template",), LEDGER.headers)]
    + [(("dropout_control:cohort_template",), COHORTS.headers)]
    + [(("rectification:import_template",), tuple(c.header for c in feedback_template_columns()))]
    + [(("dataquality:reconcile_template", key), k.headers) for key, k in LIST_KINDS.items()]
)


def _rows(sheet):
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(("url", "headers"), DOWNLOADS, ids=lambda v: v[-1] if isinstance(v, tuple) else None)
def test_every_template_download_explains_each_declared_column_in_one_layout(login, bureau, url, headers):
    response = login(bureau).get(reverse(url[0], args=url[1:]))
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames[1] == "填写说明"
    assert _rows(wb.worksheets[0])[0] == tuple(headers)
    instructions = _rows(wb["填写说明"])
    assert instructions[0] == ("列名", "是否必填", "允许的值/格式", "单位", "说明")
    described = instructions[1 : len(headers) + 1]
    assert [r[0] for r in described] == list(headers)
    assert all(r[1] and r[2] for r in described), "every column says whether it is required and what it takes"
    after = instructions[len(headers) + 1 : len(headers) + 2]
    assert after in ([], [(None, None, None, None, None)]), "no instruction row without a column"


def test_short_choice_lists_become_drop_downs_and_codes_stay_text():
    columns = [
        tabular.TemplateColumn("学校标识码", "是", "10 位数字", text=True),
        tabular.TemplateColumn("性别", "是", "男、女", choices=("男", "女")),
        tabular.TemplateColumn("备注", "否", "文本", choices=tuple(f"选项{i:03d}" for i in range(60))),
    ]
    wb = load_workbook(BytesIO(write_xlsx(tabular.template_sheets("名单", columns))))
    sheet = wb.worksheets[0]
    lists = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    # A list longer than Excel's 255-character formula is described in 填写说明 only.
    assert lists == {"B2:B5000": '"男,女"'}
    assert sheet.column_dimensions["A"].number_format == "@"
