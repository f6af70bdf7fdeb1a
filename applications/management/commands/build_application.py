from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from applications.models import PackageFile
from applications.services import build_package
from schools.models import County

NAMES = {
    PackageFile.Kind.FORM_XLSX: "申报表.xlsx",
    PackageFile.Kind.FORM_PDF: "申报表.pdf",
    PackageFile.Kind.REPORT_DOCX: "自查自评报告.docx",
}


class Command(BaseCommand):
    help = "生成申报材料（申报表、自查自评报告、学校自评表），与后台任务同一服务"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="6 位区县代码")
        parser.add_argument(
            "--year", required=True, type=int, help="数据学年（起始年份，如 2025 表示 2025—2026 学年）"
        )
        parser.add_argument("--out", required=True, help="输出目录")

    def handle(self, *args, **options):
        county = County.objects.filter(code=options["county"]).first()
        if county is None:
            raise CommandError(f"未找到区县 {options['county']}")
        try:
            built = build_package(county, options["year"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        for kind, name in NAMES.items():
            if kind in built.files:
                (out / name).write_bytes(built.files[kind][0])
        for name, data in built.school_files:
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self.stdout.write(
            f"已生成 {county.name} {options['year']} 学年申报材料到 {out}：学校自评表 {len(built.school_files) // 2} 所，"
            f"{built.seconds:.1f} 秒，数据指纹 {built.fingerprint}"
        )
        if built.checklist:
            self.stdout.write(f"尚需填写 {len(built.checklist)} 项：")
            for item in built.checklist:
                mark = "【不能申报】" if item["blocking"] else ""
                self.stdout.write(f"- {mark}{item['table']}｜{item['item']}｜{item['who']}")
        else:
            self.stdout.write("各表已填写完整。")
