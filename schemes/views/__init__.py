"""The schemes' pages, one module per area: schemes, the budget grid, milestones, quarterly
spend, themes."""
