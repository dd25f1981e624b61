"""A plan's pages, one module per area: the plan itself (list, details, narrative,
history), its national conditions, its partners and contributions, setting up areas and
plans, its sign-offs."""
