from accounts.menu import Entry, Tile
from accounts.roles import COUNTY_WRITERS, EVERYONE, SCHOOL_DATA_WRITERS, Role

MENU = (
    Entry(
        "schools:list",
        EVERYONE,
        nav="学校",
        nav_rank=20,
        tiles=(
            Tile(100, "学校", "全县学校及办学条件", COUNTY_WRITERS),
            Tile(100, "学校", "学校与办学条件", (Role.INSPECTOR,)),
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
