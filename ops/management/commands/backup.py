from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from ops.backup import create_backup


class Command(BaseCommand):
    help = "备份数据库与上传文件（含 SHA-256 校验清单）"

    def add_arguments(self, parser):
        parser.add_argument("--out", help="备份文件路径（.tar.gz），默认 backup-时间.tar.gz")

    def handle(self, *args, **options):
        out = Path(options["out"] or f"backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz")
        manifest = create_backup(out)
        self.stdout.write(
            f"备份完成：{out}（{len(manifest['members'])} 个成员，数据库 {manifest['database']}）"
        )
