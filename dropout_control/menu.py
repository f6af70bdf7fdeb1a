from accounts.menu import Entry, Tile
from accounts.roles import AREA_WRITERS, COUNTY_WRITERS, EVERYONE, READ_ONLY, Role

MENU = (
    Entry(
        "dropout_control:list",
        EVERYONE,
        nav="控辍保学",
        nav_rank=60,
        tiles=(
            Tile(60, "控辍保学", "疑似辍学、劝返、复学", COUNTY_WRITERS),
            Tile(60, "控辍保学统计", "个人信息已脱敏", READ_ONLY),
            Tile(10, "控辍保学", "本乡镇的辍学个案与劝返记录", (Role.TOWNSHIP,)),
            Tile(20, "本校个案", "本校报告的个案进展", (Role.SCHOOL,)),
        ),
    ),
    Entry(
        "dropout_control:create",
        AREA_WRITERS,
        tiles=(
            Tile(20, "登记个案", "登记一名疑似辍学学生", (Role.TOWNSHIP,)),
            Tile(10, "报告疑似辍学", "无故缺课超过规定天数的学生", (Role.SCHOOL,)),
        ),
    ),
)
