from accounts.menu import Entry, Tile
from accounts.roles import COUNTY_READERS, COUNTY_WRITERS, REVIEW_WRITERS

MENU = (
    Entry(
        "reviews:list",
        COUNTY_READERS,
        nav="实地核查",
        nav_rank=85,
        tiles=(Tile(55, "实地核查预演", "随机抽取学校、核查简报、手机核查表", COUNTY_WRITERS),),
    ),
    Entry(
        "reviews:submissions",
        COUNTY_READERS,
        nav="报送",
        nav_rank=86,
        tiles=(Tile(56, "报送与复核", "报送申报材料、答复市省意见、版本对比", COUNTY_WRITERS),),
    ),
    Entry(
        "reviews:review_queue",
        REVIEW_WRITERS,
        nav="报送复核",
        nav_rank=5,
        tiles=(Tile(5, "报送复核", "区县报送的申报材料：逐表逐项逐校提意见、退回或通过", REVIEW_WRITERS),),
    ),
)
