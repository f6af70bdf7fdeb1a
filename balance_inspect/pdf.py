"""The one PDF render helper: a Django template in, PDF bytes out (WeasyPrint).

Every PDF (dossiers, school briefs, dropout notices) goes through `render_pdf`, so fonts,
language and base styles are set in one place. Templates extend `pdf/base.html`, which sets
<html lang="zh-CN"> (otherwise Japanese glyph forms appear) and the CJK font family.
Never call this inside transaction.atomic: rendering takes seconds.
"""

import shutil
import subprocess
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string

CJK_FONT_FAMILY = "Noto Sans CJK SC"


class MissingCJKFont(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font_available() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False).stdout
    return "Noto Sans CJK SC" in out or "Noto Sans SC" in out


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


def html_to_pdf(html: str) -> bytes:
    if not cjk_font_available():
        raise MissingCJKFont("服务器缺少中文字体（Noto Sans CJK SC），请安装 fonts-noto-cjk 后重试。")
    from weasyprint import HTML  # imported late: it is heavy and only the worker needs it

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_html(template_name, context))
