"""manage.py import_data: exit 0 with a one-line summary, or every error and exit 1 writing nothing."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from schools.models import ImportRecord, Teacher
from tests.schools_import.helpers import TEACHER_HEADERS, build_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(tmp_path, teacher_row):
    def write(rows, name="教师.xlsx"):
        path = tmp_path / name
        path.write_bytes(build_xlsx(TEACHER_HEADERS, rows))
        return str(path)

    return write


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_and_prints_a_one_line_summary(roster, school_a, teacher_row):
    path = roster([teacher_row(教师编号=f"T{n}") for n in range(3)])
    out, err = run("teachers", path)
    assert out.strip().splitlines() == ["教师：新增 3 条，更新 0 条"]
    assert Teacher.objects.count() == 3
    record = ImportRecord.objects.get()
    assert record.user is None and record.status == ImportRecord.Status.APPLIED
    assert record.county == school_a.county


def test_a_second_run_reports_updates(roster, school_a, teacher_row):
    path = roster([teacher_row()])
    run("teachers", path)
    out, _ = run("teachers", path)
    assert out.strip() == "教师：新增 0 条，更新 1 条"
    assert Teacher.objects.count() == 1


def test_dry_run_writes_no_data(roster, school_a, teacher_row):
    out, _ = run("teachers", roster([teacher_row()]), "--dry-run")
    assert out.strip() == "教师：新增 1 条，更新 0 条（试运行，未写入）"
    assert not Teacher.objects.exists()


def test_invalid_rows_print_every_error_and_exit_1(roster, school_a, teacher_row):
    path = roster(
        [
            teacher_row(),
            teacher_row(教师编号="T2", 最高学历="大专"),
            teacher_row(教师编号="T3", 身份证号="110105194912310021"),
        ]
    )
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_data", "teachers", path, stdout=StringIO(), stderr=err)
    assert exc.value.returncode == 1
    lines = err.getvalue().strip().splitlines()
    assert lines[0].startswith("第 3 行\t最高学历\t“大专”不是有效值")
    assert lines[1].startswith("第 4 行\t身份证号\t")
    assert "共 2 处错误" in str(exc.value)
    assert not Teacher.objects.exists()


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        run("teachers", str(tmp_path / "nope.xlsx"))


def test_an_unknown_kind_is_rejected(roster, teacher_row):
    with pytest.raises(CommandError):
        run("pupils", roster([teacher_row()]))
