import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcf.settings")

app = Celery("bcf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic schedule is declared here and nowhere else.
app.conf.beat_schedule = {}
