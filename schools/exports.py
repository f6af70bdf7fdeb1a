"""xlsx files of the four templates: blank templates with instructions, and data exports.

Both go through balance_inspect.xlsx (the one safe writer). Exports render each stored value
through the template declaration the import parses with (schools.upsert.export_rows,
Column.render), so an exported file has the template's layout and re-imports cleanly.
"""

from accounts.access import scope
from balance_inspect import tabular
from balance_inspect.xlsx import Sheet, write_xlsx
from schools.columns import TEMPLATES
from schools.idcard import mask_id_number
from schools.models import SchoolClass, SchoolConditions, Teacher
from schools.selectors import schools_visible_to, teacher_names_visible
from schools.upsert import export_rows

GENERAL_NOTES = (
    "第一个工作表的第 1 行是表头，请勿修改表头文字；列的顺序可以调整，多余的列会被忽略。",
    "每行一条记录，空行会被跳过；可选的数值列留空按 0 处理。",
    "代码类列（学校标识码、区县代码等）和身份证号请保持文本格式，以免丢失开头的 0 或末几位。",
    "整个文件要么全部导入，要么全部不导入：任何一行有错，系统会列出所有错误的行号、列名和原因。",
    "按关键列重复导入同一条记录会更新原记录，不会产生重复。",
)
YEARLY_MODELS = {"conditions": SchoolConditions, "teachers": Teacher, "classes": SchoolClass}


def template_sheets(kind: str) -> list[Sheet]:
    """A blank template (header row, drop-down lists on choice columns) and its 填写说明."""
    template = TEMPLATES[kind]
    return tabular.template_sheets(template.label, template.template_columns(), GENERAL_NOTES)


def template_xlsx(kind: str) -> bytes:
    return write_xlsx(template_sheets(kind))


def export_queryset(kind: str, user, *, year: int | None = None):
    """The rows of `kind` the user may see (one 学年 for the yearly kinds)."""
    if kind == "schools":
        return schools_visible_to(user).select_related("county", "township", "parent").order_by("code")
    model = YEARLY_MODELS[kind]
    qs = scope(
        user,
        model.objects.filter(year=year),
        county="school__county",
        township="school__township",
        school="school",
    )
    return qs.select_related("school").order_by("school__code", "pk")


def export_years(kind: str, user) -> list[int]:
    """学年 with data of `kind` in the user's area, newest first."""
    if kind not in YEARLY_MODELS:
        return []
    qs = scope(
        user,
        YEARLY_MODELS[kind].objects.all(),
        county="school__county",
        township="school__township",
        school="school",
    )
    return sorted(set(qs.values_list("year", flat=True)), reverse=True)


def export_sheet(kind: str, user, *, year: int | None = None) -> Sheet:
    """A Sheet in the template's layout.

    Teachers follow the school page's rule (schools.selectors.teacher_names_visible): names and
    full ID numbers go only to those who keep the school's data (bureau staff, the school's own
    reporter), who need them to re-import the file; everyone else (township officials,
    inspectors) gets the rows without names and with masked ID numbers."""
    template = TEMPLATES[kind]
    overrides = {}
    if kind == "teachers":

        def revealed(teacher):
            return teacher_names_visible(user, teacher.school)

        overrides = {
            "name": lambda t: t.name if revealed(t) else "",
            "id_number": lambda t: t.id_number if revealed(t) else mask_id_number(t.id_number),
        }
    rows = list(export_rows(template, export_queryset(kind, user, year=year), overrides=overrides))
    widths = [max(12, len(h) * 2 + 4) for h in template.headers]
    return Sheet(template.label, template.headers, rows, widths=widths)


def export_file_name(kind: str, user, year: int | None) -> str:
    area = user.area_label
    label = TEMPLATES[kind].label
    return f"{area}_{label}_{year}学年.xlsx" if year else f"{area}_{label}.xlsx"
