from accounts.menu import Entry, Tile
from accounts.roles import COUNTY_READERS, COUNTY_WRITERS

MENU = (
    Entry(
        "reviews:list",
        COUNTY_READERS,
        nav="实地核查",
        nav_rank=85,
        tiles=(Tile(55, "实地核查预演", "随机抽取学校、核查简报、手机核查表", COUNTY_WRITERS),),
    ),
)
