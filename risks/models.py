"""Risks models."""
