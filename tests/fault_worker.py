"""Loaded by the worker process that tests/test_faults.py starts and then kills
(`celery -A bcf worker -I tests.fault_worker`); never by the app.

With BCF_FAULT_PAUSE_FILE set, the real "prepare-return" handler pauses half-way: once
`submissions.services.return_prepare` has written the snapshot and checksum, and before its
transaction commits, it writes that file (the test's signal) and sleeps, so the test can
kill the worker at exactly that point.
"""

import os
import time
from pathlib import Path

from submissions import services

PAUSE_FILE = os.environ.get("BCF_FAULT_PAUSE_FILE")

if PAUSE_FILE:
    _save_with_history = services.save_with_history

    def _save_then_pause(record, **kwargs):
        _save_with_history(record, **kwargs)
        if kwargs.get("reason") == "Snapshot computed":
            Path(PAUSE_FILE).write_text(f"{record.pk} {record.checksum}")
            time.sleep(120)  # killed long before this ends

    services.save_with_history = _save_then_pause
