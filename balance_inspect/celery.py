import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balance_inspect.settings")

# balance_inspect is not an installed app, so autodiscovery never finds its tasks (the reaper):
# include them by name, or beat sends a task no worker knows.
app = Celery("balance_inspect", include=["balance_inspect.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
