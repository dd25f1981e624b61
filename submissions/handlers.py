"""Imports every module that registers a job handler (see submissions/jobs.py)."""

from submissions import returns  # noqa: F401  prepare-return; approvals of returns
from submissions.documents import handlers as documents_handlers  # noqa: F401  render-part1/2
