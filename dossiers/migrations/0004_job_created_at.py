import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def created_from_queued(apps, schema_editor):
    # The best known creation time of an existing dossier: when it was (last) queued.
    apps.get_model("dossiers", "Dossier").objects.update(created_at=F("queued_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0003_job_steps_pending"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="创建时间"
            ),
        ),
        migrations.RunPython(created_from_queued, migrations.RunPython.noop),
    ]
