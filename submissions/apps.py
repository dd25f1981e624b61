from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    """What goes to NHS England; depends on every other app, and nothing depends on it."""

    name = "submissions"
    verbose_name = "Submissions"

    def ready(self):
        # Job handlers register themselves when their modules are imported.
        from submissions import handlers  # noqa: F401
        from submissions.approvals import register_all

        # What a board's decision approves, and what approving each does (governance).
        register_all()
