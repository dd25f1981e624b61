"""Settings for a developer's `manage.py`: the embedded setup unless the environment says
otherwise (DEBUG on, so no SECRET_KEY is needed; SQLite and eager Celery when DATABASE_URL
and REDIS_URL are unset). Servers and workers (wsgi, asgi, Celery) and the production
containers use bcf.settings, which refuses to start without a SECRET_KEY."""

import os

os.environ.setdefault("DEBUG", "true")

from bcf.settings import *  # noqa: E402,F403
