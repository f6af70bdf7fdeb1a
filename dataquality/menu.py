from accounts.menu import Entry, Tile
from accounts.roles import COUNTY_READERS, COUNTY_WRITERS

MENU = (
    Entry("dataquality:page", COUNTY_READERS, nav="数据质量", nav_rank=35, tiles=(
        Tile(25, "数据质量", "导入后自动核查：不合常理、跨表不一致、年度突变、重复身份证号", COUNTY_WRITERS),
    )),
)
