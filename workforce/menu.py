from accounts.menu import Entry, Tile
from accounts.roles import COUNTY_READERS, COUNTY_WRITERS

MENU = (
    Entry(
        "workforce:overview",
        COUNTY_READERS,
        nav="师资",
        nav_rank=50,
        tiles=(Tile(70, "师资队伍", "编制、学科配备、交流与培训", COUNTY_WRITERS),),
    ),
)
