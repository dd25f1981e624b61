from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "schemes"
    verbose_name = "Schemes"

    def ready(self):
        from metrics.selectors import scheme_matrix_register
        from schemes.selectors import scheme_metric_matrix

        # The metrics overview shows which schemes move which metrics: schemes computes it.
        scheme_matrix_register(scheme_metric_matrix)
