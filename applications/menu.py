from accounts.menu import Entry, Tile
from accounts.roles import COUNTY_READERS, COUNTY_WRITERS, READ_ONLY

MENU = (
    Entry(
        "applications:package",
        COUNTY_READERS,
        nav="申报材料",
        nav_rank=105,
        tiles=(
            Tile(88, "申报材料", "生成申报表、学校自评表，查看待填写项", COUNTY_WRITERS),
            Tile(68, "申报材料", "下载已生成的申报材料", READ_ONLY),
        ),
    ),
)
