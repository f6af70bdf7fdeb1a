from accounts.menu import Entry, Tile
from accounts.roles import COUNTY_READERS, COUNTY_WRITERS, READ_ONLY

MENU = (
    Entry(
        "surveys:list",
        COUNTY_READERS,
        nav="满意度调查",
        nav_rank=90,
        tiles=(
            Tile(80, "满意度调查", "社会认可度自测", COUNTY_WRITERS),
            Tile(80, "满意度调查", "只读：社会认可度自测结果", READ_ONLY),
        ),
    ),
)
