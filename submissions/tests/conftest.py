import pytest

from submissions.jobs import HANDLERS, JobFailed


@pytest.fixture
def echo_handler():
    """A job kind for the tests: counts its runs, fails when asked to."""
    runs = []

    def echo(job, progress):
        runs.append(job.pk)
        progress(50, "Half way")
        if job.params.get("fail"):
            raise JobFailed(job.params["fail"])
        return {"echo": job.params.get("value")}

    HANDLERS["test-echo"] = echo
    yield runs
    del HANDLERS["test-echo"]
