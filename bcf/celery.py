import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcf.settings")

app = Celery("bcf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic schedule is declared here and nowhere else.
app.conf.beat_schedule = {
    # Draft quarterly returns' previews follow the live figures overnight.
    "recompute-draft-returns": {
        "task": "submissions.tasks.recompute_draft_returns",
        "schedule": crontab(hour=2, minute=30),
    },
    # The national view's summaries of plans changed since they were computed.
    "refresh-plan-summaries": {
        "task": "submissions.tasks.refresh_plan_summaries",
        "schedule": 60.0,
    },
    # Returns due within 14 days with no approval scheduled: email the area's officers.
    "remind-returns-due": {
        "task": "submissions.tasks.remind_returns_due",
        "schedule": crontab(hour=7, minute=0),
    },
}
