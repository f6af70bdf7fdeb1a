from accounts.menu import Entry, Tile
from accounts.roles import COUNTY_READERS, COUNTY_WRITERS, EVERYONE, READ_ONLY

MENU = (
    Entry("home", EVERYONE, nav="首页", nav_rank=0, above_county=True),
    Entry(
        "dashboard:overview",
        COUNTY_READERS,
        nav="总览",
        nav_rank=10,
        tiles=(
            Tile(10, "县域总览", "达标情况、差异系数、倒计时一屏看清", COUNTY_WRITERS),
            Tile(10, "县域总览", "只读：达标情况与差异系数", READ_ONLY),
        ),
    ),
)
