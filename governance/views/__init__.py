"""Governance pages, one module per area: boards and their meetings (items, minutes,
decisions on the meeting's page), the boards' actions, setting boards up, deciding on a
plan version, return or release from its page."""
