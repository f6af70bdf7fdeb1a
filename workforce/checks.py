"""Start-up check of the WORKFORCE_* settings that settings.py cannot validate on its own
(the subject lists must use the roster's subject names, which live in schools.models)."""

from fractions import Fraction

from django.conf import settings
from django.core.checks import Error, register

from schools.models import SUBJECTS


@register()
def check_workforce_settings(app_configs, **kwargs):
    errors = []
    for name in ("WORKFORCE_REQUIRED_SUBJECTS_PRIMARY", "WORKFORCE_REQUIRED_SUBJECTS_JUNIOR"):
        unknown = [s for s in getattr(settings, name) if s not in SUBJECTS]
        if unknown:
            errors.append(
                Error(
                    f"{name} 含有花名册中不存在的学科：{'、'.join(unknown)}",
                    hint="可用学科：" + "、".join(SUBJECTS),
                    id="workforce.E001",
                )
            )
    if Fraction(settings.WORKFORCE_CLASS_POST_RATIO) <= 0:
        errors.append(Error("WORKFORCE_CLASS_POST_RATIO 必须大于 0", id="workforce.E002"))
    return errors
