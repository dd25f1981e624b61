"""`manage.py load_metrics_2016_17`: the 2016/17 metric definitions, a small Leicestershire
2016/17 plan and the June 2017 report's targets and actuals (after load_sample_data)."""

from django.core.management.base import BaseCommand

from fixtures.loader import LoadSummary
from fixtures.metrics_data import ALL_PARTS, load


class Command(BaseCommand):
    help = "Load the 2016/17 metrics sample data (needs load_sample_data first). Idempotent."

    def handle(self, *args, **options):
        summary = LoadSummary()
        load(summary, parts=ALL_PARTS)
        for line in summary.parts:
            self.stdout.write(line)
