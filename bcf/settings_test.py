"""Settings for the test run: production settings with a throwaway key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from bcf.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process in tests, wherever they run; the tests that need a real worker
# (submissions/tests/test_worker.py) switch this off for themselves and use REDIS_URL. A
# worker started as a separate process for a test (tests/test_faults.py) sets
# CELERY_EAGER=false.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_EAGER", "true").lower() != "false"
# Jobs run in the request, so a test sees their end when the request returns; the test of
# the embedded setup's threads turns this on for itself.
JOBS_IN_THREAD = False
# Each test starts with an empty cache (conftest.py); in memory, whatever REDIS_URL says,
# so that tests never see one another's pages.
# Room for every plan's and area's token and page of the national dataset (the default of
# 300 entries would drop them as the benchmarks ask for them).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
