"""Settings of the processes the benchmarks start (gunicorn, a Celery worker): the test
settings with the bare page's URL added. The database and Redis come from the environment."""

from bcf.settings_test import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.urls"
CELERY_TASK_ALWAYS_EAGER = False
# gunicorn's processes share pages and the data token through Redis, as in production.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}  # noqa: F405
}
