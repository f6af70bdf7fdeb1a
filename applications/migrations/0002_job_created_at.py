import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def created_from_queued(apps, schema_editor):
    # The best known creation time of an existing package: when it was (last) queued.
    apps.get_model("applications", "ApplicationPackage").objects.update(created_at=F("queued_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationpackage",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="创建时间"
            ),
        ),
        migrations.RunPython(created_from_queued, migrations.RunPython.noop),
    ]
