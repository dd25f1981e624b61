from submissions.models import Job
from tests.grid import API_VIEW, NOT_ALLOWED, VIEW, Rule, grid


def _job(plan) -> dict:
    job = Job.objects.create(kind="test-echo", area=plan.area, plan=plan)
    return {"pk": job.pk}


RULES = {
    "submissions:job_detail": Rule(VIEW, _job),
    # POST only: a GET is refused as such before anything else is looked at.
    "submissions:job_retry": Rule(grid(default=NOT_ALLOWED), _job),
    "api-job-detail": Rule(API_VIEW, _job),
}
