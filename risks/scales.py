"""The two scales a risk register is written on, and the bands of their scores: used by the
models (choices) and by the pure scoring in risks/calculations.py alike."""

from django.db import models


class Scale(models.TextChoices):
    NHS_5X5 = "nhs_5x5", "NHS 5×5 matrix (likelihood × consequence, 1–25)"
    LMH = "lmh", "Three levels (L, M, H)"


class Band(models.TextChoices):
    """The bands of both scales: low/moderate/high/extreme (5×5), low/medium/high (L/M/H)."""

    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    EXTREME = "extreme", "Extreme"
