"""python manage.py import_data {schools|conditions|teachers|classes} FILE.xlsx [--dry-run]

Runs as the system (no user scope). Exit 0 with a one-line summary; on any invalid row,
every error on stderr (row, column, reason), nothing written, exit 1 (data-contract §3).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schools.columns import TEMPLATES
from schools.importing import import_file


class Command(BaseCommand):
    help = "导入数据模板（学校 / 办学条件 / 教师 / 班级）的 .xlsx 文件；全部通过才写入。"

    def add_arguments(self, parser):
        parser.add_argument(
            "kind",
            choices=list(TEMPLATES),
            help="schools=学校 conditions=办学条件 teachers=教师 classes=班级",
        )
        parser.add_argument("file", help=".xlsx 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入")

    def handle(self, *args, kind, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        with path.open("rb") as fh:
            outcome = import_file(kind=kind, file_obj=fh, file_name=path.name, user=None, dry_run=dry_run)
        if not outcome.ok:
            for row, column, message in outcome.errors:
                where = f"第 {row} 行" if row else "文件"
                self.stderr.write(f"{where}\t{column or '—'}\t{message}")
            raise CommandError(f"导入被拒绝：共 {len(outcome.errors)} 处错误，未写入任何数据。", returncode=1)
        suffix = "（试运行，未写入）" if dry_run else ""
        self.stdout.write(outcome.summary + suffix)
