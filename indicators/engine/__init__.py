"""Pure indicator engine: weighted difference coefficients, rule sets, units, gap plans.

No Django here: the ORM loads facts into these dataclasses, the engine computes plain results,
a service stores them. See domain.md §2–6 and data-contract §2–3 for the rules implemented.
"""

from .assess import (
    ENGINE_VERSION,
    assess,
    assess_units,
    class_counts,
    input_fingerprint,
    room_checks,
    school_size_checks,
    stage_verdict,
    unit_compliance,
)
from .gap import SCHOOL, UnitChange, apply_changes, cv_plans, plan_changes, unit_gaps, what_if
from .rules import RULESETS, STAGE_LABELS, STAGES, Indicator, RuleSet, get_ruleset
from .stats import WeightedStats, weighted_stats, weighted_stats_of
from .units import (
    ClassFacts,
    CountyItem,
    EngineSettings,
    SchoolFacts,
    SchoolSplit,
    TeacherGroup,
    Unit,
    UnitsResult,
    build_units,
    indicator_value,
)

__all__ = [
    "ENGINE_VERSION",
    "RULESETS",
    "SCHOOL",
    "STAGES",
    "STAGE_LABELS",
    "ClassFacts",
    "CountyItem",
    "EngineSettings",
    "Indicator",
    "RuleSet",
    "SchoolFacts",
    "SchoolSplit",
    "TeacherGroup",
    "Unit",
    "UnitChange",
    "UnitsResult",
    "WeightedStats",
    "apply_changes",
    "assess",
    "assess_units",
    "build_units",
    "class_counts",
    "cv_plans",
    "get_ruleset",
    "indicator_value",
    "input_fingerprint",
    "plan_changes",
    "room_checks",
    "school_size_checks",
    "stage_verdict",
    "unit_compliance",
    "unit_gaps",
    "weighted_stats",
    "weighted_stats_of",
    "what_if",
]
