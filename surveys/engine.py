"""Survey arithmetic: satisfaction (满意度), awareness (知晓率) and the 85 % line. No Django.

Inputs are plain tallies (how many answers had which value, per question, group, school and
township); outputs are exact fractions, so "exactly 85 %" passes and 84.99 % fails without any
floating-point doubt. A rate with no valid answers is undefined (None), never an error.

Values as stored:
  scale questions      5 满意, 4 比较满意, 3 一般, 2 不太满意, 1 不满意
  awareness questions  1 知晓, 0 不知晓

Satisfaction formulas (setting SURVEY_SATISFACTION_FORMULA):
  "top2"      (满意 + 比较满意) / valid answers              — the usual reading of 社会认可度
  "weighted"  mean of the scores 100/80/60/40/0, divided by 100 — a stricter alternative some
              provinces use; 比较满意 only counts 80 %
Awareness is always 知晓 / (知晓 + 不知晓).

The county's recognition rate pools every valid scale answer of every group (each answer counts
once), which is how the self-test questionnaires are usually scored; awareness is reported beside
it, not mixed into it.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

SCALE = "scale"
AWARENESS = "awareness"
RATED_KINDS = (SCALE, AWARENESS)

SCALE_LABELS = {5: "满意", 4: "比较满意", 3: "一般", 2: "不太满意", 1: "不满意"}
AWARENESS_LABELS = {1: "知晓", 0: "不知晓"}
WEIGHTS = {5: 100, 4: 80, 3: 60, 2: 40, 1: 0}
FORMULAS = ("top2", "weighted")
PASS_LINE = Fraction(85, 100)  # 2017 scheme: recognition below 85 % is a one-vote veto


@dataclass(frozen=True)
class Rate:
    """A rate with its base: `rate` is None when there is no valid answer."""

    rate: Fraction | None
    valid: int
    counts: Mapping[int, int] = field(default_factory=dict)

    line = PASS_LINE  # read by the pct filter, so a failing rate never prints as the line

    @property
    def passed(self) -> bool | None:
        return None if self.rate is None else self.rate >= PASS_LINE

    @property
    def value(self) -> float | None:
        return None if self.rate is None else float(self.rate)


@dataclass(frozen=True)
class Tally:
    """How many answers of one question had one value, for one group and one school.

    school and township are None for invitations not tied to a school (e.g. deputies).
    """

    question: int
    kind: str
    group: str
    school: int | None
    township: int | None
    value: int
    count: int


@dataclass
class Results:
    satisfaction: Rate
    awareness: Rate
    by_question: dict[int, Rate]
    by_group: dict[str, Rate]
    awareness_by_group: dict[str, Rate]
    by_school: dict[int, Rate]
    by_township: dict[int, Rate]
    by_question_group: dict[tuple[int, str], Rate]
    weakest: list[int]
    """Rated question ids, lowest rate first (undefined ones last, then by the given order)."""


def satisfaction_rate(counts: Mapping[int, int], formula: str = "top2") -> Rate:
    if formula not in FORMULAS:
        raise ValueError(f"unknown satisfaction formula {formula!r}; expected one of {FORMULAS}")
    valid_counts = {v: n for v, n in counts.items() if v in SCALE_LABELS and n}
    valid = sum(valid_counts.values())
    if valid == 0:
        return Rate(None, 0, valid_counts)
    if formula == "top2":
        rate = Fraction(valid_counts.get(5, 0) + valid_counts.get(4, 0), valid)
    else:
        rate = Fraction(sum(WEIGHTS[v] * n for v, n in valid_counts.items()), 100 * valid)
    return Rate(rate, valid, valid_counts)


def awareness_rate(counts: Mapping[int, int]) -> Rate:
    valid_counts = {v: n for v, n in counts.items() if v in AWARENESS_LABELS and n}
    valid = sum(valid_counts.values())
    if valid == 0:
        return Rate(None, 0, valid_counts)
    return Rate(Fraction(valid_counts.get(1, 0), valid), valid, valid_counts)


def rate_of(kind: str, counts: Mapping[int, int], formula: str = "top2") -> Rate:
    if kind == SCALE:
        return satisfaction_rate(counts, formula)
    if kind == AWARENESS:
        return awareness_rate(counts)
    raise ValueError(f"questions of kind {kind!r} have no rate")


def _group_counts(tallies: Iterable[Tally], key: Callable[[Tally], Hashable]) -> dict:
    out: dict = defaultdict(lambda: defaultdict(int))
    for t in tallies:
        k = key(t)
        if k is not None:
            out[k][t.value] += t.count
    return out


def summarise(tallies: Iterable[Tally], formula: str = "top2", question_order: Iterable[int] = ()) -> Results:
    """All the rates of one survey from its tallies (rows of other kinds are ignored)."""
    tallies = [t for t in tallies if t.kind in RATED_KINDS]
    scale = [t for t in tallies if t.kind == SCALE]
    aware = [t for t in tallies if t.kind == AWARENESS]
    kinds = {t.question: t.kind for t in tallies}

    def rates(rows, key, kind_of):
        return {k: rate_of(kind_of(k), c, formula) for k, c in _group_counts(rows, key).items()}

    by_question = rates(tallies, lambda t: t.question, lambda q: kinds[q])
    order = {q: i for i, q in enumerate(question_order)}
    weakest = sorted(
        by_question,
        key=lambda q: (by_question[q].rate is None, by_question[q].rate or 0, order.get(q, len(order)), q),
    )
    return Results(
        satisfaction=satisfaction_rate(_total(scale), formula),
        awareness=awareness_rate(_total(aware)),
        by_question=by_question,
        by_group=rates(scale, lambda t: t.group, lambda _k: SCALE),
        awareness_by_group=rates(aware, lambda t: t.group, lambda _k: AWARENESS),
        by_school=rates(scale, lambda t: t.school, lambda _k: SCALE),
        by_township=rates(scale, lambda t: t.township, lambda _k: SCALE),
        by_question_group=rates(tallies, lambda t: (t.question, t.group), lambda k: kinds[k[0]]),
        weakest=weakest,
    )


def _total(tallies: Iterable[Tally]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for t in tallies:
        out[t.value] += t.count
    return out


@dataclass(frozen=True)
class Progress:
    target: int
    answers: int

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.answers, self.target) if self.target else None

    @property
    def reached(self) -> bool:
        return self.answers >= self.target


def progress(targets: Mapping[Hashable, int], answers: Mapping[Hashable, int]) -> dict[Hashable, Progress]:
    """Answers against sample targets for every key that has either."""
    keys = set(targets) | set(answers)
    return {k: Progress(targets.get(k, 0), answers.get(k, 0)) for k in keys}
