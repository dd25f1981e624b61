from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from simple_history.signals import post_create_historical_record

        from plans.freshness import on_change
        from plans.models import Area, Organisation
        from plans.tables import remember_cell_signatures

        remember_cell_signatures()
        # Pages reused until the data changes (plans/freshness.py) learn of every change.
        post_create_historical_record.connect(on_change, dispatch_uid="data-token")
        for model in (Area, Organisation):
            post_save.connect(on_change, sender=model, dispatch_uid=f"data-token-save-{model}")
            post_delete.connect(on_change, sender=model, dispatch_uid=f"data-token-del-{model}")
