from accounts.menu import Entry, Tile
from accounts.roles import (
    AREA_PAGE_READERS,
    AREA_REVIEWERS,
    COUNTY_WRITERS,
    EVERYONE,
    READ_ONLY,
    SCHOOL_DATA_WRITERS,
    Role,
)

MENU = (
    Entry(
        "area:index",
        AREA_PAGE_READERS,
        nav="复核看板",
        nav_rank=5,
        above_county=True,
        # /area/ is the review board (reviews.views_board): every county's standing, then enter one.
        tiles=(Tile(5, "复核看板", "各区县结论、差异系数、报送状态；进入区县只读查看", AREA_REVIEWERS),),
    ),
    Entry(
        "schools:list",
        EVERYONE,
        nav="学校",
        nav_rank=20,
        tiles=(
            Tile(100, "学校", "全县学校及办学条件", COUNTY_WRITERS),
            Tile(100, "学校", "学校与办学条件", READ_ONLY),
            Tile(30, "本乡镇学校", "学校名单与办学条件", (Role.TOWNSHIP,)),
            Tile(30, "本校数据", "办学条件、教师、班级", (Role.SCHOOL,)),
        ),
    ),
    Entry(
        "schools:import_start",
        SCHOOL_DATA_WRITERS,
        nav="数据导入",
        nav_rank=30,
        tiles=(
            Tile(20, "导入数据", "学校、办学条件、教师、班级 Excel 模板", COUNTY_WRITERS),
            Tile(40, "导入本校数据", "使用 Excel 模板", (Role.SCHOOL,)),
        ),
    ),
)
