from accounts.menu import Entry, Tile
from accounts.roles import COUNTY_READERS, COUNTY_WRITERS, READ_ONLY

MENU = (
    Entry(
        "indicators:list",
        COUNTY_READERS,
        nav="指标评估",
        nav_rank=40,
        tiles=(
            Tile(30, "指标评估", "差异系数与逐校达标，生成缺口清单", COUNTY_WRITERS),
            Tile(30, "评估结果", "表Ⅱ、表Ⅲ", READ_ONLY),
        ),
    ),
)
