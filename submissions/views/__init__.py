"""Submissions pages, one module per area: background jobs, assurance, preparing and
putting forward a plan version, the home page, the national view, quarterly returns and
the dashboard."""
