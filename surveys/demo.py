"""Demo rows for `manage.py seed_demo`: one open survey of the demo county with invitations per
school and group and about 600 anonymous answers. The county's rate comes out near 0.88 and one
item (课后服务) below the 85 % line, so the results page has something to point at.
"""

from datetime import timedelta

from django.utils import timezone

from surveys.models import SCHOOL_GROUPS, Answer, Invitation, Question, RespondentGroup, Response, Survey
from surveys.services import survey_create_from_template, survey_open, survey_update

TOTAL_RESPONSES = 600
SCHOOL_TARGETS = {
    RespondentGroup.PARENT: 20,
    RespondentGroup.STUDENT: 10,
    RespondentGroup.TEACHER: 5,
    RespondentGroup.PRINCIPAL: 1,
}
COUNTY_TARGETS = {
    RespondentGroup.DEPUTY: ("县人大代表、政协委员", 15),
    RespondentGroup.RESIDENT: ("全县居民", 30),
}
WEAK_ITEM = "课后服务"
WEAK_RATE = 0.78
COMMENTS = [
    "希望学校课后服务能多一些体育和艺术类活动，不要只是写作业。",
    "乡镇学校的老师流动太快，希望稳定一些。",
    "上学路上校车不够，早上孩子要走很远。",
    "食堂伙食有进步，希望继续保持。",
    "希望城区学校大班额问题尽快解决。",
    "老师很负责，感谢学校。",
    "课后服务结束时间太早，家长下班接不上孩子。",
    "建议多组织家长开放日，让家长了解学校情况。",
]


def seed_surveys(sender, *, county, users, year, rng, **kwargs):
    """Receiver of balance_inspect.signals.demo_seeded (connected in SurveysConfig.ready)."""
    if Survey.objects.filter(county=county).exists():
        return
    bureau = users.get("bureau") or users.get("admin")
    today = timezone.localdate()
    survey = survey_create_from_template(user=bureau, county=county, today=today - timedelta(days=10))
    survey_update(user=bureau, survey=survey, year=year)
    survey_open(user=bureau, survey=survey, today=today)

    invitations = _invitations(survey, county, rng)
    responses = _responses(survey, invitations, rng, today)
    _answers(survey, responses, rng)


def _invitations(survey, county, rng) -> list[Invitation]:
    specs = []
    for school in county.schools.exclude(school_type="教学点").order_by("code"):
        for group in SCHOOL_GROUPS:
            specs.append((school, group, "", SCHOOL_TARGETS[group]))
    for group, (label, target) in COUNTY_TARGETS.items():
        specs.append((None, group, label, target))
    total_target = sum(s[3] for s in specs)
    counts = [TOTAL_RESPONSES * s[3] // total_target for s in specs]
    for i in rng.sample(range(len(specs)), TOTAL_RESPONSES - sum(counts)):
        counts[i] += 1
    invitations = [
        Invitation(
            survey=survey,
            school=school,
            group=group,
            label=label,
            target=target,
            quota=max(2 * target, n),
            answers_count=n,
        )
        for (school, group, label, target), n in zip(specs, counts, strict=True)
    ]
    return Invitation.objects.bulk_create(invitations)


def _responses(survey, invitations, rng, today) -> list[Response]:
    rows = [
        Response(
            survey=survey,
            invitation=inv,
            group=inv.group,
            school=inv.school,
            submitted_on=today - timedelta(days=rng.randint(0, 9)),
            nonce=f"{rng.getrandbits(128):032x}",
        )
        for inv in invitations
        for _ in range(inv.answers_count)
    ]
    return Response.objects.bulk_create(rows)


def _exact_values(n: int, share_top: float, rng, top=(5, 4), bottom=(3, 2, 1)) -> list[int]:
    """n scale values with round(share_top * n) in 满意/比较满意, shuffled: rates come out exact."""
    n_top = round(share_top * n)
    values = [top[0] if rng.random() < 0.6 else top[1] for _ in range(n_top)]
    values += [rng.choices(bottom, weights=(65, 25, 10))[0] for _ in range(n - n_top)]
    rng.shuffle(values)
    return values


def _answers(survey, responses, rng) -> None:
    answers = []
    for q in survey.questions.order_by("order"):
        mine = [r for r in responses if r.group in q.groups]
        if q.kind == Question.Kind.SCALE:
            share = WEAK_RATE if q.item == WEAK_ITEM else rng.uniform(0.86, 0.91)
            values = _exact_values(len(mine), share, rng)
            answers += [Answer(response=r, question=q, value=v) for r, v in zip(mine, values, strict=True)]
        elif q.kind == Question.Kind.AWARENESS:
            known = round(rng.uniform(0.86, 0.95) * len(mine))
            values = [1] * known + [0] * (len(mine) - known)
            rng.shuffle(values)
            answers += [Answer(response=r, question=q, value=v) for r, v in zip(mine, values, strict=True)]
        elif q.kind == Question.Kind.CHOICE:
            weights = [40, 25, 10, 20, 5][: len(q.options)]
            answers += [
                Answer(response=r, question=q, value=rng.choices(range(len(q.options)), weights=weights)[0])
                for r in mine
                if rng.random() < 0.9
            ]
        else:
            answers += [
                Answer(response=r, question=q, text=rng.choice(COMMENTS)) for r in mine if rng.random() < 0.06
            ]
    Answer.objects.bulk_create(answers, batch_size=2000)
