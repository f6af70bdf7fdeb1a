"""Seed the archive checklist (档案目录) and the default backward-plan task templates."""

from django.db import migrations


def seed(apps, schema_editor):
    from rectification.services import archive_points_ensure, task_templates_ensure

    archive_points_ensure(point_model=apps.get_model("rectification", "ArchivePoint"))
    task_templates_ensure(template_model=apps.get_model("rectification", "PrepTaskTemplate"))


class Migration(migrations.Migration):
    dependencies = [("rectification", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
