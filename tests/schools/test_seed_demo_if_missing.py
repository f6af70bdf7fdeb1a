"""`make run` seeds only once: a restart keeps what the user changed in the demo county."""

import io

import pytest
from django.core.management import call_command

from schools.models import School

pytestmark = pytest.mark.django_db


def test_if_missing_builds_once_and_then_keeps_changes():
    call_command("seed_demo", "--if-missing", "--no-apps", stdout=io.StringIO())
    school = School.objects.filter(county__code="130123").first()
    School.objects.filter(pk=school.pk).update(name="演示中改过的名字")
    out = io.StringIO()
    call_command("seed_demo", "--if-missing", stdout=out)
    assert "已存在" in out.getvalue()
    assert School.objects.get(pk=school.pk).name == "演示中改过的名字"
