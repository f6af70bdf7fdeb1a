from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dossiers.services import build_dossier_pdf
from schools.models import County


class Command(BaseCommand):
    help = "生成迎检档案 PDF（与后台任务同一服务）"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="6 位区县代码")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--scheme", required=True, choices=["basic-2012", "quality-2017"])
        parser.add_argument("--out", required=True, help="输出 PDF 文件")

    def handle(self, *args, **options):
        county = County.objects.filter(code=options["county"]).first()
        if county is None:
            raise CommandError(f"未找到区县 {options['county']}")
        try:
            built = build_dossier_pdf(county, options["year"], options["scheme"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        Path(options["out"]).write_bytes(built.pdf)
        self.stdout.write(
            f"已生成 {options['out']}：{built.pages} 页，{len(built.pdf)} 字节，"
            f"{built.seconds:.1f} 秒，数据指纹 {built.input_fingerprint}"
        )
