from accounts.menu import Entry, Tile
from accounts.roles import COUNTY_READERS, COUNTY_WRITERS

MENU = (
    Entry(
        "rectification:list",
        COUNTY_READERS,
        nav="整改台账",
        nav_rank=70,
        tiles=(Tile(40, "整改台账", "问题、措施、进度、销号", COUNTY_WRITERS),),
    ),
    Entry(
        "rectification:readiness",
        COUNTY_READERS,
        nav="迎检准备",
        nav_rank=80,
        tiles=(Tile(50, "迎检准备", "倒排工期与准备情况", COUNTY_WRITERS),),
    ),
)
