from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    """What goes to NHS England; depends on every other app, and nothing depends on it."""

    name = "submissions"
    verbose_name = "Submissions"

    def ready(self):
        # Every registry this app fills, filled here and nowhere else (no import side effects).
        from governance.approvals import submit_check_register
        from plans.freshness import changed
        from submissions import handlers, jobs, national, tasks
        from submissions.approvals import register_all
        from submissions.documents import template_blocks
        from submissions.documents.checklist import failing_items

        # The background jobs: their handlers by kind, the Celery task that runs one, and
        # the kinds with a queue of their own.
        jobs.configure(
            handlers=handlers.job_handlers(), task=tasks.run_job, queues=handlers.job_queues()
        )
        # What a board's decision approves, and what approving each does (governance).
        register_all()
        # A plan version is not marked submitted until NHS England's template checks pass.
        submit_check_register(failing_items)
        # The national view's summaries of a plan or area brought up to date when it changes.
        changed.connect(national.summaries_after_change, dispatch_uid="plan-summaries")
        # The template engine's named blocks and importers (the layouts in the framework
        # packs name them).
        template_blocks.register()
