"""The two evaluation schemes by key (domain.md §2), and which one a county aims at by default.

The rule sets themselves live in ``indicators.engine.rules``; this module only names the schemes,
so that ``schools.County.target_scheme`` can offer them as choices without importing indicators
(schools is the base app and imports no feature app).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

BASIC_2012 = "basic-2012"
QUALITY_2017 = "quality-2017"

SCHEMES: tuple[str, ...] = (BASIC_2012, QUALITY_2017)
SCHEME_LABELS: Mapping[str, str] = MappingProxyType(
    {
        BASIC_2012: "2012 基本均衡（教督〔2012〕3号）",
        QUALITY_2017: "2017 优质均衡（教督〔2017〕6号）",
    }
)
# What the county is inspected for: 基本均衡 (achieved by most counties) or 优质均衡.
TARGET_NAMES: Mapping[str, str] = MappingProxyType({BASIC_2012: "基本均衡", QUALITY_2017: "优质均衡"})
SCHEME_CHOICES: tuple[tuple[str, str], ...] = tuple(SCHEME_LABELS.items())

# Counties now prepare for 优质均衡 (教督〔2017〕6号); staff switch a county back to 基本均衡 by hand.
DEFAULT_TARGET_SCHEME = QUALITY_2017


def other_scheme(scheme: str) -> str:
    """The scheme that is not ``scheme`` (a run of it is a comparison, 对比评估)."""
    return BASIC_2012 if scheme == QUALITY_2017 else QUALITY_2017
