from accounts.menu import Entry, Tile
from accounts.roles import COUNTY_READERS, COUNTY_WRITERS, READ_ONLY

MENU = (
    Entry(
        "dossiers:list",
        COUNTY_READERS,
        nav="迎检档案",
        nav_rank=100,
        tiles=(
            Tile(90, "迎检档案", "生成迎检 PDF 档案", COUNTY_WRITERS),
            Tile(70, "迎检档案", "下载已生成的档案", READ_ONLY),
        ),
    ),
)
