"""Settings of the processes the benchmarks start (gunicorn, a Celery worker): the test
settings with the bare page's URL added. The database and Redis come from the environment."""

from bcf.settings_test import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.urls"
CELERY_TASK_ALWAYS_EAGER = False
