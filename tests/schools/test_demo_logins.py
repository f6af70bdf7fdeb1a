"""`demo_logins`: where to open the demo and the accounts to use."""

import io

import pytest
from django.core.management import CommandError, call_command

from schools.management.commands.demo_logins import format_table

pytestmark = pytest.mark.django_db


def test_it_prints_the_url_and_one_login_per_role(demo):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000" in text
    for expected in (
        "系统管理员",
        "教育局工作人员",
        "督学",
        "乡镇工作人员",
        "学校填报员",
        "admin",
        "bureau",
        "inspector",
        "township",
        "school",
        "Demo-pass-2025",
        "王科长",
        "赵督学",
        "李镇长",
        "陈老师",
        "滨河县",
        "城关镇",
        "城关小学",
        "全部区县",
        "市级复核人员",
        "省级评估人员",
        "city_reviewer",
        "province_reviewer",
        "石家庄市",
        "河北省",
    ):
        assert expected in text


def test_it_asks_to_seed_first_when_there_is_no_demo(db):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("demo_logins")


def test_columns_align_with_wide_chinese_characters():
    lines = format_table(
        [("角色", "用户名"), ("督学", "inspector"), ("教育局工作人员", "bureau")]
    ).splitlines()
    # Every second column starts at the same display column: 14 (widest role) + 2 spaces.
    assert [
        line.index(cell) for line, cell in zip(lines, ("用户名", "inspector", "bureau"), strict=True)
    ] == [len("角色") + 12, len("督学") + 12, len("教育局工作人员") + 2]


def test_it_prints_the_port_the_server_was_started_on(demo, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("HOST", raising=False)
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "http://127.0.0.1:8123" in out.getvalue() and ":8000" not in out.getvalue()
