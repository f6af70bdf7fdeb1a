import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balance_inspect.settings")

app = Celery("balance_inspect")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
