"""python manage.py import_workforce {posts|exchanges|training|joined} FILE.xlsx [--county CODE] [--dry-run]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from schools.importing import read_upload
from schools.models import County
from workforce.importing import TEMPLATES
from workforce.services import workforce_import


class Command(BaseCommand):
    help = "导入师资数据模板（核定编制 / 交流轮岗 / 培训与持证 / 到校年份），全部正确才写入。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(TEMPLATES))
        parser.add_argument("file")
        parser.add_argument("--county", help="只接受该区县（6 位代码）的学校；不填则不限区县")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, kind, file, county, dry_run, **options):
        scope = None
        if county:
            scope = County.objects.filter(code=county).first()
            if scope is None:
                raise CommandError(f"区县代码 {county} 不存在")
        try:
            with open(file, "rb") as fh:
                data = read_upload(fh)
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from None
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        result = workforce_import(
            kind=kind, data=data, file_name=file, user=None, county=scope, dry_run=dry_run
        )
        if not result.ok:
            for row, column, reason in result.errors:
                self.stderr.write(f"第 {row} 行 {column}：{reason}" if row else f"{column}：{reason}")
            raise CommandError(f"未导入：{len(result.errors)} 处错误")
        self.stdout.write(result.summary)
