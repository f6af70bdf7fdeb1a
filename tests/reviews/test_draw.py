"""The site-visit draw (reviews.draw), pure: reproducible from its seed, stratified, with a
teaching point and the weakest units. No database."""

import random

import pytest

from domain import vocabulary as vocab
from reviews import draw
from reviews.draw import STRATUM, TEACHING_POINT, WEAKEST, Candidate

TYPES = (
    vocab.PRIMARY_SCHOOL,
    vocab.PRIMARY_SCHOOL,
    vocab.JUNIOR_SCHOOL,
    vocab.NINE_YEAR,
    vocab.PRIMARY_SCHOOL,
    vocab.TEACHING_POINT,
)


def county(n=120, *, teaching_points=True, assessed=True) -> list[Candidate]:
    """A big county: every stage group, area and size, teaching points, a spread of weakness."""
    out = []
    for i in range(n):
        school_type = TYPES[i % len(TYPES)]
        if not teaching_points and school_type == vocab.TEACHING_POINT:
            school_type = vocab.PRIMARY_SCHOOL
        weakness = None
        if assessed and school_type != vocab.TEACHING_POINT:
            weakness = (7 - i % 4, 7, 0.5 + (i * 37 % 100) / 100)
        out.append(
            Candidate(
                code=f"13012{i:05d}",
                name=f"第{i}校",
                school_type=school_type,
                area=vocab.URBAN_RURAL[i * 7 % 3],
                students=30 + (i * 53) % 1900,
                weakness=weakness,
            )
        )
    return out


def codes(picks):
    return [p.code for p in picks]


def test_the_same_seed_and_the_same_data_give_the_same_draw():
    schools = county()
    assert codes(draw.draw(schools, seed=20250917, total=10, weakest=2)) == codes(
        draw.draw(schools, seed=20250917, total=10, weakest=2)
    )


def test_the_order_the_schools_come_in_does_not_change_the_draw():
    schools = county()
    shuffled = list(schools)
    random.Random(1).shuffle(shuffled)
    assert draw.draw(schools, seed=7, total=10, weakest=2) == draw.draw(shuffled, seed=7, total=10, weakest=2)


def test_a_different_seed_gives_a_different_draw_in_a_big_county():
    schools = county()
    draws = {tuple(codes(draw.draw(schools, seed=seed, total=10, weakest=2))) for seed in range(1, 6)}
    assert len(draws) == 5


def test_it_draws_exactly_the_count_asked_without_repeating_a_school():
    for total in (8, 10, 12):
        picks = draw.draw(county(), seed=3, total=total, weakest=2)
        assert len(picks) == total
        assert len(set(codes(picks))) == total


def test_the_weakest_units_come_first_fewest_reached_then_lowest_ratio():
    schools = [
        Candidate("1301230001", "甲", vocab.PRIMARY_SCHOOL, vocab.URBAN, 500, (7, 7, 1.2)),
        Candidate("1301230002", "乙", vocab.PRIMARY_SCHOOL, vocab.RURAL, 80, (5, 7, 0.9)),
        Candidate("1301230003", "丙", vocab.JUNIOR_SCHOOL, vocab.TOWN, 700, (5, 7, 0.6)),
        Candidate("1301230004", "丁", vocab.NINE_YEAR, vocab.RURAL, 300, (6, 7, 0.5)),
        *county(40, assessed=False)[4:],
    ]
    picks = draw.draw(schools, seed=11, total=10, weakest=2)
    assert [(p.code, p.kind) for p in picks[:2]] == [("1301230003", WEAKEST), ("1301230002", WEAKEST)]
    assert "达标 5/7 项" in picks[0].reason and "60.0%" in picks[0].reason


def test_the_weakest_are_drawn_whatever_the_seed():
    schools = county()
    weakest = sorted(
        (c for c in schools if c.weakness),
        key=lambda c: (c.weakness[0] / c.weakness[1], c.weakness[2], c.code),
    )[:3]
    for seed in range(20):
        picks = draw.draw(schools, seed=seed, total=10, weakest=3)
        assert codes(picks)[:3] == [c.code for c in weakest]


def test_a_teaching_point_is_always_drawn_when_the_county_has_one():
    schools = county()
    for seed in range(30):
        picks = draw.draw(schools, seed=seed, total=8, weakest=2)
        drawn_points = [p for p in picks if p.code in {c.code for c in schools if c.is_teaching_point}]
        assert drawn_points, seed
    kinds = [p.kind for p in draw.draw(schools, seed=5, total=8, weakest=2)]
    assert kinds.count(TEACHING_POINT) == 1


def test_no_teaching_point_is_invented_for_a_county_without_one():
    picks = draw.draw(county(teaching_points=False), seed=5, total=10, weakest=2)
    assert TEACHING_POINT not in {p.kind for p in picks}


