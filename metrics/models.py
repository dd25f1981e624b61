"""Metric definitions; baselines, trajectories and actuals build on these."""

from django.db import models
from simple_history.models import HistoricalRecords


class MetricDefinition(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", "National"
        LOCAL = "local", "Local"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=250)
    short_name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NATIONAL)
    number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Its number in the plan's key to metrics (1–6)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["number", "code"]

    def __str__(self):
        return self.short_name or self.name
