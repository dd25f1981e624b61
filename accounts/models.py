"""API tokens, stored as knox stores them: only a SHA-512 digest of the token and its
first characters (to find it) are kept, never the token, and each expires."""

from django.db import models
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """An API token of one user, with the name they gave it (what uses it)."""

    name = models.CharField(max_length=100, help_text="What uses the token.")

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key[:8]}…, {self.user})"
