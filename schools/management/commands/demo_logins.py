"""`manage.py demo_logins`: where to open the demo and how to log in as each role."""

import os
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from schools.demo import DEMO_PASSWORD, DEMO_USERS


def demo_url() -> str:
    """Where `make run` serves: the same HOST and PORT variables the Makefile passes to runserver."""
    return f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(rows: list[tuple[str, ...]]) -> str:
    """Rows as aligned columns; CJK characters count as two columns wide."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )


class Command(BaseCommand):
    help = "列出演示地址和各角色的演示账号（需先运行 seed_demo）。"

    def handle(self, *args, **options):
        usernames = [u[1] for u in DEMO_USERS]
        users = {
            u.username: u
            for u in User.objects.filter(username__in=usernames).select_related(
                "county", "township", "school", "region"
            )
        }
        if len(users) != len(usernames):
            raise CommandError("尚未生成演示数据，请先运行：python manage.py seed_demo")
        rows = [("角色", "姓名", "用户名", "密码", "管辖范围")]
        for _role, username, *_rest in DEMO_USERS:
            user = users[username]
            rows.append(
                (user.get_role_display(), user.display_name, username, DEMO_PASSWORD, user.area_label)
            )
        self.stdout.write(f"演示地址：{demo_url()}")
        self.stdout.write("演示账号（所有账号密码相同）：")
        self.stdout.write(format_table(rows))
