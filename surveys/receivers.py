"""What surveys send to the other apps through balance_inspect.signals (connected in
SurveysConfig.ready): the assessment item 社会认可度 and a readiness row for the survey sample."""

from schools.models import school_year_label
from surveys import selectors
from surveys.models import Survey

LABEL = "社会认可度（满意度调查）"


def county_items(sender, *, county, year, **kwargs) -> list[dict]:
    """``social_recognition`` from selectors.county_recognition, the function the dashboard reads.

    Without a published survey of the year nothing is sent, so a figure bureau staff entered
    (e.g. from a survey run by a third party) counts; with a survey, the survey decides, and a
    survey without valid answers is "no data", never passed.
    """
    rec = selectors.county_recognition(county, year)
    if rec["survey_id"] is None:
        return []
    evidence = [f"满意度调查“{rec['title']}”（{rec['period']}）结果（满意度调查 › 调查结果）"]
    if rec["rate"] is None:
        return [
            {
                "key": "social_recognition",
                "label": LABEL,
                "passed": None,
                "evidence": evidence,
                "detail": f"“{rec['title']}”（{rec['period']}）尚无有效答卷",
            }
        ]
    return [
        {
            "key": "social_recognition",
            "label": LABEL,
            "passed": rec["passed"],
            "value": rec["rate"] * 100,
            "value_text": rec["rate_display"],
            # The item's one field (社会认可度 %), so every reader fills it from the same row.
            "inputs": {"value": rec["rate"] * 100},
            "evidence": evidence,
            "detail": f"“{rec['title']}”（{rec['period']}）满意度 {rec['rate_display']}，答卷 {rec['questionnaires']} 份（要求 ≥ 85%）",
        }
    ]


def readiness_rows(sender, *, county, year, **kwargs) -> list[dict]:
    """Whether the year's survey reached its sample: the rate itself is the assessment's row."""
    rec = selectors.county_recognition(county, year)
    if rec["survey_id"] is None:
        return [_row("at_risk", f"{school_year_label(year)}尚未发布满意度调查")]
    counts = selectors.survey_counts(Survey.objects.get(pk=rec["survey_id"]))
    got, target = counts["answers"], counts["target"]
    if target and got >= target:
        return [_row("pass", f"“{rec['title']}”已回收 {got} 份，达到样本目标 {target} 份")]
    if rec["status"] == Survey.Status.OPEN:
        return [_row("at_risk", f"“{rec['title']}”调查进行中：已回收 {got} 份，样本目标 {target} 份")]
    return [_row("at_risk", f"“{rec['title']}”已截止：回收 {got} 份，未达到样本目标 {target} 份")]


def _row(status: str, detail: str) -> dict:
    return {"area": "社会认可度", "item": "满意度调查样本", "status": status, "detail": detail}
