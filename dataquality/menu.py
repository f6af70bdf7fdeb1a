from accounts.menu import Entry, Tile
from accounts.roles import COUNTY_READERS, COUNTY_WRITERS

MENU = (
    Entry(
        "dataquality:page",
        COUNTY_READERS,
        nav="数据质量",
        nav_rank=35,
        tiles=(
            Tile(
                25, "数据质量", "导入后自动核查：不合常理、跨表不一致、年度突变、重复身份证号", COUNTY_WRITERS
            ),
        ),
    ),
    # Next to 控辍保学 on the home page: the workbench feeds suspected cases into it.
    Entry(
        "dataquality:match",
        COUNTY_READERS,
        tiles=(
            Tile(
                65,
                "四查三比对",
                "户籍、学籍、考勤、脱贫户名单比对，找出疑似失学辍学儿童并登记个案",
                COUNTY_WRITERS,
            ),
        ),
    ),
)
