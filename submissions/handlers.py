"""Imports every module that registers a job handler (see submissions/jobs.py)."""
