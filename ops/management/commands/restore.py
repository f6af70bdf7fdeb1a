from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份恢复数据库与上传文件（先校验全部 SHA-256，再替换现有数据）"

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="确认覆盖现有数据")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("恢复会覆盖现有全部数据；确认请加 --yes")
        try:
            manifest = restore_backup(Path(options["archive"]))
        except (BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"恢复完成：备份时间 {manifest['created']}，{len(manifest['members'])} 个成员")
