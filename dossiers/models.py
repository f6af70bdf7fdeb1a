from django.conf import settings
from django.db import models

from balance_inspect.jobs import BackgroundJob
from domain.vocabulary import SCHEME_LABELS


class Dossier(BackgroundJob):
    """One version of a county's inspection dossier (迎检档案) PDF.

    Immutable once done: a new request makes a new version. `input_fingerprint` is the
    sha256 of the data the PDF was built from, `sha256` that of the PDF file itself.
    """

    county = models.ForeignKey(
        "schools.County", on_delete=models.PROTECT, related_name="dossiers", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField("学年")
    scheme = models.CharField("评估方案", max_length=20)
    version = models.PositiveIntegerField("版本")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="申请人",
    )
    input_fingerprint = models.CharField("数据指纹", max_length=64, blank=True)
    sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True)
    file = models.FileField("文件", upload_to="dossiers/", max_length=255, blank=True)
    pages = models.PositiveIntegerField("页数", default=0)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    render_seconds = models.FloatField("生成耗时（秒）", default=0)

    task_name = "dossiers.tasks.build_dossier_task"

    class Meta:
        verbose_name = "迎检档案"
        verbose_name_plural = "迎检档案"
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "scheme", "version"], name="dossier_unique_version"
            )
        ]

    def __str__(self):
        return f"{self.county.name} {self.year}学年 迎检档案 第{self.version}版"

    def get_scheme_display(self) -> str:
        return SCHEME_LABELS.get(self.scheme, self.scheme)

    @property
    def download_name(self) -> str:
        return f"{self.county.name}_{self.year}学年_{self.get_scheme_display()}_迎检档案_v{self.version}.pdf"
