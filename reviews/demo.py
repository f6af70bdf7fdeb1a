"""Demo rows of the reviews app: one site-visit draw of the demo county with its first school
visited (one 不符合 finding filed to the ledger, interviews, a photo).

Connected to balance_inspect.signals.demo_seeded in ReviewsConfig.ready(). The draw reads the
current assessment, which the indicators demo computes once the seed commits: this runs after it
(on_commit callbacks run in the order they were registered, and reviews is installed after
indicators).
"""

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import Role, User
from reviews import services
from reviews.models import SiteVisitDraw, Verdict

DEMO_SEED = 20250901


def tiny_png() -> bytes:
    """A valid 1×1 green PNG (a stand-in for a photo taken on site)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x2e\x8b\x57")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def seed_reviews(sender, *, county, users, year, rng, **kwargs):
    user = (
        users.get(Role.BUREAU)
        or users.get("bureau")
        or User.objects.filter(county=county, role=Role.BUREAU).first()
    )
    if user is None or SiteVisitDraw.objects.filter(county=county).exists():
        return

    def draw_demo():
        record = services.draw_create(user=user, county=county, seed=DEMO_SEED, note="迎检前实地核查预演")
        drawn = record.schools.select_related("school").order_by("position").first()
        services.visit_save(
            user=user,
            drawn=drawn,
            checks={
                "building_area_pp": (Verdict.CONFORMS, ""),
                "sports_area_pp": (Verdict.FAILS, "运动场地面积与填报不符，部分场地被占用"),
                "rooms": (Verdict.CONFORMS, "音乐、美术教室各 1 间"),
            },
            counts={"interviewed": 12, "satisfied": 11, "parents_interviewed": 5, "parents_satisfied": 5},
            visited_on=None,
        )
        services.photo_add(
            user=user,
            drawn=drawn,
            upload=SimpleUploadedFile("运动场.png", tiny_png(), content_type="image/png"),
            key="sports_area_pp",
            description="运动场现状",
        )

    transaction.on_commit(draw_demo)
