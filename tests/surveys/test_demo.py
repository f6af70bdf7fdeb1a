"""The demo receiver: one open survey, ~600 answers, county rate ≈ 0.88, one weak item."""

import random

from balance_inspect.signals import demo_seeded
from surveys.demo import seed_surveys
from surveys.models import Invitation, Response, Survey
from surveys.selectors import county_recognition, survey_results
from tests.factories import SchoolFactory, TownshipFactory


def run_demo(county, bureau, school_a, school_b, seed=7):
    for i in range(6):
        SchoolFactory(
            township=TownshipFactory(county=county, name=f"第{i % 3}镇"),
            code=f"13012301{i:02d}",
            name=f"演示{i}小学",
        )
    seed_surveys(None, county=county, users={"bureau": bureau}, year=2025, rng=random.Random(seed))


def test_the_receiver_is_connected_to_the_demo_signal():
    assert any(r[0][0] == "surveys.demo.seed_surveys" for r in demo_seeded.receivers)


def test_the_demo_survey_is_open_with_600_answers_near_088_and_one_weak_item(
    county, bureau, school_a, school_b
):
    run_demo(county, bureau, school_a, school_b)
    survey = Survey.objects.get(county=county)
    assert survey.status == Survey.Status.OPEN and survey.year == 2025
    assert Response.objects.filter(survey=survey).count() == 600
    assert Invitation.objects.filter(survey=survey, school__isnull=True).count() == 2
    r = county_recognition(county, 2025)
    assert 0.86 <= r["rate"] <= 0.90 and r["passed"] is True
    weak = survey_results(survey).weak_questions
    assert [line.key.item for line in weak] == ["课后服务"]
    for inv in Invitation.objects.filter(survey=survey):
        assert inv.answers_count == inv.responses.count() <= inv.quota


def test_the_demo_is_deterministic_and_runs_once(county, bureau, school_a, school_b):
    run_demo(county, bureau, school_a, school_b, seed=3)
    first = county_recognition(county, 2025)["rate"]
    seed_surveys(None, county=county, users={"bureau": bureau}, year=2025, rng=random.Random(3))
    assert Survey.objects.filter(county=county).count() == 1
    Response.objects.all().delete()
    Invitation.objects.all().delete()
    Survey.objects.all().delete()
    seed_surveys(None, county=county, users={"bureau": bureau}, year=2025, rng=random.Random(3))
    assert county_recognition(county, 2025)["rate"] == first