def test_every_stage_group_area_and_size_band_of_the_county_is_drawn():
    schools = county()
    by_code = {c.code: c for c in schools}
    bands = draw.size_bands(schools)
    for seed in range(30):
        picks = draw.draw(schools, seed=seed, total=8, weakest=2)
        assert {by_code[p.code].group for p in picks} == set(draw.STAGE_GROUPS)
        assert {by_code[p.code].area for p in picks} == set(vocab.URBAN_RURAL)
        assert {bands[p.code] for p in picks} == set(draw.SIZE_BANDS)


def test_each_pick_records_the_stratum_the_school_is_in():
    schools = county()
    by_code = {c.code: c for c in schools}
    bands = draw.size_bands(schools)
    for p in draw.draw(schools, seed=9, total=12, weakest=2):
        c = by_code[p.code]
        assert p.stratum == f"{c.group} · {c.area} · {bands[c.code]}"
        assert p.reason


def test_the_random_part_follows_the_strata_shares():
    """Over many seeds, a stratum holding half the schools gets about half the random slots."""
    big = [
        Candidate(f"1301{i:06d}", f"校{i}", vocab.PRIMARY_SCHOOL, vocab.RURAL, 100, None) for i in range(60)
    ] + [Candidate(f"1302{i:06d}", f"校{i}", vocab.JUNIOR_SCHOOL, vocab.URBAN, 100, None) for i in range(60)]
    juniors = 0
    for seed in range(200):
        picks = draw.draw(big, seed=seed, total=10, weakest=0)
        assert all(p.kind == STRATUM for p in picks)
        juniors += sum(p.code.startswith("1302") for p in picks)
    assert 0.4 < juniors / 2000 < 0.6


def test_a_small_county_has_all_its_schools_drawn():
    schools = county(6)
    assert sorted(codes(draw.draw(schools, seed=1, total=10, weakest=2))) == sorted(c.code for c in schools)


def test_without_an_assessment_no_school_is_drawn_as_weakest():
    picks = draw.draw(county(assessed=False), seed=1, total=10, weakest=2)
    assert WEAKEST not in {p.kind for p in picks}
    assert len(picks) == 10


def test_size_bands_are_tertiles_of_students():
    schools = [
        Candidate(f"13012300{i:02d}", "x", vocab.PRIMARY_SCHOOL, vocab.URBAN, 10 * i) for i in range(9)
    ]
    bands = draw.size_bands(schools)
    assert [bands[c.code] for c in schools] == ["规模较小"] * 3 + ["规模中等"] * 3 + ["规模较大"] * 3


def test_a_candidate_survives_its_stored_form():
    for c in county(12):
        assert Candidate.from_dict(c.to_dict()) == c


def test_duplicate_codes_are_refused():
    c = county(3)
    with pytest.raises(ValueError):
        draw.draw([*c, c[0]], seed=1, total=8, weakest=0)


def test_weakness_reads_per_school_standards_from_the_assessment_document():
    result = {
        "scheme": "quality-2017",
        "stages": {},
        "units": [
            {
                "school_code": "A",
                "stage": "primary",
                "values": {
                    "qualified_teachers_per100": 4.2,
                    "backbone_teachers_per100": 0.5,  # half the standard
                    "pe_art_teachers_per100": 1.0,
                    "building_area_pp": 5.0,
                    "sports_area_pp": 8.0,
                    "equipment_value_pp": 2100,
                    "multimedia_rooms_per100": None,  # not computable: counts as 0
                },
            },
            {
                "school_code": "B",
                "stage": "junior",
                "values": {
                    "qualified_teachers_per100": 6,
                    "backbone_teachers_per100": 1,
                    "pe_art_teachers_per100": 1,
                    "building_area_pp": 6,
                    "sports_area_pp": 11,
                    "equipment_value_pp": 2500,
                    "multimedia_rooms_per100": 2.4,
                },
            },
        ],
    }
    weakness = draw.school_weakness(result)
    assert weakness["A"] == (5, 7, 0.0)
    assert weakness["B"][:2] == (7, 7)


def test_weakness_without_per_school_standards_is_against_the_county_mean():
    indicators = (
        "building_area_pp",
        "sports_area_pp",
        "equipment_value_pp",
        "computers_per100",
        "books_pp",
        "teacher_ratio",
        "qualified_teachers_pp",
        "senior_title_teachers_pp",
    )
    result = {
        "scheme": "basic-2012",
        "stages": {"primary": {"indicators": {k: {"mean": 10.0} for k in indicators}}},
        "units": [
            {"school_code": "A", "stage": "primary", "values": {k: 5.0 for k in indicators}},
            {"school_code": "B", "stage": "primary", "values": {k: 15.0 for k in indicators}},
        ],
    }
    weakness = draw.school_weakness(result)
    assert weakness["A"] == (0, 8, 0.5)
    assert weakness["B"] == (8, 8, 1.5)
